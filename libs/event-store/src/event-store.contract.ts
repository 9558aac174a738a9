/**
 * The contract every EventStore adapter keeps. Each adapter's spec calls `describeEventStoreContract`
 * with a factory; the EventStoreDB adapter will import the same suite.
 *
 * The factory's duties:
 * - `open()` answers a fresh, EMPTY store (head position 0) for every test;
 * - `reopen()` (durable adapters only) opens a new store on the same storage; the suite calls it only
 *   after it has closed `store` itself;
 * - `cleanup()` closes every store still open (it may be handed stores the suite already closed, so
 *   closing twice must be harmless) and removes the storage.
 *
 * Not a spec file on purpose (jest's testRegex skips it, the production build excludes `*.contract.ts`).
 */
import { eventHash } from './event-hash';
import { randomUUID } from 'node:crypto';
import {
  WrongExpectedRevision,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
} from './event-store.port';

export interface EventStoreContractFixture {
  store: EventStore;
  reopen?: () => Promise<EventStore>;
  cleanup: () => Promise<void>;
}

/** Poll until `condition` holds; fail with `describe()` in the message after `timeoutMs`. */
export const waitFor = async (
  condition: () => boolean,
  describe: () => string = () => '',
  timeoutMs = 5000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waitFor: condition not met after ${timeoutMs} ms. ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/**
 * Gives the event loop `turns` turns (setImmediate): room for whatever an adapter does next without a timer (a
 * wake-up, a delivery, a close), and no wall clock. A test that something does NOT happen waits this way, after
 * a witness has shown that it would have had its chance.
 */
export const eventLoopTurns = async (turns = 20): Promise<void> => {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * Waits until `condition` holds, for at most `turns` turns of the event loop: it must come true without any
 * timer firing (a poll tick, a retry delay), which is what "at once" means here, with no wall clock.
 */
export const withinEventLoopTurns = async (condition: () => boolean, describe: () => string = () => '', turns = 1000): Promise<void> => {
  for (let i = 0; !condition(); i++) {
    if (i >= turns) throw new Error(`condition not met within ${turns} turns of the event loop (no timer may be needed). ${describe()}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
};

export const metadata = (overrides: Partial<EventMetadata> = {}): EventMetadata => ({
  recordedAt: '2025-01-15T09:30:00.000Z',
  correlationId: 'corr-contract',
  causationId: null,
  schemaVersion: 1,
  actor: null,
  ...overrides,
});

export const newEvent = (type = 'TestEvent', data: unknown = {}, meta: Partial<EventMetadata> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: metadata(meta),
});

/** `n` fresh events of type `type`, their data numbered from 0. */
export const newEvents = (n: number, type = 'TestEvent'): NewEvent[] =>
  Array.from({ length: n }, (_, i) => newEvent(type, { i }));

const range = (from: number, toInclusive: number): number[] =>
  Array.from({ length: toInclusive - from + 1 }, (_, i) => from + i);

/** Collects everything a subscription delivers, and checks the handler is never re-entered. */
const collector = () => {
  const events: RecordedEvent[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let calls = 0;
  const handler = async (batch: readonly RecordedEvent[]): Promise<void> => {
    calls += 1;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // Yield so that an adapter delivering the next batch too early would overlap this one.
    await new Promise((resolve) => setImmediate(resolve));
    events.push(...batch);
    inFlight -= 1;
  };
  return {
    events,
    handler,
    positions: () => events.map((e) => e.position),
    get calls() {
      return calls;
    },
    get maxInFlight() {
      return maxInFlight;
    },
  };
};

const expectWrongRevision = async (
  attempt: Promise<unknown>,
  stream: string,
  expected: ExpectedRevision,
  actual: number | 'no_stream',
): Promise<void> => {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevision);
  expect(error).toMatchObject({ stream, expected, actual });
};

export function describeEventStoreContract(
  adapterName: string,
  open: () => Promise<EventStoreContractFixture>,
): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let fixture: EventStoreContractFixture;
    let store: EventStore;
    const subscriptions: Subscription[] = [];

    /** Subscribe and remember the subscription so that it is closed even when the test fails. */
    const subscribe = (s: EventStore, after: number, handler: (events: readonly RecordedEvent[]) => Promise<void>) => {
      const subscription = s.subscribeToAll(after, handler);
      subscriptions.push(subscription);
      return subscription;
    };

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      await fixture.cleanup();
    });

    describe('append and expected revision', () => {
      it('starts empty: head position 0, unknown streams read as []', async () => {
        expect(await store.headPosition()).toBe(0);
        expect(await store.readAll(0, 100)).toEqual([]);
        expect(await store.readStream('no-such-stream')).toEqual([]);
      });

      it("appends to a new stream with 'no_stream', then with the right revision", async () => {
        const [a, b, c] = newEvents(3);
        expect(await store.append('order-1', [a!], 'no_stream')).toEqual({ nextRevision: 0, position: 1 });
        expect(await store.append('order-1', [b!, c!], 0)).toEqual({ nextRevision: 2, position: 3 });
        const events = await store.readStream('order-1');
        expect(events.map((e) => [e.id, e.revision, e.position, e.stream])).toEqual([
          [a!.id, 0, 1, 'order-1'],
          [b!.id, 1, 2, 'order-1'],
          [c!.id, 2, 3, 'order-1'],
        ]);
        expect(await store.headPosition()).toBe(3);
      });

      it("rejects 'no_stream' on an existing stream with WrongExpectedRevision and writes nothing", async () => {
        await store.append('s', newEvents(2), 'no_stream');
        const before = await store.readStream('s');
        await expectWrongRevision(store.append('s', newEvents(1), 'no_stream'), 's', 'no_stream', 1);
        expect(await store.readStream('s')).toEqual(before);
        expect(await store.headPosition()).toBe(2);
        expect(await store.readAll(0, 100)).toHaveLength(2);
      });

      it('rejects a stale revision with WrongExpectedRevision and writes nothing', async () => {
        await store.append('s', newEvents(1), 'no_stream');
        await store.append('s', newEvents(2), 0);
        const before = await store.readStream('s');
        await expectWrongRevision(store.append('s', newEvents(2), 0), 's', 0, 2);
        expect(await store.readStream('s')).toEqual(before);
        expect(await store.headPosition()).toBe(3);
      });

      it('rejects a revision ahead of the stream, and a number on a stream that does not exist', async () => {
        await store.append('s', newEvents(1), 'no_stream');
        await expectWrongRevision(store.append('s', newEvents(1), 5), 's', 5, 0);
        await expectWrongRevision(store.append('t', newEvents(1), 0), 't', 0, 'no_stream');
        expect(await store.readStream('s')).toHaveLength(1);
        expect(await store.readStream('t')).toEqual([]);
        expect(await store.headPosition()).toBe(1);
      });

      it("'any' appends to a new stream and to an existing one without a check", async () => {
        expect(await store.append('s', newEvents(2), 'any')).toEqual({ nextRevision: 1, position: 2 });
        expect(await store.append('s', newEvents(1), 'any')).toEqual({ nextRevision: 2, position: 3 });
        expect((await store.readStream('s')).map((e) => e.revision)).toEqual([0, 1, 2]);
      });

      it('numbers revisions per stream from 0 and positions globally from 1, increasing in commit order', async () => {
        const plan: Array<[string, number]> = [
          ['a', 2],
          ['b', 1],
          ['a', 1],
          ['c', 3],
          ['b', 2],
          ['a', 1],
        ];
        const appended: NewEvent[] = [];
        const results: AppendResult[] = [];
        for (const [stream, count] of plan) {
          const events = newEvents(count, `In-${stream}`);
          appended.push(...events);
          results.push(await store.append(stream, events, 'any'));
        }
        const positions = results.map((r) => r.position);
        expect(positions).toEqual([2, 3, 4, 7, 9, 10]);

        const all = await store.readAll(0, 1000);
        expect(all.map((e) => e.id)).toEqual(appended.map((e) => e.id));
        expect(all.map((e) => e.position)).toEqual(range(1, 10));
        for (const stream of ['a', 'b', 'c']) {
          const events = await store.readStream(stream);
          expect(events.map((e) => e.revision)).toEqual(range(0, events.length - 1));
          expect(events.every((e) => e.stream === stream && e.type === `In-${stream}`)).toBe(true);
          // Within a stream, revision order is position order.
          const streamPositions = events.map((e) => e.position);
          expect([...streamPositions].sort((x, y) => x - y)).toEqual(streamPositions);
        }
        expect(await store.headPosition()).toBe(10);
      });

      it('an append result names the revision and position of its last event', async () => {
        await store.append('x', newEvents(3), 'no_stream');
        const batch = newEvents(4);
        const result = await store.append('y', batch, 'no_stream');
        const last = (await store.readStream('y')).at(-1)!;
        expect(last.id).toBe(batch[3]!.id);
        expect(result).toEqual({ nextRevision: last.revision, position: last.position });
        expect(await store.headPosition()).toBe(result.position);
      });
    });

    describe('reading', () => {
      it('readAll pages return every event exactly once, in order', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 9; i++) {
          const events = newEvents(1 + (i % 3));
          ids.push(...events.map((e) => e.id));
          await store.append(`stream-${i % 4}`, events, 'any');
        }
        expect(ids).toHaveLength(18);
        for (const pageSize of [1, 4, 7, 18, 100]) {
          const seen: RecordedEvent[] = [];
          let after = 0;
          for (;;) {
            const page = await store.readAll(after, pageSize);
            expect(page.length).toBeLessThanOrEqual(pageSize);
            if (page.length === 0) break;
            expect(page.every((e) => e.position > after)).toBe(true);
            seen.push(...page);
            after = page.at(-1)!.position;
          }
          expect(seen.map((e) => e.id)).toEqual(ids);
          expect(seen.map((e) => e.position)).toEqual(range(1, 18));
        }
      });

      it('readAll starts strictly after the given position and is empty at the head', async () => {
        await store.append('s', newEvents(5), 'no_stream');
        expect((await store.readAll(2, 2)).map((e) => e.position)).toEqual([3, 4]);
        expect((await store.readAll(4, 10)).map((e) => e.position)).toEqual([5]);
        expect(await store.readAll(5, 10)).toEqual([]);
        expect(await store.readAll(50, 10)).toEqual([]);
      });

      it('readStream returns only its stream, in revision order', async () => {
        await store.append('a', newEvents(2), 'no_stream');
        await store.append('b', newEvents(1), 'no_stream');
        await store.append('a', newEvents(1), 1);
        expect((await store.readStream('a')).map((e) => [e.revision, e.position])).toEqual([
          [0, 1],
          [1, 2],
          [2, 4],
        ]);
        expect((await store.readStream('b')).map((e) => [e.revision, e.position])).toEqual([[0, 3]]);
        expect(await store.readStream('A')).toEqual([]);
        expect(await store.readStream('unknown')).toEqual([]);
      });

      it('readStream from a revision returns that revision and every later one, the same events a full read holds', async () => {
        await store.append('a', newEvents(2), 'no_stream');
        await store.append('b', newEvents(1), 'no_stream');
        await store.append('a', newEvents(2), 1);
        const all = await store.readStream('a');
        expect(await store.readStream('a', 0)).toEqual(all);
        expect(await store.readStream('a', 2)).toEqual(all.slice(2));
        expect((await store.readStream('a', 3)).map((e) => [e.revision, e.position])).toEqual([[3, 5]]);
        expect(await store.readStream('a', 4)).toEqual([]);
        expect(await store.readStream('a', 40)).toEqual([]);
        expect(await store.readStream('b', 1)).toEqual([]);
        expect(await store.readStream('unknown', 1)).toEqual([]);
      });

      it('headPosition follows the log', async () => {
        expect(await store.headPosition()).toBe(0);
        const r1 = await store.append('a', newEvents(3), 'no_stream');
        expect(await store.headPosition()).toBe(r1.position);
        const r2 = await store.append('b', newEvents(1), 'no_stream');
        expect(await store.headPosition()).toBe(r2.position);
        expect(r2.position).toBe(4);
      });
    });

    describe('idempotency', () => {
      it('appending the same event ids again answers as the first append and writes nothing', async () => {
        const batch = newEvents(2);
        const first = await store.append('s', batch, 'no_stream');
        const again = await store.append('s', batch, 'no_stream');
        expect(again).toEqual(first);
        expect(await store.readStream('s')).toHaveLength(2);
        expect(await store.headPosition()).toBe(2);
      });

      it('a retry after the stream (and the log) moved on still answers as the first append', async () => {
        await store.append('s', newEvents(1), 'no_stream');
        const batch = newEvents(3);
        const first = await store.append('s', batch, 0);
        await store.append('s', newEvents(2), 3);
        await store.append('other', newEvents(1), 'no_stream');
        const streamBefore = await store.readStream('s');
        const headBefore = await store.headPosition();

        expect(await store.append('s', batch, 0)).toEqual(first);
        expect(first).toEqual({ nextRevision: 3, position: 4 });
        expect(await store.readStream('s')).toEqual(streamBefore);
        expect(await store.headPosition()).toBe(headBefore);
        expect(await store.readAll(0, 100)).toHaveLength(headBefore);
      });

      it('refuses stored ids sent to another stream, or inside a different batch, and writes nothing', async () => {
        const [a, b] = newEvents(2);
        const [x] = newEvents(1);
        await store.append('s', [a!, b!], 'no_stream');
        await expect(store.append('elsewhere', [a!, b!], 'no_stream')).rejects.toThrow(/already appended/);
        await expect(store.append('s', [a!, x!, b!], 'any')).rejects.toThrow(/already appended/);
        expect(await store.readStream('elsewhere')).toEqual([]);
        expect(await store.headPosition()).toBe(2);
      });

      it('a retry issued while the first append is still in flight writes once and answers the same', async () => {
        await store.append('s', newEvents(1), 'no_stream');
        const batch = newEvents(2);
        const outcomes = await Promise.allSettled([store.append('s', batch, 0), store.append('s', batch, 0)]);
        expect(outcomes).toEqual([
          { status: 'fulfilled', value: { nextRevision: 2, position: 3 } },
          { status: 'fulfilled', value: { nextRevision: 2, position: 3 } },
        ]);
        expect((await store.readStream('s')).map((e) => e.id).slice(1)).toEqual(batch.map((e) => e.id));
        expect(await store.headPosition()).toBe(3);
      });
    });

    describe('concurrency', () => {
      it('concurrent appends to ONE stream with the same expected revision: exactly one wins', async () => {
        await store.append('contested', newEvents(1), 'no_stream');
        const batches = Array.from({ length: 10 }, () => newEvents(2));
        const outcomes = await Promise.allSettled(batches.map((b) => store.append('contested', b, 0)));

        const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const o of outcomes) {
          if (o.status === 'rejected') {
            expect(o.reason).toBeInstanceOf(WrongExpectedRevision);
            expect(o.reason).toMatchObject({ stream: 'contested', expected: 0, actual: 2 });
          }
        }
        const winner = winners[0]!;
        expect(outcomes[winner]).toEqual({ status: 'fulfilled', value: { nextRevision: 2, position: 3 } });
        const events = await store.readStream('contested');
        expect(events).toHaveLength(3);
        expect(events.slice(1).map((e) => e.id)).toEqual(batches[winner]!.map((e) => e.id));
        expect(await store.headPosition()).toBe(3);
      });

      it("concurrent 'no_stream' appends to ONE new stream: exactly one creates it", async () => {
        const batches = Array.from({ length: 10 }, () => newEvents(3));
        const outcomes = await Promise.allSettled(batches.map((b) => store.append('fresh', b, 'no_stream')));
        const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
        const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(fulfilled).toHaveLength(1);
        expect(rejected).toHaveLength(9);
        for (const o of rejected) expect(o.reason).toBeInstanceOf(WrongExpectedRevision);
        expect((await store.readStream('fresh')).map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(await store.headPosition()).toBe(3);
      });

      it('concurrent appends to MANY streams all succeed with unique, gapless positions', async () => {
        const streams = Array.from({ length: 25 }, (_, i) => `many-${i}`);
        const batches = streams.map((_, i) => newEvents(1 + (i % 3)));
        const total = batches.reduce((n, b) => n + b.length, 0);
        const outcomes = await Promise.allSettled(streams.map((s, i) => store.append(s, batches[i]!, 'no_stream')));
        expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);

        const results = outcomes.map((o) => (o as PromiseFulfilledResult<AppendResult>).value);
        results.forEach((r, i) => expect(r.nextRevision).toBe(batches[i]!.length - 1));
        expect(new Set(results.map((r) => r.position)).size).toBe(streams.length);

        const all = await store.readAll(0, 1000);
        expect(all.map((e) => e.position)).toEqual(range(1, total));
        expect(new Set(all.map((e) => e.id)).size).toBe(total);
        for (const [i, stream] of streams.entries()) {
          const events = await store.readStream(stream);
          expect(events.map((e) => e.id)).toEqual(batches[i]!.map((e) => e.id));
          expect(events.map((e) => e.revision)).toEqual(range(0, batches[i]!.length - 1));
          // A batch is contiguous in the log and ends at the position its append answered.
          expect(events.map((e) => e.position)).toEqual(range(results[i]!.position - events.length + 1, results[i]!.position));
        }
        expect(await store.headPosition()).toBe(total);
      });

      it('two appends issued together (one group commit where the adapter groups): the conflicting one fails alone, the other is written', async () => {
        await store.append('held', newEvents(1), 'no_stream');
        const ok = newEvents(2);
        const [conflicting, written] = await Promise.allSettled([store.append('held', newEvents(1), 'no_stream'), store.append('free', ok, 'no_stream')]);
        expect(conflicting.status).toBe('rejected');
        expect((conflicting as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
        expect((conflicting as PromiseRejectedResult).reason).toMatchObject({ stream: 'held', expected: 'no_stream', actual: 0 });
        expect(written).toEqual({ status: 'fulfilled', value: { nextRevision: 1, position: 3 } });
        expect((await store.readStream('free')).map((e) => e.id)).toEqual(ok.map((e) => e.id));
        expect(await store.readStream('held')).toHaveLength(1);
        expect((await store.readAll(0, 10)).map((e) => e.position)).toEqual([1, 2, 3]);
      });

      it('mixed concurrent appends (some contested, some not) keep every stream consistent', async () => {
        await store.append('hot', newEvents(1), 'no_stream');
        const contested = Array.from({ length: 5 }, () => store.append('hot', newEvents(1), 0));
        const free = Array.from({ length: 5 }, (_, i) => store.append(`cold-${i}`, newEvents(2), 'no_stream'));
        const contestedOutcomes = await Promise.allSettled(contested);
        const freeOutcomes = await Promise.allSettled(free);
        expect(contestedOutcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(freeOutcomes.every((o) => o.status === 'fulfilled')).toBe(true);
        expect(await store.readStream('hot')).toHaveLength(2);
        expect((await store.readAll(0, 100)).map((e) => e.position)).toEqual(range(1, 12));
      });
    });

    describe('atomicity', () => {
      it('a multi-event append gets consecutive revisions and positions', async () => {
        await store.append('other', newEvents(1), 'no_stream');
        const batch = newEvents(6);
        const result = await store.append('multi', batch, 'no_stream');
        const events = await store.readStream('multi');
        expect(events.map((e) => e.id)).toEqual(batch.map((e) => e.id));
        expect(events.map((e) => e.revision)).toEqual(range(0, 5));
        expect(events.map((e) => e.position)).toEqual(range(2, 7));
        expect(result).toEqual({ nextRevision: 5, position: 7 });
      });

      it('a multi-event append is all-or-nothing: one bad event writes none of the batch', async () => {
        await store.append('s', newEvents(1), 'no_stream');
        // The last event cannot be stored (a BigInt is not JSON); the ones before it must not be kept.
        const batch = [...newEvents(2), newEvent('Bad', { amount: BigInt(1) })];
        await expect(store.append('s', batch, 0)).rejects.toThrow();
        expect(await store.readStream('s')).toHaveLength(1);
        expect(await store.headPosition()).toBe(1);
        // The failed ids were not recorded either: a good append of them works and numbering has no gap.
        const retry = [batch[0]!, batch[1]!];
        expect(await store.append('s', retry, 0)).toEqual({ nextRevision: 2, position: 3 });
        expect((await store.readAll(0, 10)).map((e) => e.position)).toEqual([1, 2, 3]);
      });

      it('a multi-event append with a wrong expected revision writes none of the batch', async () => {
        await store.append('s', newEvents(2), 'no_stream');
        await expectWrongRevision(store.append('s', newEvents(5), 0), 's', 0, 1);
        expect(await store.readStream('s')).toHaveLength(2);
        expect(await store.readAll(0, 100)).toHaveLength(2);
      });
    });

    describe('appendMany: several streams in one transaction (where the adapter has it)', () => {
      const many = (s: EventStore) => {
        if (!s.appendMany) throw new Error('no appendMany');
        return s.appendMany.bind(s);
      };
      const itMany = (name: string, body: () => Promise<void>) =>
        it(name, async () => {
          if (!store.appendMany) return; // EventStoreDB: one stream per call (ADR 0010); its writers reserve and compensate.
          await body();
        });

      itMany('writes every stream, at consecutive positions in the order given, one result per stream', async () => {
        await store.append('a', newEvents(1), 'no_stream');
        const results = await many(store)([
          { stream: 'a', events: newEvents(2), expected: 0 },
          { stream: 'b', events: newEvents(1), expected: 'no_stream' },
        ]);
        expect(results).toEqual([{ nextRevision: 2, position: 3 }, { nextRevision: 0, position: 4 }]);
        expect((await store.readAll(0, 10)).map((e) => [e.stream, e.revision])).toEqual([['a', 0], ['a', 1], ['a', 2], ['b', 0]]);
      });

      itMany('a wrong expected revision of ANY stream writes none of them', async () => {
        await store.append('a', newEvents(1), 'no_stream');
        await store.append('b', newEvents(2), 'no_stream');
        await expectWrongRevision(
          many(store)([
            { stream: 'a', events: newEvents(1), expected: 0 },
            { stream: 'b', events: newEvents(1), expected: 0 },
          ]),
          'b',
          0,
          1,
        );
        expect(await store.readStream('a')).toHaveLength(1);
        expect(await store.headPosition()).toBe(3);
      });

      itMany('of two racing writes that expect the same revision of a shared stream, exactly one is written', async () => {
        await store.append('shared', newEvents(1), 'no_stream');
        const outcomes = await Promise.allSettled([
          many(store)([
            { stream: 'fund', events: newEvents(1), expected: 'any' },
            { stream: 'shared', events: newEvents(1), expected: 0 },
          ]),
          store.append('shared', newEvents(1), 0),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream('shared')).toHaveLength(2);
        const fund = await store.readStream('fund');
        expect(fund.length).toBe(outcomes[0]!.status === 'fulfilled' ? 1 : 0);
      });

      itMany('a retry with the same ids answers as the first call did and writes nothing', async () => {
        const appends = [
          { stream: 'x', events: newEvents(1), expected: 'no_stream' as const },
          { stream: 'y', events: newEvents(2), expected: 'no_stream' as const },
        ];
        const first = await many(store)(appends);
        expect(await many(store)(appends)).toEqual(first);
        expect(await store.headPosition()).toBe(3);
      });

      itMany('refuses a stream named twice and an empty stream part', async () => {
        await expect(many(store)([
          { stream: 'x', events: newEvents(1), expected: 'any' },
          { stream: 'x', events: newEvents(1), expected: 'any' },
        ])).rejects.toThrow(/twice/);
        await expect(many(store)([{ stream: 'x', events: [], expected: 'any' }])).rejects.toThrow(/at least one event/);
        expect(await store.headPosition()).toBe(0);
      });
    });

    describe('data round-trip', () => {
      it('keeps data, type and metadata exactly, including Swedish and other unicode text', async () => {
        const data = {
          municipalities: ['Årjäng', 'Säffle', 'Kristinehamn', 'Hagfors', 'Grums', 'Eda', 'Torsby'],
          paragraph: '§ 112',
          decision: 'Kommunfullmäktige i Årjäng beslutade enligt § 112: "ja" — med ändringar.',
          // The same letter precomposed (NFC) and decomposed (NFD) must stay distinct.
          nfc: 'Å',
          nfd: 'A\u030A',
          mixed: 'ÅÄÖ åäö Ææ Øø ß € 😀 中文 \t\n\r \\ / \' " \u0000 \u2028',
          nested: { a: [1, 2.5, -3, 0, 1e21, Number.MAX_SAFE_INTEGER], b: null, c: true, d: false, e: '', f: {}, g: [] },
          amountÖre: 123456789,
        };
        const meta: EventMetadata = {
          recordedAt: '2025-03-01T12:00:00.123Z',
          correlationId: 'korrelation-Säffle',
          causationId: 'orsak-§-112',
          schemaVersion: 3,
          actor: { sub: 'användare-1', name: 'Åsa Öberg', role: 'tjänsteperson', party: 'Årjäng' },
        };
        const event: NewEvent = { id: randomUUID(), type: 'BeslutFattat', data, metadata: meta };
        await store.append('beslut-Årjäng-§112', [event], 'no_stream');

        const check = (e: RecordedEvent | undefined) => {
          expect(e).toEqual({
            id: event.id,
            position: 1,
            stream: 'beslut-Årjäng-§112',
            revision: 0,
            type: 'BeslutFattat',
            data,
            metadata: meta,
            hash: eventHash({ stream: 'beslut-Årjäng-§112', revision: 0, type: 'BeslutFattat', data, metadata: meta, previousHash: null }),
            previousHash: null,
          });
          const d = e!.data as typeof data;
          expect(d.nfc).toBe('Å');
          expect(d.nfd).toBe('A\u030A');
          expect(d.nfd.length).toBe(2);
          expect(d.mixed).toBe(data.mixed);
        };
        check((await store.readStream('beslut-Årjäng-§112'))[0]);
        check((await store.readAll(0, 1))[0]);
        expect(await store.readStream('beslut-Arjang-§112')).toEqual([]);
      });

      it('keeps the null/non-null metadata variants and non-object data', async () => {
        const values: unknown[] = ['bara en sträng', 42, null, true, [1, 'två', { tre: 3 }]];
        const events = values.map((v, i) =>
          newEvent('Value', v, i % 2 === 0 ? {} : { causationId: `c-${i}`, actor: { sub: 's', name: 'n', role: 'r' } }),
        );
        await store.append('values', events, 'no_stream');
        const read = await store.readStream('values');
        expect(read.map((e) => e.data)).toEqual(values);
        expect(read.map((e) => e.metadata)).toEqual(events.map((e) => e.metadata));
      });

      it('keeps a large event (~1 MB) intact', async () => {
        const big = 'Säffle § 112 Årjäng — '.repeat(48_000); // about 1 M characters, more bytes in UTF-8
        expect(big.length).toBeGreaterThan(1_000_000);
        const event = newEvent('Stor', { text: big, tail: 'slut' });
        await store.append('large', [event], 'no_stream');
        await store.append('after-large', newEvents(1), 'no_stream');
        const [read] = await store.readStream('large');
        expect((read!.data as { text: string }).text.length).toBe(big.length);
        expect((read!.data as { text: string }).text === big).toBe(true);
        expect(read!.data).toEqual({ text: big, tail: 'slut' });
        expect((await store.readAll(0, 10)).map((e) => e.position)).toEqual([1, 2]);
      });

      it("stores a copy: changing the caller's objects after the append changes nothing", async () => {
        const data = { name: 'Säffle', list: [1, 2] };
        const event = newEvent('Copy', data);
        await store.append('copy', [event], 'no_stream');
        data.name = 'ändrad';
        data.list.push(3);
        expect((await store.readStream('copy'))[0]!.data).toEqual({ name: 'Säffle', list: [1, 2] });
      });
    });

    describe('hash chain', () => {
      it('hashes each event over its canonical form, chained to its stream predecessor, the same on every adapter', async () => {
        await store.append('a', newEvents(3), 'no_stream');
        await store.append('b', newEvents(1), 'no_stream');
        await store.append('a', newEvents(1), 2);
        const a = await store.readStream('a');
        expect(a.map((e) => e.previousHash)).toEqual([null, a[0]!.hash, a[1]!.hash, a[2]!.hash]);
        for (const e of [...a, ...(await store.readStream('b'))]) {
          expect(e.hash).toBe(
            eventHash({ stream: e.stream, revision: e.revision, type: e.type, data: e.data, metadata: e.metadata, previousHash: e.previousHash }),
          );
          expect(e.hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
        }
        expect((await store.readStream('b'))[0]!.previousHash).toBeNull();
        expect(new Set(a.map((e) => e.hash)).size).toBe(4);
        expect(await store.readAll(0, 10)).toEqual(expect.arrayContaining(a));
      });
    });

    describe('subscribeToAll', () => {
      it('from 0 catches up on existing events, then receives new ones live, in order, without gaps or duplicates', async () => {
        for (let i = 0; i < 5; i++) await store.append(`pre-${i % 2}`, newEvents(2), 'any');
        const c = collector();
        subscribe(store, 0, c.handler);
        await waitFor(() => c.events.length >= 10, () => `got ${c.positions().join(',')}`);
        expect(c.positions()).toEqual(range(1, 10));

        // Live: sequential appends, then a burst of concurrent ones.
        for (let i = 0; i < 5; i++) await store.append(`live-${i % 3}`, newEvents(1 + (i % 2)), 'any');
        await Promise.all(Array.from({ length: 10 }, (_, i) => store.append(`burst-${i}`, newEvents(2), 'no_stream')));
        const head = await store.headPosition();
        expect(head).toBe(10 + 7 + 20);
        await waitFor(() => c.events.length >= head, () => `got ${c.positions().join(',')}`);

        expect(c.positions()).toEqual(range(1, head));
        expect(c.events.map((e) => e.id)).toEqual((await store.readAll(0, 1000)).map((e) => e.id));
        expect(c.maxInFlight).toBe(1);
      });

      it('on an empty store delivers the first events live', async () => {
        const c = collector();
        subscribe(store, 0, c.handler);
        const batch = newEvents(3);
        await store.append('first', batch, 'no_stream');
        await waitFor(() => c.events.length >= 3);
        expect(c.events.map((e) => e.id)).toEqual(batch.map((e) => e.id));
        expect(c.positions()).toEqual([1, 2, 3]);
      });

      it('from a middle position starts strictly after it', async () => {
        await store.append('s', newEvents(6), 'no_stream');
        const c = collector();
        subscribe(store, 4, c.handler);
        await waitFor(() => c.events.length >= 2);
        expect(c.positions()).toEqual([5, 6]);
        await store.append('t', newEvents(2), 'no_stream');
        await waitFor(() => c.events.length >= 4, () => `got ${c.positions().join(',')}`);
        expect(c.positions()).toEqual([5, 6, 7, 8]);
      });

      it('from the head position receives only new events', async () => {
        await store.append('s', newEvents(3), 'no_stream');
        const c = collector();
        subscribe(store, await store.headPosition(), c.handler);
        await store.append('s', newEvents(1), 2);
        await waitFor(() => c.events.length >= 1);
        expect(c.positions()).toEqual([4]);
      });

      it('several subscriptions each receive everything independently', async () => {
        await store.append('s', newEvents(2), 'no_stream');
        const c1 = collector();
        const c2 = collector();
        subscribe(store, 0, c1.handler);
        subscribe(store, 1, c2.handler);
        await store.append('t', newEvents(3), 'no_stream');
        await waitFor(() => c1.events.length >= 5 && c2.events.length >= 4);
        expect(c1.positions()).toEqual([1, 2, 3, 4, 5]);
        expect(c2.positions()).toEqual([2, 3, 4, 5]);
      });

      it('does not deliver the next batch before the handler has finished the previous one', async () => {
        const delivered: number[][] = [];
        let active = 0;
        let overlapped = false;
        subscribe(store, 0, async (batch) => {
          if (active > 0) overlapped = true;
          active += 1;
          // A slow handler: an adapter that delivered the next batch too early would overlap it.
          await eventLoopTurns();
          delivered.push(batch.map((e) => e.position));
          active -= 1;
        });
        for (let i = 0; i < 5; i++) await store.append(`slow-${i}`, newEvents(1), 'no_stream');
        await waitFor(() => delivered.flat().length >= 5, () => JSON.stringify(delivered));
        expect(overlapped).toBe(false);
        expect(delivered.flat()).toEqual([1, 2, 3, 4, 5]);
      });

      it('close() stops delivery', async () => {
        const c = collector();
        const subscription = subscribe(store, 0, c.handler);
        await store.append('s', newEvents(2), 'no_stream');
        await waitFor(() => c.events.length >= 2);
        await subscription.close();
        const callsAtClose = c.calls;

        await store.append('s', newEvents(3), 1);
        // A witness subscription proves the new events were delivered to whoever still listens.
        const witness = collector();
        subscribe(store, 2, witness.handler);
        await waitFor(() => witness.events.length >= 3);
        await eventLoopTurns();
        expect(c.calls).toBe(callsAtClose);
        expect(c.positions()).toEqual([1, 2]);
        // Closing twice is harmless.
        await subscription.close();
      });

      it('close() waits for a running handler; nothing is delivered after it resolves', async () => {
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let running = false;
        const seen: number[] = [];
        const subscription = subscribe(store, 0, async (batch) => {
          running = true;
          seen.push(...batch.map((e) => e.position));
          await gate;
          running = false;
        });
        await store.append('s', newEvents(1), 'no_stream');
        await waitFor(() => running);
        await store.append('s', newEvents(1), 0); // Arrives while the handler is still busy.
        let closed = false;
        const closing = subscription.close().then(() => (closed = true));
        await eventLoopTurns();
        expect(closed).toBe(false); // Still waiting for the handler.
        release();
        await closing;
        expect(running).toBe(false);
        const seenAtClose = [...seen];
        expect(seenAtClose[0]).toBe(1);
        await store.append('s', newEvents(1), 1);
        const witness = collector();
        subscribe(store, 0, witness.handler);
        await waitFor(() => witness.events.length >= 3);
        await eventLoopTurns();
        expect(seen).toEqual(seenAtClose);
      });

      it('close() resolves at once (no poll tick or timer needed) while the subscription is waiting for events', async () => {
        await store.append('s', newEvents(1), 'no_stream');
        const c = collector();
        const subscription = subscribe(store, 0, c.handler);
        // Caught up: it now waits for the next event.
        await waitFor(() => c.events.length >= 1);
        let closed = false;
        const closing = subscription.close().then(() => (closed = true));
        await withinEventLoopTurns(() => closed, () => 'close() is still waiting');
        await closing;
        expect(c.positions()).toEqual([1]);
      });
    });

    describe('durability', () => {
      it('events survive close and reopen with the same positions and revisions (durable adapters; a no-op without reopen)', async () => {
        if (!fixture.reopen) return; // Only durable adapters provide reopen.
        const s = await store.append('ärende-1', newEvents(2), 'no_stream');
        await store.append('ärende-2', [newEvent('Ö', { text: 'Årjäng § 112' })], 'no_stream');
        await store.append('ärende-1', newEvents(1), s.nextRevision);
        const allBefore = await store.readAll(0, 100);
        const streamBefore = await store.readStream('ärende-1');
        expect(allBefore).toHaveLength(4);
        await store.close();

        const reopened = await fixture.reopen();
        expect(await reopened.headPosition()).toBe(4);
        expect(await reopened.readAll(0, 100)).toEqual(allBefore);
        expect(await reopened.readStream('ärende-1')).toEqual(streamBefore);

        // Numbering, expected-revision checks and idempotency go on where they left off.
        await expectWrongRevision(reopened.append('ärende-1', newEvents(1), 1), 'ärende-1', 1, 2);
        expect(await reopened.append('ärende-1', newEvents(1), 2)).toEqual({ nextRevision: 3, position: 5 });
        const firstIds = allBefore.slice(0, 2).map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata }));
        expect(await reopened.append('ärende-1', firstIds, 'no_stream')).toEqual(s);
        expect(await reopened.headPosition()).toBe(5);

        const c = collector();
        subscribe(reopened, 3, c.handler);
        await waitFor(() => c.events.length >= 2);
        expect(c.positions()).toEqual([4, 5]);
      });
    });
  });
}
