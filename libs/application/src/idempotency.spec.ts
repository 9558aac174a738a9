import { Logger } from '@nestjs/common';
import { DomainError } from '@dgr/domain';
import { InMemoryEventStore } from '@dgr/event-store';
import { Idempotency, IdempotencyKeyInProgress, IdempotencyKeyReused, RETRY_WAIT_MS, type StoredAnswer } from './idempotency';
import { AuditLogProjection } from './projections/audit-log.projection';
import { FundProjection } from './projections/fund.projection';
import { InitiativesProjection } from './projections/initiatives.projection';
import { ProjectionRunner } from './projections/projection-runner';
import { RuleViolationsProjection } from './projections/rule-violations.projection';
import type { RequestContext } from './request-context';
import type { RetryKey } from './retry-key';
import { StreamWriter, type Fold } from './stream-writer';

/*
 * Idempotency on the in-memory store, with a real StreamWriter as the command and an injected clock.
 * `run` is what the HTTP interceptor calls for a keyed write command; these are its rules.
 */

const T0 = '2025-06-15T10:00:00.000Z';
const STREAM = 'counter-1';
const context: RequestContext = { correlationId: 'spec', actor: { sub: 'finance', name: 'Test', role: 'finance' } };

interface Counted {
  readonly type: 'ReminderSent';
  readonly data: { readonly amount: number };
}
const counter: Fold<number, Counted> = { initial: 0, evolve: (n) => n + 1 };

/** Refused by a business rule (the state does not allow it yet). */
class NotYet extends DomainError {
  readonly kind = 'rule';
  readonly code = 'not-yet';
  readonly title = 'Inte än';
}

let now: string;
let store: InMemoryEventStore;
let runner: ProjectionRunner;
let writer: StreamWriter;
let idempotency: Idempotency;
/** How many times a command really ran (decided and appended). */
let executed: number;
/** While true, the command is refused by its decider. */
let refusing: boolean;

beforeAll(() => Logger.overrideLogger(false));

beforeEach(async () => {
  now = T0;
  const clock = { now: () => now };
  store = new InMemoryEventStore();
  runner = new ProjectionRunner(store, new InitiativesProjection(), new FundProjection(), new AuditLogProjection(), new RuleViolationsProjection());
  await runner.start();
  writer = new StreamWriter(store, clock, runner);
  idempotency = new Idempotency(store, clock);
  executed = 0;
  refusing = false;
});

afterEach(async () => {
  await runner.onModuleDestroy();
  await store.close();
});

const KEY = Idempotency.streamOf('finance', 'key-1');

/** The command behind a keyed request: counts `amount` on the counter stream, the way a handler writes. */
const command = (amount: number) => async (retryKey: RetryKey): Promise<StoredAnswer> => {
  const recorded = await writer.decide(
    STREAM,
    counter,
    (): Counted => {
      if (refusing) throw new NotYet('inte än');
      return { type: 'ReminderSent', data: { amount } };
    },
    { context, retryKey },
  );
  executed++;
  return { status: 201, body: recorded };
};

/** One request: the key's stream, the request's fingerprint, the command. */
const send = (amount: number, key = KEY): Promise<StoredAnswer> =>
  idempotency.run(key, Idempotency.hashOf('POST', '/api/counter', { amount }), context, command(amount));

const keyEvents = async (key = KEY): Promise<string[]> => (await store.readStream(key)).map((e) => e.type);
const counted = async (): Promise<number[]> => (await store.readStream(STREAM)).map((e) => (e.data as Counted['data']).amount);

describe('the same key and body', () => {
  it('again later: the first answer, the command not run again, nothing more written', async () => {
    const first = await send(5);
    const head = await store.headPosition();
    const again = await send(5);
    expect(again).toEqual(first);
    expect(executed).toBe(1);
    expect(await counted()).toEqual([5]);
    expect(await store.headPosition()).toBe(head);
    expect(await keyEvents()).toEqual(['IdempotencyKeyClaimed', 'IdempotentAnswerRecorded']);
  });

  it('at the same time in this process: the command runs once and both get its answer', async () => {
    const [a, b] = await Promise.all([send(5), send(5)]);
    expect(b).toEqual(a);
    expect(executed).toBe(1);
    expect(await counted()).toEqual([5]);
  });

  it('a body with its keys in another order, or absent versus empty, is the same request', () => {
    expect(Idempotency.hashOf('POST', '/p', { a: 1, b: 2 })).toBe(Idempotency.hashOf('POST', '/p', { b: 2, a: 1 }));
    expect(Idempotency.hashOf('POST', '/p', undefined)).toBe(Idempotency.hashOf('POST', '/p', {}));
    expect(Idempotency.hashOf('POST', '/p', {})).not.toBe(Idempotency.hashOf('POST', '/q', {}));
  });
});

describe('the same key with another body', () => {
  it('after the first was answered: refused (422 idempotency-key-reused), nothing written, the first answer stands', async () => {
    const first = await send(5);
    const head = await store.headPosition();
    const other = send(6);
    await expect(other).rejects.toBeInstanceOf(IdempotencyKeyReused);
    await expect(other).rejects.toMatchObject({ kind: 'rule', code: 'idempotency-key-reused' });
    expect(await store.headPosition()).toBe(head);
    expect(await send(5)).toEqual(first);
    expect(await counted()).toEqual([5]);
  });

  it('while the first is still running in this process: refused', async () => {
    const results = await Promise.allSettled([send(5), send(6)]);
    expect(results[0]).toMatchObject({ status: 'fulfilled' });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: expect.any(IdempotencyKeyReused) });
    expect(await counted()).toEqual([5]);
  });
});

