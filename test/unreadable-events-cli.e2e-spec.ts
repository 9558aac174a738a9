/**
 * `dgr verify` and `dgr status` (the built command) on logs with an event this version cannot read, crafted
 * with a correct hash: both name the event (position, stream, type, why) and exit non-zero.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteEventStore, type NewEvent } from '@dgr/event-store';
import { verifyLog } from '../apps/cli/src/verify';

const ROOT = path.join(__dirname, '..');
const DGR = path.join(ROOT, 'bin', 'dgr.js');

const event = (id: string, type: string, data: unknown, schemaVersion: number): NewEvent => ({
  id,
  type,
  data,
  metadata: { recordedAt: '2025-06-15T09:00:00.000Z', correlationId: 'crafted', causationId: null, schemaVersion, actor: null },
});

const deposit = event('d1', 'FundDeposited', { amountOre: 100_000, source: 'Region Värmland', bookedOn: '2025-01-02', reference: 'V-1' }, 1);

const dgr = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [DGR, ...args], { cwd: ROOT, env: { ...process.env, DGR_JWT_SECRET: 'x'.repeat(40) } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr }),
    );
  });

let dir: string;
beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js'))) throw new Error('dist/ is missing: run npm run build before the tests.');
  dir = mkdtempSync(path.join(tmpdir(), 'dgr-unreadable-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  { name: 'a future type', crafted: event('f1', 'FundInterestAccrued', { amountOre: 7 }, 1), reason: /does not know the type FundInterestAccrued/ },
  { name: 'a malformed deposit (data is a string)', crafted: event('f2', 'FundDeposited', 'hundra kronor', 1), reason: /data is not a JSON object/ },
])('a log with $name', ({ crafted, reason }) => {
  let file: string;
  beforeAll(async () => {
    file = path.join(dir, `${crafted.id}.sqlite`);
    const store = new SqliteEventStore(file);
    await store.append('fund-dgr', [deposit, crafted], 'no_stream');
    await store.append('fund-dgr', [event(`${crafted.id}-after`, 'FundDeposited', { amountOre: 5, source: 'Region Värmland', bookedOn: '2025-01-03', reference: 'V-3' }, 1)], 1);
    await store.close();
  });

  it('verifies every hash, and names the event it cannot read', () => {
    const result = verifyLog({ file });
    expect(result.firstMismatch).toBeNull();
    expect(result.events).toBe(3);
    expect(result.ok).toBe(true);
    expect(result.unreadable?.toJSON()).toMatchObject({ position: 2, stream: 'fund-dgr', type: crafted.type });
  });

  it('dgr verify names it and exits 1', async () => {
    const { code, stderr } = await dgr(['verify', '--file', file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/OK: every event matches its hash and chain/);
    expect(stderr).toMatch(new RegExp(`FAILED: Event at position 2 \\(stream fund-dgr, type ${crafted.type}, schemaVersion 1\\) cannot be read`));
    expect(stderr).toMatch(reason);
  });

  it('dgr replay and dgr export --format csv refuse in one line naming it, making no partial answer', async () => {
    for (const args of [['replay'], ['export', '--format', 'csv', '--what', 'ledger']]) {
      const { code, stdout, stderr } = await dgr([...args, '--file', file]);
      expect([args[0], code, stdout]).toEqual([args[0], 1, '']);
      expect(stderr).toMatch(/^dgr: Event at position 2 \(stream fund-dgr/);
      expect(stderr).toMatch(reason);
    }
  });

  it('dgr status prints the state before it, names it and exits 2', async () => {
    const { code, stdout, stderr } = await dgr(['status', '--file', file]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/1 händelser/);
    expect(stderr).toMatch(/Event at position 2 \(stream fund-dgr/);
    expect(stderr).toMatch(reason);
  });
});
