import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreContract, newEvent, newEvents, waitFor } from './event-store.contract';
import { eventHash } from './event-hash';
import { WrongExpectedRevision, type RecordedEvent } from './event-store.port';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';

/** A temporary folder with an events file; every store opened on it is closed by cleanup. */
const tempStore = (options: SqliteEventStoreOptions = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'dgr-event-store-'));
  const file = join(dir, 'events.sqlite');
  const opened: SqliteEventStore[] = [];
  const openStore = (o: SqliteEventStoreOptions = options) => {
    const s = new SqliteEventStore(file, o);
    opened.push(s);
    return s;
  };
  return {
    dir,
    file,
    openStore,
    cleanup: async () => {
      // Closing a store the test already closed is harmless.
      for (const s of opened.splice(0)) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

describeEventStoreContract('sqlite (file, WAL)', async () => {
  const temp = tempStore({ pollMs: 50 });
  return {
    store: temp.openStore(),
    reopen: async () => temp.openStore(),
    cleanup: temp.cleanup,
  };
});

describeEventStoreContract('sqlite (file, WAL, commits on the main thread)', async () => {
  const temp = tempStore({ pollMs: 50, commitOnMainThread: true });
  return {
    store: temp.openStore(),
    reopen: async () => temp.openStore(),
    cleanup: temp.cleanup,
  };
});

describe('SqliteEventStore (adapter specific)', () => {
  let temp: ReturnType<typeof tempStore>;
  let store: SqliteEventStore;

  beforeEach(() => {
    temp = tempStore();
    store = temp.openStore();
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  it('puts the file in WAL mode', async () => {
    await store.append('s', newEvents(1), 'no_stream');
    const other = new Database(temp.file, { readonly: true });
    try {
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      other.close();
    }
  });

  it('gives a file written before events carried hashes its hash chains when it is opened', async () => {
    await temp.cleanup();
    temp = tempStore();
    const old = new Database(temp.file);
    old.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL,
      revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream, revision))`);
    const insert = old.prepare('INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
    insert.run('e1', 's', 0, 'T', '{"n":1}', '{"m":1}');
    insert.run('e2', 't', 0, 'T', '{"n":2}', '{"m":2}');
    insert.run('e3', 's', 1, 'T', '{"n":3}', '{"m":3}');
    old.close();
    store = temp.openStore();
    const s = await store.readStream('s');
    expect(s[0]!.hash).toBe(eventHash({ stream: 's', revision: 0, type: 'T', data: { n: 1 }, metadata: { m: 1 }, previousHash: null }));
    expect(s[1]!.previousHash).toBe(s[0]!.hash);
    expect(s[1]!.hash).toBe(eventHash({ stream: 's', revision: 1, type: 'T', data: { n: 3 }, metadata: { m: 3 }, previousHash: s[0]!.hash }));
    await store.append('s', newEvents(1), 1);
    expect((await store.readStream('s'))[2]!.previousHash).toBe(s[1]!.hash);
  });

  // synchronous=FULL is a per-connection setting: a second connection cannot see it, and the store
  // exposes no way to read its own connection's pragmas.
  it.todo('uses synchronous = FULL (not observable from outside the store)');

  it('group commit: appends issued in the same tick to different streams all succeed', async () => {
    const n = 50;
    const batches = Array.from({ length: n }, (_, i) => newEvents(1 + (i % 2)));
    const results = await Promise.all(batches.map((b, i) => store.append(`group-${i}`, b, 'no_stream')));
    let position = 0;
    results.forEach((r, i) => {
      position += batches[i]!.length;
      // Issue order is commit order.
      expect(r).toEqual({ nextRevision: batches[i]!.length - 1, position });
    });
    expect(await store.headPosition()).toBe(position);
    expect((await store.readAll(0, 1000)).map((e) => e.id)).toEqual(batches.flat().map((e) => e.id));
  });

  it('group commit: a failing append in the group fails alone and leaves no gap', async () => {
    await store.append('taken', newEvents(1), 'no_stream');
    const good1 = newEvents(2);
    const good2 = newEvents(1);
    const good3 = newEvents(1);
    const outcomes = await Promise.allSettled([
      store.append('g1', good1, 'no_stream'),
      store.append('taken', newEvents(2), 'no_stream'), // wrong expected revision
      store.append('g2', good2, 'no_stream'),
      store.append('g3', [...newEvents(2), newEvent('Bad', { n: BigInt(1) })], 'no_stream'), // fails half way
      store.append('g4', good3, 'no_stream'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
    expect((outcomes[3] as PromiseRejectedResult).reason).not.toBeInstanceOf(WrongExpectedRevision);
    expect(await store.readStream('g3')).toEqual([]);
    expect(await store.readStream('taken')).toHaveLength(1);
    const all = await store.readAll(0, 100);
    expect(all.map((e) => e.position)).toEqual([1, 2, 3, 4, 5]);
    expect(all.map((e) => e.id)).toEqual([all[0]!.id, ...good1.map((e) => e.id), ...good2.map((e) => e.id), ...good3.map((e) => e.id)]);
  });

  it('a local append wakes subscriptions at once, without waiting for a poll', async () => {
    const slowPolling = temp.openStore({ pollMs: 60_000 }); // Only a wake-up can deliver within waitFor's 5 s.
    await slowPolling.append('a', newEvents(1), 'no_stream');
    const received: RecordedEvent[] = [];
    const subscription = slowPolling.subscribeToAll(0, (events) => {
      received.push(...events);
    });
    try {
      await waitFor(() => received.length >= 1);
      await slowPolling.append('a', newEvents(2), 0);
      await waitFor(() => received.length >= 3);
      expect(received.map((e) => e.position)).toEqual([1, 2, 3]);
    } finally {
      await subscription.close();
    }
  });

  it('a second instance on the same file (another process) sees the first one’s events through readAll', async () => {
    const second = temp.openStore();
    await store.append('a', newEvents(3), 'no_stream');
    expect(await second.headPosition()).toBe(3);
    expect((await second.readAll(0, 100)).map((e) => e.id)).toEqual((await store.readAll(0, 100)).map((e) => e.id));
    await second.append('a', newEvents(1), 2);
    expect((await store.readStream('a')).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
  });

  it('a read-only instance (the verify worker) reads what the writer appends, writes nothing, and needs the file to exist', async () => {
    await store.append('a', newEvents(2), 'no_stream');
    const reader = temp.openStore({ readOnly: true });
    await store.append('a', newEvents(1), 1);
    expect(await reader.headPosition()).toBe(3);
    expect((await reader.readAll(0, 100)).map((e) => e.hash)).toEqual((await store.readAll(0, 100)).map((e) => e.hash));
    const refused = await reader.append('b', newEvents(1), 'no_stream').then(() => 'appended', (e: unknown) => e);
    expect(refused).toMatchObject({ code: 'SQLITE_READONLY' });
    expect(await store.headPosition()).toBe(3);
    expect(() => new SqliteEventStore(join(temp.dir, 'missing.sqlite'), { readOnly: true })).toThrow();
  });

  it('a subscription on a second instance receives the first one’s appends by polling', async () => {
    const second = temp.openStore({ pollMs: 50 });
    await store.append('a', newEvents(2), 'no_stream');
    const received: RecordedEvent[] = [];
    const subscription = second.subscribeToAll(0, (events) => {
      received.push(...events);
    });
    try {
      await waitFor(() => received.length >= 2);
      await store.append('b', newEvents(3), 'no_stream');
      await store.append('a', newEvents(1), 1);
      await waitFor(() => received.length >= 6, () => `got ${received.map((e) => e.position).join(',')}`);
      expect(received.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(received.map((e) => e.id)).toEqual((await store.readAll(0, 100)).map((e) => e.id));
    } finally {
      await subscription.close();
    }
  });

  it('two instances racing on one stream: exactly one append wins', async () => {
    const second = temp.openStore();
    await store.append('contested', newEvents(1), 'no_stream');
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 5 }, () => store.append('contested', newEvents(1), 0)),
      ...Array.from({ length: 5 }, () => second.append('contested', newEvents(1), 0)),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes)
      if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevision);
    expect(await store.readStream('contested')).toHaveLength(2);
    expect(await second.headPosition()).toBe(2);
  });

  it('a commit waiting for the write lock (another process holds it) does not hold the event loop; it lands once the lock is free', async () => {
    await store.append('s', newEvents(1), 'no_stream');
    const other = new Database(temp.file);
    other.exec('BEGIN IMMEDIATE');
    let settled: string | null = null;
    const appended = store.append('s', newEvents(2), 0).then(
      (r) => {
        settled = 'appended';
        return r;
      },
      (e: unknown) => {
        settled = String(e);
        throw e;
      },
    );
    try {
      // On the caller's thread the commit would block here until busy_timeout (5 s), then fail with SQLITE_BUSY.
      for (let turn = 0; turn < 50; turn++) await new Promise((r) => setImmediate(r));
      expect(settled).toBeNull();
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    expect(await appended).toEqual({ nextRevision: 2, position: 3 });
    expect((await store.readStream('s')).map((e) => e.revision)).toEqual([0, 1, 2]);
  });

  it('appends that arrive while a commit is running share the next commit, in the order issued', async () => {
    const groups: number[] = [];
    const grouped = temp.openStore({ onGroupCommit: (appends) => groups.push(appends) });
    await grouped.append('warm', newEvents(1), 'no_stream');
    const other = new Database(temp.file);
    other.exec('BEGIN IMMEDIATE'); // The first commit waits on the lock while the others arrive.
    const first = grouped.append('a', newEvents(1), 'no_stream');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const later = Array.from({ length: 5 }, (_, i) => grouped.append(`b-${i}`, newEvents(1), 'no_stream'));
    for (let turn = 0; turn < 5; turn++) await new Promise((r) => setImmediate(r));
    other.exec('COMMIT');
    other.close();
    const results = await Promise.all([first, ...later]);
    expect(results.map((r) => r.position)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(groups).toEqual([1, 1, 5]);
  });

  it('creates the folder of the file when it is missing', async () => {
    const nested = new SqliteEventStore(join(temp.dir, 'a', 'b', 'events.sqlite'));
    try {
      expect(await nested.append('s', newEvents(1), 'no_stream')).toEqual({ nextRevision: 0, position: 1 });
    } finally {
      await nested.close();
    }
  });
});