describe('a key whose first try failed', () => {
  it('refused by a rule: nothing written at all; the same request runs afresh, and succeeds once the state allows it', async () => {
    refusing = true;
    await expect(send(5)).rejects.toBeInstanceOf(NotYet);
    expect(await store.headPosition()).toBe(0);
    await expect(send(5)).rejects.toBeInstanceOf(NotYet);
    expect(await store.headPosition()).toBe(0);

    refusing = false;
    const accepted = await send(5);
    expect(accepted.status).toBe(201);
    expect(await counted()).toEqual([5]);
    expect(await keyEvents()).toEqual(['IdempotencyKeyClaimed', 'IdempotentAnswerRecorded']);
  });

  it('failed after the key was claimed: the claim is released and the same request runs again', async () => {
    const hash = Idempotency.hashOf('POST', '/api/counter', { amount: 5 });
    const failing = idempotency.run(KEY, hash, context, async (retryKey) => {
      await retryKey.claim();
      throw new Error('the disk is full');
    });
    await expect(failing).rejects.toThrow('the disk is full');
    expect(await keyEvents()).toEqual(['IdempotencyKeyClaimed', 'IdempotencyKeyReleased']);

    const retried = await send(5);
    expect(retried.status).toBe(201);
    expect(executed).toBe(1);
    expect(await keyEvents()).toEqual(['IdempotencyKeyClaimed', 'IdempotencyKeyReleased', 'IdempotencyKeyClaimed', 'IdempotentAnswerRecorded']);
  });

  it('a retry after a crash between the command and its answer: the command is not written twice', async () => {
    // The first try wrote its claim and its command, and died before recording the answer.
    const hash = Idempotency.hashOf('POST', '/api/counter', { amount: 5 });
    let wrote!: () => void;
    const commandWritten = new Promise<void>((resolve) => (wrote = resolve));
    void idempotency.run(KEY, hash, context, async (retryKey) => {
      await writer.decide(STREAM, counter, (): Counted => ({ type: 'ReminderSent', data: { amount: 5 } }), { context, retryKey });
      wrote();
      return new Promise<StoredAnswer>(() => undefined);
    });
    await commandWritten;
    // That run never answers: its process is gone. Another process, 61 s later by the clock:
    now = new Date(Date.parse(T0) + 61_000).toISOString();
    const later = new Idempotency(store, { now: () => now });
    const answer = await later.run(KEY, hash, context, command(5));
    expect(answer.status).toBe(201);
    expect(await counted()).toEqual([5]);
  });
});

describe('a claim held elsewhere', () => {
  const claimElsewhere = async (amount: number): Promise<void> => {
    await store.append(
      KEY,
      [
        {
          id: 'claimed-elsewhere',
          type: 'IdempotencyKeyClaimed',
          data: { requestHash: Idempotency.hashOf('POST', '/api/counter', { amount }), claimedAt: T0 },
          metadata: { recordedAt: T0, correlationId: 'other', causationId: null, schemaVersion: 1, actor: null },
        },
      ],
      'no_stream',
    );
  };

  it('not yet answered: 409 idempotency-key-in-progress (another body: 422), until it is 60 s old by the clock', async () => {
    await claimElsewhere(5);
    await expect(send(5)).rejects.toBeInstanceOf(IdempotencyKeyInProgress);
    await expect(send(6)).rejects.toBeInstanceOf(IdempotencyKeyReused);
    now = new Date(Date.parse(T0) + 59_999).toISOString();
    await expect(send(5)).rejects.toBeInstanceOf(IdempotencyKeyInProgress);
    expect(executed).toBe(0);

    now = new Date(Date.parse(T0) + 60_000).toISOString();
    expect((await send(5)).status).toBe(201);
    expect(executed).toBe(1);
  });
});

describe('a retry waiting for the same request in this process', () => {
  afterEach(() => jest.useRealTimers());

  it(`answers 409 idempotency-key-in-progress once it has waited ${RETRY_WAIT_MS} ms, never later`, async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const hash = Idempotency.hashOf('POST', '/api/counter', { amount: 5 });
    let finish: ((answer: StoredAnswer) => void) | undefined;
    const first = idempotency.run(KEY, hash, context, () => new Promise<StoredAnswer>((resolve) => (finish = resolve)));
    const retry = idempotency.run(KEY, hash, context, () => Promise.reject(new Error('the retry must not run the command')));
    const outcome = retry.then(
      (a) => a,
      (e: unknown) => e,
    );
    const settledYet = () => Promise.race([outcome, Promise.resolve('still waiting')]);

    await jest.advanceTimersByTimeAsync(RETRY_WAIT_MS - 1);
    expect(await settledYet()).toBe('still waiting');
    await jest.advanceTimersByTimeAsync(1);
    expect(await settledYet()).toBeInstanceOf(IdempotencyKeyInProgress);

    // The first one still answers when it is done.
    finish!({ status: 201, body: { done: true } });
    expect(await first).toEqual({ status: 201, body: { done: true } });
  });
});
