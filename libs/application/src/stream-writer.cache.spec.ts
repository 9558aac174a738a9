/*
 * StreamWriter's state cache (ADR 0014) on the real SQLite store (two stores on one file: two processes) and on
 * the in-memory store (two writers on one store). Each writer has its own cache and lock, so only the log —
 * the tail read after the cached revision and the append's expected revision — stands between them.
 */
import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryEventStore, SqliteEventStore, type EventStore } from '@dgr/event-store';
import { AuditLogProjection } from './projections/audit-log.projection';
import { FundProjection } from './projections/fund.projection';
import { InitiativesProjection } from './projections/initiatives.projection';
import { ProjectionRunner } from './projections/projection-runner';
import { RuleViolationsProjection } from './projections/rule-violations.projection';
import type { WriteRequest } from './request-context';
import { RetryKey } from './retry-key';
import { StreamWriter, type StreamWriterOptions } from './stream-writer';
import { count, counter, NOW, Refused, request, STREAM, type Counted } from './testing/counter-stream';

/** Accepts only once the stream holds at least `min` events (a rule that a stale state would wrongly refuse). */
const countOnceAtLeast = (min: number, by: string) => (n: number): Counted => {
  if (n < min) throw new Refused(`bara ${n} händelser`);
  return count(by)(n);
};

/** Accepts only while the stream holds fewer than `max` events (as a party's second decision is refused). */
const countWhileBelow = (max: number, by: string) => (n: number): Counted => {
  if (n >= max) throw new Refused(`redan ${n} händelser`);
  return count(by)(n);
};

/** One process: its store adapter (with every stream read recorded), read models and StreamWriter. */
interface Process {
  readonly writer: StreamWriter;
  /** `[stream, fromRevision]` of every stream read, in order. */
  readonly reads: Array<[string, number]>;
  /** Runs once, right after this process's next stream read has answered (before the command decides). */
  afterNextRead(hook: () => Promise<unknown>): void;
  close(): Promise<void>;
}

const processOn = async (store: EventStore, options?: StreamWriterOptions, closeStore = true): Promise<Process> => {
  const reads: Array<[string, number]> = [];
  let hook: (() => Promise<unknown>) | null = null;
  const readStream = store.readStream.bind(store);
  store.readStream = async (stream: string, fromRevision?: number) => {
    reads.push([stream, fromRevision ?? 0]);
    const read = await readStream(stream, fromRevision);
    const run = hook;
    hook = null;
    await run?.();
    return read;
  };
  const runner = new ProjectionRunner(store, new InitiativesProjection(), new FundProjection(), new AuditLogProjection(), new RuleViolationsProjection());
  await runner.start();
  return {
    writer: new StreamWriter(store, { now: () => NOW }, runner, options),
    reads,
    afterNextRead: (h) => (hook = h),
    close: async () => {
      await runner.onModuleDestroy();
      if (closeStore) await store.close();
    },
  };
};

interface Setup {
  /** Opens one more process on the same log. */
  open(options?: StreamWriterOptions): Promise<Process>;
  /** The data of every event of `stream`, read from the log itself. */
  written(stream?: string): Promise<Array<Counted['data']>>;
  cleanup(): Promise<void>;
}

