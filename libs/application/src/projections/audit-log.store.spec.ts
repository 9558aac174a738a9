import Database from 'better-sqlite3';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { hashLeaf, LogChecker, MerkleLog } from '@dgr/audit';
import { SqliteEventStore, type NewEvent, type RecordedEvent } from '@dgr/event-store';
import { ReadModelDb } from '@dgr/read-model-store';
import { AuditLogProjection } from './audit-log.projection';
import { AUDIT_BLOCK, AUDIT_MODEL_VERSION, AuditLogStore } from './audit-log.store';

/*
 * The audit read model in its SQLite tables: the same roots and proofs as the in-heap MerkleLog at every size
 * (property), a start that resumes after its checkpoint, and a rebuild from the log when the file is missing,
 * damaged, of another version or of another log.
 */

let dir: string;
beforeAll(() => Logger.overrideLogger(false));
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-audit-model-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const leaf = (i: number): Buffer => hashLeaf(Buffer.from(`leaf ${i}`, 'utf8'));

describe('the tree in audit_nodes', () => {
  it('gives the in-heap MerkleLog’s roots, inclusion and consistency proofs for any size, leaf and earlier size, across commits and reopenings', () => {
    const file = path.join(dir, 'props.sqlite');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        // Where the batches end (commits), and where the file is closed and opened again.
        fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 2 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { minLength: 1, maxLength: 12 }),
        (n, commitsAt, reopensAt, queries) => {
          fs.rmSync(file, { force: true });
          const memory = new MerkleLog();
          let store = AuditLogStore.open(file);
          let stored = new MerkleLog(store.levels);
          const commit = (): void => store.commit({ position: stored.size, size: stored.size, lastHash: null, firstMismatch: null });
          try {
            for (let i = 0; i < n; i++) {
              memory.appendLeafHash(leaf(i));
              stored.appendLeafHash(leaf(i));
              if (commitsAt.includes(i + 1)) commit();
              if (reopensAt.includes(i + 1)) {
                commit();
                store.close();
                store = AuditLogStore.open(file);
                stored = new MerkleLog(store.levels);
                expect(store.checkpoint.size).toBe(i + 1);
              }
            }
            expect(stored.size).toBe(n);
            for (const [a, b, c] of queries) {
              const size = (a % n) + 1;
              const leafIdx = b % size;
              const size1 = (c % size) + 1;
              expect(stored.root(size)).toEqual(memory.root(size));
              expect(stored.leafHash(leafIdx)).toEqual(memory.leafHash(leafIdx));
              expect(stored.inclusionProof(leafIdx, size)).toEqual(memory.inclusionProof(leafIdx, size));
              expect(stored.consistencyProof(size1, size)).toEqual(memory.consistencyProof(size1, size));
            }
            expect(stored.root()).toEqual(memory.root());
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('holds the leaf and complete-subtree hashes in blocks of 63 per level (two to a 4 KiB page), committed with its checkpoint', () => {
    const file = path.join(dir, 'rows.sqlite');
    const store = AuditLogStore.open(file);
    const tree = new MerkleLog(store.levels);
    for (let i = 0; i < 70; i++) tree.appendLeafHash(leaf(i));
    store.commit({ position: 70, size: 70, lastHash: 'h70', firstMismatch: null });
    for (let i = 70; i < 75; i++) tree.appendLeafHash(leaf(i)); // not committed: not in the file
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT level, block, length(hashes) / 32 AS n FROM audit_nodes ORDER BY level, block').all();
      // 70 leaves, 35 pairs, 17 fours, 8 eights, 4 of 16, 2 of 32, 1 of 64.
      expect(AUDIT_BLOCK).toBe(63);
      expect(rows).toEqual([
        { level: 0, block: 0, n: 63 },
        { level: 0, block: 1, n: 7 },
        { level: 1, block: 0, n: 35 },
        { level: 2, block: 0, n: 17 },
        { level: 3, block: 0, n: 8 },
        { level: 4, block: 0, n: 4 },
        { level: 5, block: 0, n: 2 },
        { level: 6, block: 0, n: 1 },
      ]);
      const leaf65 = db.prepare('SELECT substr(hashes, 1 + 2 * 32, 32) AS h FROM audit_nodes WHERE level = 0 AND block = 1').get() as { h: Buffer };
      expect(leaf65.h).toEqual(leaf(65));
      // Its checkpoint is a row of the read-model file's one checkpoint table, with the tree's size as detail.
      expect(db.prepare("SELECT version, position, last_hash, detail FROM projection_checkpoints WHERE name = 'audit'").get()).toEqual({
        version: AUDIT_MODEL_VERSION,
        position: 70,
        last_hash: 'h70',
        detail: JSON.stringify({ size: 70, firstMismatch: null }),
      });
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'audit_checkpoint'").all()).toEqual([]);
    } finally {
      db.close();
      store.close();
    }
  });

});

const reminder = (n: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'ReminderSent',
  data: { n },
  metadata: { recordedAt: '2025-06-15T10:00:00.000Z', correlationId: 'spec', causationId: null, schemaVersion: 1, actor: null },
});

/** A log of `count` events over three streams, in a real SQLite store. */
const logOf = async (file: string, count: number, from = 1): Promise<SqliteEventStore> => {
  const log = new SqliteEventStore(file);
  for (let n = from; n < from + count; n++) await log.append(`counter-${n % 3}`, [reminder(n)], 'any');
  return log;
};

const allOf = async (log: SqliteEventStore): Promise<RecordedEvent[]> => log.readAll(0, 1_000_000);

/** What the whole log gives when checked from scratch in the heap (the reference). */
const reference = (events: readonly RecordedEvent[]): LogChecker => {
  const checker = new LogChecker();
  for (const e of events) checker.add(e);
  return checker;
};

/** The projections' read-model file, as the service opens it: one connection, shared by the audit and business read models. */
const opened = new Map<AuditLogProjection, ReadModelDb>();
const projectionOn = (file: string): AuditLogProjection => {
  const db = new ReadModelDb(file);
  const p = new AuditLogProjection(db);
  opened.set(p, db);
  return p;
};
/** As the service stops: the audit read model commits, then the file is closed. */
const shutdown = (p: AuditLogProjection): void => {
  p.onApplicationShutdown();
  opened.get(p)?.close();
  opened.delete(p);
};

/** Feeds the projection as the runner does: resume, then every event from the start, one batch at a time. */
const feed = async (projection: AuditLogProjection, log: SqliteEventStore, events: readonly RecordedEvent[]): Promise<void> => {
  await projection.resume(log);
  for (const e of events) projection.apply(e);
  await Promise.resolve(); // the batch's commit
};

describe('AuditLogProjection over the read-model file', () => {
  it('resumes after its checkpoint: earlier events are not checked again, later ones are, and the tree equals a check from scratch', async () => {
    const modelFile = path.join(dir, 'read-models.sqlite');
    const log = await logOf(path.join(dir, 'dgr.sqlite'), 10);
    try {
      const first = projectionOn(modelFile);
      await feed(first, log, await allOf(log));
      expect(first.caughtUpTo).toBe(10);
      shutdown(first);

      for (let n = 11; n <= 14; n++) await log.append(`counter-${n % 3}`, [reminder(n)], 'any');
      const events = await allOf(log);
      const second = projectionOn(modelFile);
      expect(second.caughtUpTo).toBe(10);
      expect(await second.resume(log)).toBe(10);
      // An earlier event with other content is not looked at again (that is dgr verify's job)…
      second.apply({ ...events[2]!, data: { n: 999 } });
      // …a later one is checked as it arrives.
      for (const e of events.slice(10, 13)) second.apply(e);
      second.apply({ ...events[13]!, data: { n: 999 } });
      await Promise.resolve();
      expect(second.size).toBe(14);
      expect(second.firstMismatch).toMatchObject({ position: 14, reason: { kind: 'hash' } });
      const whole = reference([...events.slice(0, 13), { ...events[13]!, data: { n: 999 } }]);
      expect(second.tree.root()).toEqual(whole.tree.root());
      expect(second.tree.consistencyProof(10)).toEqual(whole.tree.consistencyProof(10));
      shutdown(second);

      // The mismatch is kept with the checkpoint: the next start still names it, and signs nothing over it.
      const third = projectionOn(modelFile);
      expect(third.firstMismatch).toMatchObject({ position: 14, stream: events[13]!.stream, reason: { kind: 'hash' } });
      expect(third.size).toBe(14);
      shutdown(third);
    } finally {
      await log.close();
    }
  });

  it('is rebuilt from the log when the file is missing, damaged, of another version, incomplete or of another log', async () => {
    const modelFile = path.join(dir, 'read-models.sqlite');
    const log = await logOf(path.join(dir, 'dgr.sqlite'), 7);
    const events = await allOf(log);
    const whole = reference(events);
    /** Starts a projection on the file and feeds it; returns why it rebuilt (null: it resumed). */
    const start = async (): Promise<string | null> => {
      const p = projectionOn(modelFile);
      const resumedAt = await p.resume(log);
      for (const e of events) p.apply(e);
      await Promise.resolve();
      expect(p.tree.root()).toEqual(whole.tree.root());
      expect(p.firstMismatch).toBeNull();
      shutdown(p);
      return resumedAt === 0 ? 'rebuilt' : null;
    };
    const sql = (statement: string): void => {
      const db = new Database(modelFile);
      db.exec(statement);
      db.close();
    };
    try {
      expect(await start()).toBe('rebuilt'); // missing
      expect(await start()).toBeNull(); // resumed

      sql(`UPDATE projection_checkpoints SET version = ${AUDIT_MODEL_VERSION + 1} WHERE name = 'audit'`);
      expect(await start()).toBe('rebuilt');

      sql('UPDATE audit_nodes SET hashes = substr(hashes, 1, 64) WHERE level = 1');
      expect(await start()).toBe('rebuilt');

      sql("UPDATE projection_checkpoints SET last_hash = 'another log' WHERE name = 'audit'");
      expect(await start()).toBe('rebuilt');

      sql("UPDATE projection_checkpoints SET position = 8 WHERE name = 'audit'");
      expect(await start()).toBe('rebuilt');

      // Another log's rows without a checkpoint (e.g. it was deleted to force a rebuild) are not kept.
      sql("DELETE FROM projection_checkpoints WHERE name = 'audit'; UPDATE audit_nodes SET hashes = zeroblob(length(hashes)); UPDATE audit_heads SET hash = 'x'");
      expect(await start()).toBe('rebuilt');

      for (const suffix of ['-wal', '-shm']) fs.rmSync(modelFile + suffix, { force: true });
      fs.writeFileSync(modelFile, Buffer.alloc(8192, 'x'));
      expect(await start()).toBe('rebuilt');
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('read-models.sqlite.damaged-'))).toHaveLength(1);
      expect(await start()).toBeNull();

      // A file written when the audit read model kept its own checkpoint table: its checkpoint is adopted (a
      // resume, checked against the log like any other), an empty one leaves rows without a checkpoint (a rebuild).
      const own = (row: string): void =>
        sql(`CREATE TABLE audit_checkpoint (id INTEGER PRIMARY KEY, version INTEGER, position INTEGER, size INTEGER, last_hash TEXT, first_mismatch TEXT);
             ${row}; DELETE FROM projection_checkpoints WHERE name = 'audit'`);
      own(`INSERT INTO audit_checkpoint VALUES (1, ${AUDIT_MODEL_VERSION}, 7, 7, '${events[6]!.hash}', NULL)`);
      expect(await start()).toBeNull();
      own(`INSERT INTO audit_checkpoint VALUES (1, ${AUDIT_MODEL_VERSION}, 7, 7, 'another log', NULL)`);
      expect(await start()).toBe('rebuilt');
      own('SELECT 1');
      expect(await start()).toBe('rebuilt');
      expect(await start()).toBeNull();
    } finally {
      await log.close();
    }
  });

  it('writes on the business read models’ own connection: a commit inside their open transaction neither waits nor fails', async () => {
    const modelFile = path.join(dir, 'read-models.sqlite');
    const log = await logOf(path.join(dir, 'dgr.sqlite'), 6);
    const db = new ReadModelDb(modelFile);
    try {
      const p = new AuditLogProjection(db);
      await p.resume(log);
      const events = await allOf(log);
      // As a batch of the runner: the business read models' transaction is open while the audit read model commits.
      db.transaction(() => {
        db.setCheckpoint('initiatives', 1, events.length, events[events.length - 1]!.hash);
        for (const e of events) p.apply(e);
        p.commit();
      });
      expect(db.checkpoint('audit')).toMatchObject({ version: AUDIT_MODEL_VERSION, position: 6, lastHash: events[5]!.hash });
      expect(db.checkpoint('initiatives')?.position).toBe(6);
    } finally {
      db.close();
      await log.close();
    }
  });

  it('without a file keeps its tables in memory, and checks every event as before', async () => {
    const log = await logOf(path.join(dir, 'dgr.sqlite'), 5);
    try {
      const p = new AuditLogProjection();
      const events = await allOf(log);
      await feed(p, log, events);
      expect(p.tree.root()).toEqual(reference(events).tree.root());
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('read-models'))).toEqual([]);
      shutdown(p);
    } finally {
      await log.close();
    }
  });
});
