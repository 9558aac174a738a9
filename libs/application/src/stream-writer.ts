import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, InitiativeNotFound, initiativeStream } from '@dgr/domain';
import { WrongExpectedRevision, type EventStore, type NewEvent, type RecordedEvent } from '@dgr/event-store';
import { schemaVersionOf, toDomainEvent } from './domain-events';
import { KeyedLock } from './keyed-lock';
import { ProjectionRunner } from './projections/projection-runner';
import type { Recorded, WriteRequest } from './request-context';
import type { RetryKey } from './retry-key';
import { CLOCK, EVENT_STORE, type Clock } from './tokens';

export class ConcurrencyConflict extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'concurrency-conflict';
  readonly title = 'Samtidig ändring';
  constructor(stream: string) {
    super(`Någon annan ändrade ${stream} samtidigt, flera gånger i rad. Försök igen.`);
  }
}

export interface Fold<S, E> {
  readonly initial: S;
  readonly evolve: (state: S, event: E) => S;
}

/** Tries per command: the first, and two more after a conflict (then 409). */
export const MAX_ATTEMPTS = 3;

type Decided<E> = E | E[];

/**
 * The one way commands write: read the stream, fold it, decide (pure), append with the revision
 * read. On a revision conflict, read and decide again (safe, because deciding is pure). The answer
 * waits until the read models include the new events, so a client reads its own writes.
 *
 * With a retry key (the request carried an Idempotency-Key, see RetryKey): the events' ids are derived
 * from it, a stream that already holds the command's first event answers where it landed (a retry after
 * a crash), and the key is claimed right before the append, once the command has been decided.
 */
@Injectable()
export class StreamWriter {
  private readonly lock = new KeyedLock();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projections: ProjectionRunner,
  ) {}

  /**
   * Folds a stream into state, the way deciders see it: each stored event read and upcast by toDomainEvent.
   * Refuses (503) while the read models are stopped before an event this version cannot read (ADR 0010).
   */
  async load<S, E>(stream: string, fold: Fold<S, E>): Promise<{ state: S; events: RecordedEvent[] }> {
    this.projections.assertReadable();
    const events = await this.store.readStream(stream);
    let state = fold.initial;
    for (const e of events) state = fold.evolve(state, toDomainEvent(e) as E);
    return { state, events };
  }

  /** Refuses with 404 when no initiative has this id. */
  async requireInitiative(initiativeId: string): Promise<void> {
    const events = await this.store.readStream(initiativeStream(initiativeId));
    if (events.length === 0) throw new InitiativeNotFound(initiativeId);
  }

  /**
   * Decide on `stream` and append. `request` is who asks and the retry key, if any. `lockAlso` names
   * other streams whose state `decide` reads (through `load`), so that two commands that read each
   * other's streams take turns in this process.
   */
  async decide<S, E extends { type: string; data: unknown }>(
    stream: string,
    fold: Fold<S, E>,
    decide: (state: S, now: string) => Decided<E> | Promise<Decided<E>>,
    request: WriteRequest,
    lockAlso: readonly string[] = [],
  ): Promise<Recorded> {
    const keys = [...new Set([...lockAlso, stream])].sort();
    const recorded = await this.lock.run(keys, async () => {
      for (let attempt = 1; ; attempt++) {
        const { state, events: read } = await this.load(stream, fold);
        const done = writtenBefore(read, request.retryKey);
        if (done) return done;
        const now = this.clock.now();
        const events = this.newEvents(await decide(state, now), now, request);
        await request.retryKey?.claim();
        try {
          const result = await this.store.append(stream, events, read.length === 0 ? 'no_stream' : read.length - 1);
          return { stream, revision: result.nextRevision, position: result.position };
        } catch (e) {
          if (!(e instanceof WrongExpectedRevision)) throw e;
          if (attempt >= MAX_ATTEMPTS) throw new ConcurrencyConflict(stream);
        }
      }
    });
    await this.projections.waitFor(recorded.position);
    return recorded;
  }

  /**
   * The decided events as the store takes them. `firstIndex` numbers them within the command (a command
   * that writes to several streams numbers them on), so that each gets its own id derived from the retry key.
   */
  private newEvents<E extends { type: string; data: unknown }>(
    decided: Decided<E>,
    now: string,
    { context, retryKey }: WriteRequest,
    firstIndex = 0,
  ): NewEvent[] {
    return (Array.isArray(decided) ? decided : [decided]).map((e, i) => ({
      id: retryKey ? retryKey.eventId(firstIndex + i) : randomUUID(),
      type: e.type,
      data: e.data,
      metadata: {
        recordedAt: now,
        correlationId: context.correlationId,
        causationId: null,
        schemaVersion: schemaVersionOf(e.type),
        actor: context.actor,
      },
    }));
  }
}

/** Where this very command landed, when a stream already holds its first event (a retry after a crash). */
const writtenBefore = (read: readonly RecordedEvent[], retryKey: RetryKey | undefined, firstIndex = 0): Recorded | null => {
  if (!retryKey) return null;
  const firstId = retryKey.eventId(firstIndex);
  const done = read.find((e) => e.id === firstId);
  return done ? { stream: done.stream, revision: done.revision, position: done.position } : null;
};
