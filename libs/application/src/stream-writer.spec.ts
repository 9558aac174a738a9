import { Logger } from '@nestjs/common';
import { InMemoryEventStore, type RecordedEvent } from '@dgr/event-store';
import { AuditLogProjection } from './projections/audit-log.projection';
import { FundProjection } from './projections/fund.projection';
import { InitiativesProjection } from './projections/initiatives.projection';
import { ProjectionRunner } from './projections/projection-runner';
import { RuleViolationsProjection } from './projections/rule-violations.projection';
import type { WriteRequest } from './request-context';
import { RetryKey } from './retry-key';
import { ConcurrencyConflict, MAX_ATTEMPTS, StreamWriter } from './stream-writer';
import { HeldBackStore, turns, until } from './testing/async-steps';
import { count, counter, NOW, Refused, request, STREAM, type Counted } from './testing/counter-stream';

/*
 * StreamWriter on the in-memory store, with real read models following it. Two StreamWriters on one store
 * are two processes on one file: each has its own in-process lock, so only the store's expected-revision
 * check stands between them — the conflict path the end-to-end tests (one process, one lock) never reach.
 */

const refuse = (): never => {
  throw new Refused('nej');
};

beforeAll(() => Logger.overrideLogger(false));

let store: InMemoryEventStore;
let runner: ProjectionRunner;
let first: StreamWriter;
let second: StreamWriter;

beforeEach(async () => {
  store = new InMemoryEventStore();
  runner = new ProjectionRunner(store, new InitiativesProjection(), new FundProjection(), new AuditLogProjection(), new RuleViolationsProjection());
  await runner.start();
  first = new StreamWriter(store, { now: () => NOW }, runner);
  second = new StreamWriter(store, { now: () => NOW }, runner);
});

afterEach(async () => {
  await runner.onModuleDestroy();
  await store.close();
});

const written = async (): Promise<Array<Counted['data']>> =>
  (await store.readStream(STREAM)).map((e: RecordedEvent) => e.data as Counted['data']);

describe('StreamWriter.decide', () => {
  it('appends the decided events with the revision it read, and answers once the read models include them', async () => {
    const a = await first.decide(STREAM, counter, count('first'), request);
    const b = await first.decide(STREAM, counter, count('first'), request);
    expect(a).toEqual({ stream: STREAM, revision: 0, position: 1 });
    expect(b).toEqual({ stream: STREAM, revision: 1, position: 2 });
    expect(runner.caughtUpTo).toBeGreaterThanOrEqual(2);
    expect(await written()).toEqual([{ n: 1, by: 'first' }, { n: 2, by: 'first' }]);
  });

  it('does not answer before the read models include its events (a client reads its own writes)', async () => {
    const held = new HeldBackStore();
    const heldRunner = new ProjectionRunner(held, new InitiativesProjection(), new FundProjection(), new AuditLogProjection(), new RuleViolationsProjection());
    await heldRunner.start();
    try {
      held.holdReads();
      let answered = false;
      const answer = new StreamWriter(held, { now: () => NOW }, heldRunner)
        .decide(STREAM, counter, count('first'), request)
        .then((r) => ((answered = true), r));
      await until(async () => (await held.headPosition()) === 1);
      await turns(20);
      expect(answered).toBe(false);

      held.releaseReads();
      const recorded = await answer;
      expect(heldRunner.caughtUpTo).toBeGreaterThanOrEqual(recorded.position);
    } finally {
      held.releaseReads();
      await heldRunner.onModuleDestroy();
    }
  });

  it('another writer appends between its read and its append: the conflict is decided again on the new state', async () => {
    const seen: number[] = [];
    const recorded = await first.decide(
      STREAM,
      counter,
      async (n) => {
        seen.push(n);
        // The other process writes after this one read the stream (n = 0) and before it appends.
        if (seen.length === 1) await second.decide(STREAM, counter, count('second'), request);
        return count('first')(n);
      },
      request,
    );

    // Decided twice: on the stream as first read (empty), then on the stream holding the other's event.
    expect(seen).toEqual([0, 1]);
    expect(await written()).toEqual([{ n: 1, by: 'second' }, { n: 2, by: 'first' }]);
    expect(recorded).toEqual({ stream: STREAM, revision: 1, position: 2 });
  });

  it(`loses the race ${MAX_ATTEMPTS} times in a row: 409 ConcurrencyConflict, and nothing of its own written`, async () => {
    let attempts = 0;
    const losing = first.decide(
      STREAM,
      counter,
      async (n) => {
        attempts++;
        await second.decide(STREAM, counter, count('second'), request);
        return count('first')(n);
      },
      request,
    );

    await expect(losing).rejects.toBeInstanceOf(ConcurrencyConflict);
    await expect(losing).rejects.toMatchObject({ kind: 'conflict', code: 'concurrency-conflict' });
    expect(attempts).toBe(MAX_ATTEMPTS);
    expect((await written()).map((e) => e.by)).toEqual(Array.from({ length: MAX_ATTEMPTS }, () => 'second'));
  });

  it('a refusal by the decider is not retried and writes nothing', async () => {
    let attempts = 0;
    const refusing = first.decide(STREAM, counter, () => {
      attempts++;
      return refuse();
    }, request);
    await expect(refusing).rejects.toBeInstanceOf(Refused);
    expect(attempts).toBe(1);
    expect(await store.headPosition()).toBe(0);
  });
});

