import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, InitiativeNotFound, initiativeStream } from '@dgr/domain';
import { WrongExpectedRevision, type EventStore, type ExpectedRevision, type NewEvent, type RecordedEvent } from '@dgr/event-store';
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

type Decided<E> = E | readonly E[];

/** Where a cross-stream command's events get their ids when the request names an idempotency seed. */
const RELIED_ON_ID_BASE = 1000;
const COMPENSATION_ID_BASE = 2000;

/** The stream a cross-stream command relies on, and how to fold it. */
export interface ReliedOn<R, F> {
  readonly stream: string;
  readonly fold: Fold<R, F>;
}

/** What a cross-stream decider answers: its own events, and the facts it appends to the stream it relied on. */
export interface CrossStreamDecision<E, F> {
  /** The events of the stream the command decides on (a grant: `GrantAwarded` in the fund). */
  readonly events: readonly E[];
  /** Appended to the relied-on stream with the revision that was read (a grant: `GrantReserved`). */
  readonly reliedOn: readonly F[];
  /** Undoes `reliedOn` when `events` could not be written after it (stores without multi-stream appends). */
  readonly compensate: (reason: string) => readonly F[];
}

type AnyEvent = { type: string; data: unknown };

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
   * Refuses (503) while the read models are stopped before an event this version cannot read (ADR 0011).
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
   * A command that decides on `stream` and relies on the state of `reliedOn` (ADR 0010). The reliance is
   * made part of the log: `decide` also answers facts for the relied-on stream, appended there with the
   * revision that was read, so that a change there in the meantime (a cancellation, a correction, another
   * process) makes the write fail and the command decided again. No lock is needed for the rule to hold;
   * the in-process lock only saves retries.
   *
   * - A store with `appendMany` (SQLite, in-memory) writes both streams in one transaction: both expected
   *   revisions hold, or nothing is written.
   * - A store without it (EventStoreDB: one stream per call) writes the relied-on facts first (a
   *   reservation, with that stream's expected revision), then the events (with the decided stream's
   *   expected revision, deciding again on a conflict with the relied-on state as reserved), and appends
   *   `compensate(reason)` to the relied-on stream when the events are not written.
   *
   * `operationId` is one id per command, the same on every attempt (and on a retried request with an
   * Idempotency-Key): the decider names its reservation with it.
   */
  async decideAcross<S, E extends AnyEvent, R, F extends AnyEvent>(
    stream: string,
    fold: Fold<S, E>,
    reliedOn: ReliedOn<R, F>,
    decide: (state: S, reliedOnState: R, now: string, operationId: string) => CrossStreamDecision<E, F>,
    request: WriteRequest,
  ): Promise<Recorded> {
    const operationId = request.retryKey ? request.retryKey.newId('operation') : randomUUID();
    const keys = [...new Set([reliedOn.stream, stream])].sort();
    const recorded = await this.lock.run(keys, () =>
      this.store.appendMany
        ? this.writeBothAtOnce(stream, fold, reliedOn, decide, request, operationId)
        : this.reserveThenWrite(stream, fold, reliedOn, decide, request, operationId),
    );
    await this.projections.waitFor(recorded.position);
    return recorded;
  }

  private async writeBothAtOnce<S, E extends AnyEvent, R, F extends AnyEvent>(
    stream: string,
    fold: Fold<S, E>,
    reliedOn: ReliedOn<R, F>,
    decide: (state: S, reliedOnState: R, now: string, operationId: string) => CrossStreamDecision<E, F>,
    request: WriteRequest,
    operationId: string,
  ): Promise<Recorded> {
    const appendMany = this.store.appendMany!.bind(this.store);
    for (let attempt = 1; ; attempt++) {
      const { state, events: read } = await this.load(stream, fold);
      const done = writtenBefore(read, request.retryKey);
      if (done) return done;
      const { state: reliedOnState, events: reliedOnRead } = await this.load(reliedOn.stream, reliedOn.fold);
      const now = this.clock.now();
      const decision = decide(state, reliedOnState, now, operationId);
      await request.retryKey?.claim();
      try {
        // The relied-on facts first: in the log a reservation precedes the grant that made it.
        const [, result] = await appendMany([
          { stream: reliedOn.stream, events: this.newEvents(decision.reliedOn, now, request, RELIED_ON_ID_BASE), expected: expectedAfter(reliedOnRead) },
          { stream, events: this.newEvents(decision.events, now, request, 0), expected: expectedAfter(read) },
        ]);
        return { stream, revision: result!.nextRevision, position: result!.position };
      } catch (e) {
        if (!(e instanceof WrongExpectedRevision)) throw e;
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrencyConflict(e.stream);
      }
    }
  }

  private async reserveThenWrite<S, E extends AnyEvent, R, F extends AnyEvent>(
    stream: string,
    fold: Fold<S, E>,
    reliedOn: ReliedOn<R, F>,
    decide: (state: S, reliedOnState: R, now: string, operationId: string) => CrossStreamDecision<E, F>,
    request: WriteRequest,
    operationId: string,
  ): Promise<Recorded> {
    // Step 1: the reservation, with the relied-on stream's expected revision.
    let reserved: { reliedOnState: R; decision: CrossStreamDecision<E, F>; read: RecordedEvent[] } | null = null;
    for (let attempt = 1; reserved === null; attempt++) {
      const { state, events: read } = await this.load(stream, fold);
      const done = writtenBefore(read, request.retryKey);
      if (done) return done;
      const { state: reliedOnState, events: reliedOnRead } = await this.load(reliedOn.stream, reliedOn.fold);
      const now = this.clock.now();
      const decision = decide(state, reliedOnState, now, operationId);
      await request.retryKey?.claim();
      try {
        await this.store.append(reliedOn.stream, this.newEvents(decision.reliedOn, now, request, RELIED_ON_ID_BASE), expectedAfter(reliedOnRead));
        reserved = { reliedOnState, decision, read };
      } catch (e) {
        if (!(e instanceof WrongExpectedRevision)) throw e;
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrencyConflict(reliedOn.stream);
      }
    }
    // Step 2: the events, with the revision of this stream the decision was made on; after a conflict, read and
    // decide again (on the relied-on state as reserved). When they cannot be written, release the reservation.
    let { decision, read } = reserved;
    for (let attempt = 1; ; attempt++) {
      const now = this.clock.now();
      try {
        if (attempt > 1) {
          const loaded = await this.load(stream, fold);
          read = loaded.events;
          decision = decide(loaded.state, reserved.reliedOnState, now, operationId);
        }
        const result = await this.store.append(stream, this.newEvents(decision.events, now, request, 0), expectedAfter(read));
        return { stream, revision: result.nextRevision, position: result.position };
      } catch (e) {
        const retry = e instanceof WrongExpectedRevision && attempt < MAX_ATTEMPTS;
        if (retry) continue;
        const reason =
          e instanceof DomainError ? e.message : e instanceof WrongExpectedRevision ? `Någon annan ändrade ${stream} samtidigt.` : 'Skrivningen misslyckades.';
        try {
          await this.store.append(reliedOn.stream, this.newEvents(decision.compensate(reason), now, request, COMPENSATION_ID_BASE), 'any');
        } catch {
          // The reservation stays: it blocks what it protects (a cancellation) until the same request is retried
          // with its Idempotency-Key (ADR 0010). The answer is the grant's own failure, not the release's.
        }
        throw e instanceof WrongExpectedRevision ? new ConcurrencyConflict(stream) : e;
      }
    }
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

const expectedAfter = (read: readonly RecordedEvent[]): ExpectedRevision => (read.length === 0 ? 'no_stream' : read.length - 1);