const sqlite = async (): Promise<Setup> => {
  const dir = mkdtempSync(join(tmpdir(), 'dgr-writer-cache-'));
  const file = join(dir, 'events.sqlite');
  const opened: Process[] = [];
  const reader = new SqliteEventStore(file);
  return {
    open: async (options) => {
      const p = await processOn(new SqliteEventStore(file, { pollMs: 20 }), options);
      opened.push(p);
      return p;
    },
    written: async (stream = STREAM) => (await reader.readStream(stream)).map((e) => e.data as Counted['data']),
    cleanup: async () => {
      for (const p of opened.splice(0)) await p.close();
      await reader.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const inMemory = async (): Promise<Setup> => {
  const store = new InMemoryEventStore();
  const opened: Process[] = [];
  return {
    // One store shared: each process gets its own view of it, so that the reads each records are its own.
    open: async (options) => {
      const view: EventStore = Object.create(store) as EventStore;
      const p = await processOn(view, options, false);
      opened.push(p);
      return p;
    },
    written: async (stream = STREAM) => (await store.readStream(stream)).map((e) => e.data as Counted['data']),
    cleanup: async () => {
      for (const p of opened.splice(0)) await p.close();
      await store.close();
    },
  };
};

beforeAll(() => Logger.overrideLogger(false));

describe.each([
  ['SQLite (two stores on one file)', sqlite],
  ['in-memory', inMemory],
])('StreamWriter state cache on %s', (_name, setup) => {
  let log: Setup;
  beforeEach(async () => {
    log = await setup();
  });
  afterEach(async () => {
    await log.cleanup();
  });

  const readsOf = (p: Process, stream = STREAM): number[] => p.reads.filter(([s]) => s === stream).map(([, from]) => from);

  it('hit: once a stream is folded, a command reads only the events after the cached revision', async () => {
    const one = await log.open();
    for (let i = 0; i < 4; i++) await one.writer.decide(STREAM, counter, count('one'), request);
    // The first two commands find nothing cached (an empty stream is not kept); then only the tail is read.
    expect(readsOf(one)).toEqual([0, 0, 1, 2]);
    expect((await log.written()).map((d) => d.n)).toEqual([1, 2, 3, 4]);
  });

  it('miss: a stream evicted by more recently used ones is folded from its start again', async () => {
    const one = await log.open({ cachedStreams: 1 });
    for (const stream of ['a', 'a', 'b', 'b', 'a']) await one.writer.decide(stream, counter, count('one'), request);
    expect(readsOf(one, 'a')).toEqual([0, 0, 0]);
    expect(readsOf(one, 'b')).toEqual([0, 0]);
    expect((await log.written('a')).map((d) => d.n)).toEqual([1, 2, 3]);
  });

  it('cachedStreams 0 turns the cache off: every command folds the whole stream', async () => {
    const one = await log.open({ cachedStreams: 0 });
    for (let i = 0; i < 3; i++) await one.writer.decide(STREAM, counter, count('one'), request);
    expect(readsOf(one)).toEqual([0, 0, 0]);
    expect((await log.written()).map((d) => d.n)).toEqual([1, 2, 3]);
  });

  it('a stream appended by someone else: the next command folds those events from the log and decides on the true state', async () => {
    const one = await log.open();
    const other = await log.open();
    for (let i = 0; i < 3; i++) await one.writer.decide(STREAM, counter, count('one'), request);
    for (let i = 0; i < 2; i++) await other.writer.decide(STREAM, counter, count('other'), request);
    await one.writer.decide(STREAM, counter, count('one'), request);
    expect((await log.written()).map((d) => `${d.by} ${d.n}`)).toEqual(['one 1', 'one 2', 'one 3', 'other 4', 'other 5', 'one 6']);
    // `one` had folded up to revision 1; it read from 2 on and found the other's events there.
    expect(readsOf(one).at(-1)).toBe(2);
  });

  it('a rule is judged on the true state: the cached state alone would refuse what the log allows', async () => {
    const one = await log.open();
    const other = await log.open();
    for (let i = 0; i < 3; i++) await one.writer.decide(STREAM, counter, count('one'), request);
    await expect(one.writer.decide(STREAM, counter, countOnceAtLeast(4, 'one'), request)).rejects.toBeInstanceOf(Refused);
    await other.writer.decide(STREAM, counter, count('other'), request);
    await one.writer.decide(STREAM, counter, countOnceAtLeast(4, 'one'), request);
    expect((await log.written()).map((d) => d.n)).toEqual([1, 2, 3, 4, 5]);
  });

  it('conflict: another process appends between the read and the append; the entry is dropped and the command decided again on a full read', async () => {
    const one = await log.open();
    const other = await log.open();
    for (let i = 0; i < 3; i++) await one.writer.decide(STREAM, counter, count('one'), request);
    one.afterNextRead(() => other.writer.decide(STREAM, counter, count('other'), request));
    const recorded = await one.writer.decide(STREAM, counter, count('one'), request);
    expect(recorded.revision).toBe(4);
    expect((await log.written()).map((d) => `${d.by} ${d.n}`)).toEqual(['one 1', 'one 2', 'one 3', 'other 4', 'one 5']);
    // The tail read (from 2), the conflict, then the stream folded from its start.
    expect(readsOf(one).slice(-2)).toEqual([2, 0]);
    // The entry is good again afterwards (folded up to the other's event): the next command reads only the tail.
    await one.writer.decide(STREAM, counter, count('one'), request);
    expect(readsOf(one).at(-1)).toBe(4);
  });

  it('the same command again with its retry key (a retry after a crash) answers where it landed, from the cached ids', async () => {
    const one = await log.open();
    for (let i = 0; i < 2; i++) await one.writer.decide(STREAM, counter, count('one'), request);
    const retried: WriteRequest = { ...request, retryKey: new RetryKey('idempotency-spec', async () => undefined) };
    const first = await one.writer.decide(STREAM, counter, countWhileBelow(3, 'keyed'), retried);
    await one.writer.decide(STREAM, counter, count('one'), request);
    // Decided again, the command would be refused now; the retry finds its first event and answers with it.
    const again = await one.writer.decide(STREAM, counter, countWhileBelow(3, 'keyed'), retried);
    expect(again).toEqual(first);
    expect((await log.written()).map((d) => `${d.by} ${d.n}`)).toEqual(['one 1', 'one 2', 'keyed 3', 'one 4']);
    expect(readsOf(one).at(-1)).toBe(3);
  });
});

describe('StreamWriter state cache over a store that ignores fromRevision (an older wrapper)', () => {
  it('folds each event once: only the events after the cached revision count', async () => {
    const store = new InMemoryEventStore();
    const wrapper: EventStore = {
      append: (stream, events, expected) => store.append(stream, events, expected),
      readStream: (stream) => store.readStream(stream),
      readAll: (after, max) => store.readAll(after, max),
      headPosition: () => store.headPosition(),
      subscribeToAll: (after, handler) => store.subscribeToAll(after, handler),
      close: () => store.close(),
    };
    const p = await processOn(wrapper);
    try {
      for (let i = 0; i < 4; i++) await p.writer.decide(STREAM, counter, count('one'), request);
      expect((await store.readStream(STREAM)).map((e) => (e.data as Counted['data']).n)).toEqual([1, 2, 3, 4]);
    } finally {
      await p.close();
    }
  });
});
