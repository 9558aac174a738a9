import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, InitiativeNotFound, initiativeStream } from '@dgr/domain';
import { WrongExpectedRevision, type EventStore, type RecordedEvent } from '@dgr/event-store';
import { schemaVersionOf, toDomainEvent } from './domain-events';
import { derivedEventId } from './event-ids';
import { KeyedLock } from './keyed-lock';
import { ProjectionRunner } from './projections/projection-runner';
import type { Recorded, RequestContext } from './request-context';
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

const MAX_ATTEMPTS = 3;

/**
 * The one way commands write: read the stream, fold it, decide (pure), append with the revision
 * read. On a revision conflict, read and decide again (safe, because deciding is pure). The answer
 * waits until the read models include the new events, so a client reads its own writes.
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
   * Decide on `stream` and append. `lockAlso` names other streams whose state `decide` reads
   * (through `load`), so that two commands that read each other's streams take turns in this process.
   */
  async decide<S, E extends { type: string; data: unknown }>(
    stream: string,
    fold: Fold<S, E>,
    decide: (state: S, now: string) => E | E[] | Promise<E | E[]>,
    context: RequestContext,
    lockAlso: readonly string[] = [],
  ): Promise<Recorded> {
    const keys = [...new Set([...lockAlso, stream])].sort();
    const recorded = await this.lock.run(keys, async () => {
      for (let attempt = 1; ; attempt++) {
        const { state, events: read } = await this.load(stream, fold);
        if (context.eventIdSeed !== undefined) {
          const firstId = derivedEventId(context.eventIdSeed, 0);
          const done = read.find((e) => e.id === firstId);
          // This very command was already written (a retry after a crash): answer as it was answered.
          if (done) return { stream, revision: done.revision, position: done.position };
        }
        const now = this.clock.now();
        const decided = await decide(state, now);
        const events = Array.isArray(decided) ? decided : [decided];
        await context.idempotencyClaim?.claim();
        try {
          const result = await this.store.append(
            stream,
            events.map((e, i) => ({
              id: context.eventIdSeed === undefined ? randomUUID() : derivedEventId(context.eventIdSeed, i),
              type: e.type,
              data: e.data,
              metadata: {
                recordedAt: now,
                correlationId: context.correlationId,
                causationId: null,
                schemaVersion: schemaVersionOf(e.type),
                actor: context.actor,
              },
            })),
            read.length === 0 ? 'no_stream' : read.length - 1,
          );
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
}
