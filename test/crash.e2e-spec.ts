/**
 * The kill -9 harness (bench/crash.ts, `npm run test:crash`) in its quick mode, so that CI exercises it: the built
 * server killed 3 times under concurrent keyed writes, and after every restart every acknowledged write in the log
 * exactly once, `dgr verify` passing and the read models equal to a rebuild. Needs dist/ (npm run build).
 */
import { QUICK, runCrashHarness } from '../bench/crash';

jest.setTimeout(8 * 60_000);

it('survives kill -9 under concurrent writes: acknowledged writes exactly once, the log verifies, read models equal a rebuild', async () => {
  const seed = Math.floor(Math.random() * 2 ** 31);
  const lines: string[] = [];
  const report = await runCrashHarness({ ...QUICK, seed, compareApi: false, log: (line) => lines.push(line) });
  // The seed in the message, so that a failure can be repeated with npm run test:crash -- --quick --seed N.
  expect({ seed, problems: report.problems }).toEqual({ seed, problems: [] });
  // The harness stops killing once every write is answered: on a fast run that can be before the last kill.
  expect(report.kills).toBeGreaterThanOrEqual(1);
  expect(report.kills).toBeLessThanOrEqual(QUICK.kills);
  expect(report.checks).toBe(report.kills + 1);
  expect(report.acknowledged).toBe(report.writes);
});
