import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { LogChecker } from '@dgr/audit';
import { InMemoryEventStore, SqliteEventStore, type NewEvent, type RecordedEvent } from '@dgr/event-store';
import { ReadModelDb } from '@dgr/read-model-store';
import { AuditLogProjection } from '@dgr/application';

/*
 * The audit read model's leaf thread (ADR 0018, "The cold rebuild"): a worker thread that reads the SQLite log
 * itself and computes each event's recomputed hash and leaf hash ahead of the main thread. The tree, the first
 * mismatch and the stored model are those of the main thread hashing every event itself — with the thread
 * ahead, behind, or gone.
 */

let dir: string;
beforeAll(() => Logger.overrideLogger(false));
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-audit-leaves-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const COUNT = 4500; // more than two of the worker's chunks

const event = (n: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'ReminderSent',
  data: { n, text: `påminnelse ${n}` },
  metadata: { recordedAt: '2025-06-15T10:00:00.000Z', correlationId: 'spec', causationId: null, schemaVersion: 1, actor: null },
});

/** A SQLite log of COUNT events over five streams, whose event at `tampered` had its data changed in the file. */
const tamperedLog = async (file: string, tampered: number): Promise<SqliteEventStore> => {
  const log = new SqliteEventStore(file);
  for (let n = 1; n <= COUNT; n += 100)
    await log.appendMany(
      Array.from({ length: 5 }, (_, s) => ({
        stream: `counter-${s}`,
        expected: 'any' as const,
        events: Array.from({ length: 20 }, (_, k) => event(n + s * 20 + k)),
      })),
    );
  await log.close();
  const db = new Database(file);
  db.prepare(`UPDATE events SET data = '{"n":-1}' WHERE position = ?`).run(tampered);
  db.close();
  return new SqliteEventStore(file);
};

/** The check from scratch in the heap, on the main thread (the reference). */
const reference = (events: readonly RecordedEvent[]): LogChecker => {
  const checker = new LogChecker();
  for (const e of events) checker.add(e);
  return checker;
};

/** Feeds a projection as the runner does (resume, then the log in batches); `ahead`: waits until the thread is ahead of each batch. */
const build = async (modelFile: string, log: SqliteEventStore, ahead: boolean, stopThreadAt?: number): Promise<AuditLogProjection> => {
  const db = new ReadModelDb(modelFile);
  const p = new AuditLogProjection(db);
  p.leafThreadFrom = 1;
  await p.resume(log);
  expect(p.leafThread).not.toBeNull();
  for (let at = 0; at < COUNT; at += 1000) {
    const batch = await log.readAll(at, 1000);
    if (ahead) await p.leafThread?.ready(batch[batch.length - 1]!.position);
    if (stopThreadAt !== undefined && at >= stopThreadAt) p.leafThread?.stop();
    for (const e of batch) p.apply(e);
    await Promise.resolve();
  }
  p.onApplicationShutdown();
  db.close();
  return p;
};

describe('the audit read model’s leaf thread', () => {
  it('gives the tree and the first mismatch of a check on the main thread, with the thread ahead, behind or stopped half-way', async () => {
    const log = await tamperedLog(path.join(dir, 'dgr.sqlite'), 3210);
    try {
      const events = await log.readAll(0, COUNT);
      expect(events).toHaveLength(COUNT);
      const whole = reference(events);
      expect(whole.firstMismatch).toMatchObject({ position: 3210, reason: { kind: 'hash' } });

      const ahead = await build(path.join(dir, 'ahead.sqlite'), log, true);
      // Every event's hashes came from the thread: the comparison below is the thread's work against the reference.
      expect(ahead.hashedInThread).toBe(COUNT);
      const stopped = await build(path.join(dir, 'stopped.sqlite'), log, true, 2000);
      expect(stopped.hashedInThread).toBeGreaterThanOrEqual(2000);
      expect(stopped.hashedInThread).toBeLessThan(COUNT);
      const unaided = await build(path.join(dir, 'unaided.sqlite'), log, false);

      for (const [p, file] of [
        [ahead, 'ahead.sqlite'],
        [stopped, 'stopped.sqlite'],
        [unaided, 'unaided.sqlite'],
      ] as const) {
        expect(p.firstMismatch).toEqual(whole.firstMismatch);
        // Reopened from its file: the stored tree is the reference's.
        const db = new ReadModelDb(path.join(dir, file));
        const reopened = new AuditLogProjection(db);
        expect(reopened.size).toBe(COUNT);
        expect(reopened.tree.root()).toEqual(whole.tree.root());
        expect(reopened.tree.inclusionProof(3209)).toEqual(whole.tree.inclusionProof(3209));
        expect(reopened.firstMismatch).toEqual(whole.firstMismatch);
        reopened.onApplicationShutdown();
        db.close();
      }
    } finally {
      await log.close();
    }
  });

  it('is not started for a short catch-up, nor for a log that is not a SQLite file', async () => {
    const log = await tamperedLog(path.join(dir, 'dgr.sqlite'), 1);
    try {
      const p = new AuditLogProjection();
      await p.resume(log); // 4,500 events behind, fewer than LEAF_THREAD_FROM
      expect(p.leafThread).toBeNull();
      p.onApplicationShutdown();
      const memory = new InMemoryEventStore();
      await memory.append('counter-0', [event(1)], 'no_stream');
      const q = new AuditLogProjection();
      q.leafThreadFrom = 1;
      await q.resume(memory);
      expect(q.leafThread).toBeNull();
      q.onApplicationShutdown();
    } finally {
      await log.close();
    }
  });
});
