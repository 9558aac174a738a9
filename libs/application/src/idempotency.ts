import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DomainError } from '@dgr/domain';
import { canonicalJson, WrongExpectedRevision, type EventStore, type NewEvent, type RecordedEvent } from '@dgr/event-store';
import type { RequestContext } from './request-context';
import { RetryKey } from './retry-key';
import { SCHEMA_VERSION } from './event-ids';
import { CLOCK, EVENT_STORE, type Clock } from './tokens';

export class IdempotencyKeyReused extends DomainError {
  readonly kind = 'rule';
  readonly code = 'idempotency-key-reused';
  readonly title = 'Idempotency-Key används redan';
  constructor() {
    super('Samma Idempotency-Key har redan använts för en annan begäran. Använd en ny nyckel för en ny begäran.');
  }
}

export class IdempotencyKeyInProgress extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'idempotency-key-in-progress';
  readonly title = 'Begäran pågår redan';
  constructor() {
    super('En begäran med samma Idempotency-Key behandlas just nu. Vänta ett ögonblick och försök igen.');
  }
}

export interface StoredAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** A claim not completed within this time is taken to be abandoned (its process died). */
const CLAIM_EXPIRES_MS = 60_000;

/** How long a retry waits for the same request still running in this process before it answers 409. */
export const RETRY_WAIT_MS = 10_000;

interface KeyState {
  revision: number | null;
  claim: { requestHash: string; claimedAt: string } | null;
  answer: (StoredAnswer & { requestHash: string }) | null;
}

/**
 * Safe retries of POSTs with an `Idempotency-Key`, scoped to the token's subject, kept in the event
 * store itself (stream `idempotency-<hash of subject and key>`), so they survive a restart and work the
 * same on every adapter:
 *
 * - the same key and body again: the first answer, nothing written;
 * - the same key with another body: refused (422);
 * - while the first is still running: in this process, the retry waits for it (at most RETRY_WAIT_MS)
 *   and gets the same answer; in another process (a claim not yet completed), or after the wait, 409.
 *
 * `execute` gets the request's RetryKey to hand to its command: the command's own events get ids derived
 * from the key, so even a retry after a crash between the command and its recorded answer cannot write
 * them twice, and the key is claimed only when the command is about to be appended.
 *
 * Only for the API's own write commands (the interceptor applies it after the AccessGuard authorised the
 * actor for the route's action): bookkeeping events are written only for requests that may write.
 */
@Injectable()
export class Idempotency {
  private readonly inFlight = new Map<string, { requestHash: string; answer: Promise<StoredAnswer> }>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  static streamOf(subject: string, key: string): string {
    return `idempotency-${createHash('sha256').update(`${subject}\n${key}`).digest('hex').slice(0, 40)}`;
  }

  /**
   * The request's fingerprint. An absent body (`undefined`) is an empty one: `{}`. A body of raw bytes (the PDF
   * of a decision's evidence) counts by its bytes, never as JSON.
   */
  static hashOf(method: string, path: string, body: unknown): string {
    if (Buffer.isBuffer(body)) return createHash('sha256').update(`${method} ${path}\nbytes\n`).update(body).digest('hex');
    return createHash('sha256').update(`${method} ${path}\n${canonicalJson(body ?? {})}`).digest('hex');
  }

  async run(
    stream: string,
    requestHash: string,
    context: RequestContext,
    execute: (retryKey: RetryKey) => Promise<StoredAnswer>,
  ): Promise<StoredAnswer> {
    const running = this.inFlight.get(stream);
    if (running) {
      if (running.requestHash !== requestHash) throw new IdempotencyKeyReused();
      return withinDeadline(running.answer, RETRY_WAIT_MS);
    }
    const answer = this.runOnce(stream, requestHash, context, execute);
    this.inFlight.set(stream, { requestHash, answer });
    try {
      return await answer;
    } finally {
      this.inFlight.delete(stream);
    }
  }

  private async runOnce(
    stream: string,
    requestHash: string,
    context: RequestContext,
    execute: (retryKey: RetryKey) => Promise<StoredAnswer>,
  ): Promise<StoredAnswer> {
    const state = fold(await this.store.readStream(stream));
    if (state.answer) {
      if (state.answer.requestHash !== requestHash) throw new IdempotencyKeyReused();
      return { status: state.answer.status, body: state.answer.body };
    }
    if (state.claim && Date.parse(this.clock.now()) - Date.parse(state.claim.claimedAt) < CLAIM_EXPIRES_MS) {
      if (state.claim.requestHash !== requestHash) throw new IdempotencyKeyReused();
      throw new IdempotencyKeyInProgress();
    }
    // The claim is written only once the command has been decided and is about to be appended
    // (StreamWriter calls retryKey.claim()): a refused request — invalid, unauthorised, against a rule —
    // writes nothing at all, not even bookkeeping. The key's stream name is the seed of the command's ids.
    let claimedRevision: number | null = null;
    const retryKey = new RetryKey(stream, async () => {
      if (claimedRevision !== null) return;
      try {
        const claimedAt = this.clock.now();
        claimedRevision = (
          await this.store.append(
            stream,
            [this.event('IdempotencyKeyClaimed', { requestHash, claimedAt }, context)],
            state.revision ?? 'no_stream',
          )
        ).nextRevision;
      } catch (e) {
        if (e instanceof WrongExpectedRevision) throw new IdempotencyKeyInProgress();
        throw e;
      }
    });
    let answer: StoredAnswer;
    try {
      answer = await execute(retryKey);
    } catch (e) {
      if (claimedRevision !== null)
        await this.store.append(stream, [this.event('IdempotencyKeyReleased', { requestHash }, context)], claimedRevision);
      throw e;
    }
    await this.store.append(
      stream,
      [this.event('IdempotentAnswerRecorded', { requestHash, status: answer.status, body: answer.body }, context)],
      claimedRevision ?? 'any',
    );
    return answer;
  }

  private event(type: string, data: unknown, context: RequestContext): NewEvent {
    return {
      id: randomUUID(),
      type,
      data,
      metadata: {
        recordedAt: this.clock.now(),
        correlationId: context.correlationId,
        causationId: null,
        schemaVersion: SCHEMA_VERSION,
        actor: context.actor,
      },
    };
  }
}

/** The answer of the same request running in this process; 409 when it takes longer than `ms`. */
const withinDeadline = (answer: Promise<StoredAnswer>, ms: number): Promise<StoredAnswer> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IdempotencyKeyInProgress()), ms);
    timer.unref();
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
};

const fold = (events: readonly RecordedEvent[]): KeyState => {
  const state: KeyState = { revision: null, claim: null, answer: null };
  for (const e of events) {
    state.revision = e.revision;
    const data = e.data as Record<string, unknown>;
    if (e.type === 'IdempotencyKeyClaimed') state.claim = { requestHash: String(data.requestHash), claimedAt: String(data.claimedAt) };
    else if (e.type === 'IdempotencyKeyReleased') state.claim = null;
    else if (e.type === 'IdempotentAnswerRecorded')
      state.answer = { requestHash: String(data.requestHash), status: Number(data.status), body: data.body };
  }
  return state;
};
