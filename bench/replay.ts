/**
 * Child process: one raw pass of target 2 over an events file, in a fresh process (fresh JIT and heap),
 * reported as {kind:'result', ...ReplayResult}.
 *
 *   replay raw <file>   reads the log as the store does — the store's own paged query
 *                       (`SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?`, pages of the
 *                       store's subscription batch size) — and JSON.parses data and metadata of every row.
 *                       Nothing else: the floor for a rebuild.
 *
 * The rebuild it is compared with is the built server's own cold start (server-bench.ts): whatever the
 * service does to build its read models at a start, measured from outside, so that the bench keeps measuring
 * the real thing when the read models change (persistent tables, checkpoints…).
 */
import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { reply, runChild } from './ipc';

/** The batch size SqliteEventStore.subscribeToAll gives its catch-up subscription. */
const STORE_PAGE_SIZE = 1000;

export interface ReplayResult {
  readonly events: number;
  readonly ms: number;
  /** process.memoryUsage() right after the pass, and after a full GC (what the pass keeps alive). */
  readonly heapUsed: number;
  readonly heapUsedAfterGc: number;
  readonly rss: number;
  readonly detail: string;
  /** CPU time of this process over its whole life (ms). */
  readonly cpuMs: number;
}

export type ReplayMessage = { kind: 'result'; result: ReplayResult };
export const REPLAY_PAGE_SIZE = STORE_PAGE_SIZE;

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

interface Row {
  position: number;
  data: string;
  metadata: string;
}

const raw = async (file: string): Promise<Omit<ReplayResult, 'cpuMs'>> => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const page = db.prepare<[number, number], Row>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?');
  let events = 0;
  let checksum = 0;
  const start = performance.now();
  for (let after = 0; ; ) {
    const rows = page.all(after, STORE_PAGE_SIZE);
    for (const row of rows) {
      const data = JSON.parse(row.data) as object;
      const metadata = JSON.parse(row.metadata) as { schemaVersion: number };
      checksum += metadata.schemaVersion + (data === null ? 0 : 1);
    }
    events += rows.length;
    if (rows.length < STORE_PAGE_SIZE) break;
    after = rows[rows.length - 1]!.position;
  }
  const ms = performance.now() - start;
  const { heapUsed, rss } = process.memoryUsage();
  gc();
  const heapUsedAfterGc = process.memoryUsage().heapUsed;
  db.close();
  return { events, ms, heapUsed, heapUsedAfterGc, rss, detail: `checksum ${checksum}` };
};

if (require.main === module) runChild(async () => {
  const [mode, file] = process.argv.slice(2);
  if (!file || mode !== 'raw') throw new Error('usage: replay raw <file>');
  const result = await raw(file);
  const cpu = process.cpuUsage();
  reply({ kind: 'result', result: { ...result, cpuMs: (cpu.user + cpu.system) / 1000 } });
  process.disconnect?.();
});
