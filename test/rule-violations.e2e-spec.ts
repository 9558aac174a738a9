/**
 * A log written before ADR 0010 that already holds a rule violation (a grant recorded after the initiative's
 * cancellation, the race of issue 12) is read without failing, and the violation is shown wherever the log is
 * read: `dgr verify` (by position, apart from the hashes; exit 2 with --fail-on-rules), GET /api/audit/verify, the initiative's API
 * and page, and the annual report.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { SqliteEventStore } from '@dgr/event-store';
import { runVerify, verifyLog } from '../apps/cli/src/verify';
import { importJsonl } from '../apps/cli/src/import';
import { HttpApp, testConfig, tokenFor } from './support/http-app';
import { FIXTURE_FILE, FIXTURE_GRANT_POSITION, FIXTURE_INITIATIVE, grantOnCancelledJsonl } from './support/rule-violation-log';

const fixture = path.join(__dirname, '..', FIXTURE_FILE);

it('the committed fixture is the log the helper writes (hashes as the store computes them)', async () => {
  const written = await grantOnCancelledJsonl();
  if (process.env.DGR_WRITE_FIXTURES === '1') fs.writeFileSync(fixture, written);
  expect(fs.readFileSync(fixture, 'utf8')).toBe(written);
});

describe('a log holding a grant on a cancelled initiative', () => {
  let dir: string;
  let file: string;
  let app: HttpApp;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-violation-'));
    file = path.join(dir, 'dgr.sqlite');
    const store = new SqliteEventStore(file);
    await importJsonl(store, fixture);
    await store.close();
    app = await HttpApp.start({ sqliteFile: file });
  });

  afterAll(async () => {
    await app.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('dgr verify: the hashes hold, and the violation is reported by position as a rule violation (exit 2 with --fail-on-rules)', async () => {
    const result = verifyLog({ file });
    expect(result.ok).toBe(true);
    expect(result.ruleViolations.map((v) => [v.position, v.rule])).toEqual([[FIXTURE_GRANT_POSITION, 'grant-on-cancelled-initiative']]);
    let out = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
    const io = { stdout: sink, stderr: sink as unknown as NodeJS.WriteStream };
    // The exit code is about the hashes; --fail-on-rules makes a broken rule fail too.
    expect(runVerify(testConfig(file), {}, io)).toBe(0);
    expect(runVerify(testConfig(file), { 'fail-on-rules': true }, io)).toBe(2);
    expect(out).toContain('OK: every event matches its hash and chain.');
    expect(out).toContain(`RULE VIOLATIONS: 1`);
    expect(out).toContain(`event at position ${FIXTURE_GRANT_POSITION} (stream fund-dgr, revision 1, GrantAwarded): grant-on-cancelled-initiative`);
  });

  it('the service starts on it; the initiative API shows the violation', async () => {
    const res = await app.get(`/api/initiatives/${FIXTURE_INITIATIVE}`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(res.body.grantedOre).toBe(300_000_000);
    expect(res.body.ruleViolations).toEqual([
      expect.objectContaining({ position: FIXTURE_GRANT_POSITION, rule: 'grant-on-cancelled-initiative', type: 'GrantAwarded', description: expect.stringContaining('återkallades 2024-05-20') }),
    ]);
  });

  it('the initiative page shows it', async () => {
    const res = await fetch(`${app.baseUrl}/initiativ/${FIXTURE_INITIATIVE}`, { headers: { authorization: `Bearer ${tokenFor('auditor')}` } });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('Regelbrott i loggen');
    expect(text).toContain(`Position ${FIXTURE_GRANT_POSITION} (GrantAwarded)`);
  });

  it('the annual report lists it (JSON and Markdown); GET /api/audit/verify reports it apart from the hashes', async () => {
    const report = await app.get('/api/reports/annual/2024');
    expect(report.status).toBe(200);
    expect(report.body.ruleViolations).toEqual([expect.objectContaining({ position: FIXTURE_GRANT_POSITION, rule: 'grant-on-cancelled-initiative', initiativeId: FIXTURE_INITIATIVE })]);
    const markdown = await app.get('/api/reports/annual/2024?format=md');
    expect(markdown.text).toContain('## Regelbrott i loggen');
    const verify = await app.get('/api/audit/verify');
    expect(verify.status).toBe(200);
    expect(verify.body.mismatchCount).toBe(0);
    expect(verify.body.ruleViolations).toEqual([expect.objectContaining({ position: FIXTURE_GRANT_POSITION, rule: 'grant-on-cancelled-initiative' })]);
  });
});