describe('StreamWriter.decide with a retry key', () => {
  /** A retry key whose claims are counted, and which records what the stream held when it was claimed. */
  const keyed = (seed: string) => {
    const claims: number[] = [];
    const retryKey = new RetryKey(seed, async () => {
      claims.push((await store.readStream(STREAM)).length);
    });
    return { retryKey, claims, request: { ...request, retryKey } satisfies WriteRequest };
  };

  it("derives the events' ids from the key and claims it once decided, right before the append", async () => {
    const { retryKey, claims, request: keyedRequest } = keyed('idempotency-a');
    await first.decide(STREAM, counter, (n) => [count('first')(n), count('first')(n + 1)], keyedRequest);
    expect((await store.readStream(STREAM)).map((e) => e.id)).toEqual([retryKey.eventId(0), retryKey.eventId(1)]);
    expect(claims).toEqual([0]);
  });

  it('a refused command claims nothing', async () => {
    const { claims, request: keyedRequest } = keyed('idempotency-b');
    await expect(first.decide(STREAM, counter, refuse, keyedRequest)).rejects.toBeInstanceOf(Refused);
    expect(claims).toEqual([]);
  });

  it('after a conflict, the retried append still carries the ids derived from the key', async () => {
    const { retryKey, request: keyedRequest } = keyed('idempotency-c');
    let attempts = 0;
    await first.decide(
      STREAM,
      counter,
      async (n) => {
        if (++attempts === 1) await second.decide(STREAM, counter, count('second'), request);
        return count('first')(n);
      },
      keyedRequest,
    );
    const events = await store.readStream(STREAM);
    expect(events.map((e) => (e.data as Counted['data']).by)).toEqual(['second', 'first']);
    expect(events[1]!.id).toBe(retryKey.eventId(0));
  });

  it("the same command again (a retry after a crash): answers where the first one landed, decides and writes nothing", async () => {
    const { request: keyedRequest } = keyed('idempotency-d');
    const firstTry = await first.decide(STREAM, counter, count('first'), keyedRequest);
    await second.decide(STREAM, counter, count('second'), request);

    const again = keyed('idempotency-d');
    let decided = false;
    const retry = await second.decide(STREAM, counter, (n) => {
      decided = true;
      return count('retry')(n);
    }, again.request);

    expect(retry).toEqual(firstTry);
    expect(decided).toBe(false);
    expect(again.claims).toEqual([]);
    expect((await written()).map((e) => e.by)).toEqual(['first', 'second']);
  });
});
