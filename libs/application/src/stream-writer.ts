import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, InitiativeNotFound, initiativeStream } from '@dgr/domain';
import { WrongExpectedRevision, type EventStore, type ExpectedRevision, type NewEvent } from '@dgr/event-store';
import { schemaVersionOf, toDomainEvent } from './domain-events';
import { KeyedLock } from './keyed-lock';
import { ProjectionRunner } from './projections/projection-runner';
import type { Recorded, WriteRequest } from './request-context';
import type { RetryKey } from './retry-key';
import { DEFAULT_CACHED_STREAMS, StreamStateCache, type FoldedStream } from './stream-state-cache';
import { CLOCK, EVENT_STORE, STREAM_WRITER_OPTIONS, type Clock } from './tokens';

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

export interface StreamWriterOptions {
  /** How many streams' folded states the writer keeps (ADR 0014); 0 turns the cache off. */
  readonly cachedStreams?: number;
}

/** A stream as a command sees it: its state, and the revision of its last event (null: no event yet). */
export interface Loaded<S> {
  readonly state: S;
  readonly revision: number | null;
}

/**
 * The one way commands write: read the stream, fold it, decide (pure), append with the revision
 * read. On a revision conflict, read and decide again (safe, because deciding is pure). The answer
 * waits until the read models include the new events, so a client reads its own writes.
 *
 * With a retry key (the request carried an Idempotency-Key, see RetryKey): the events' ids are derived
 * from it, a stream that already holds the command's first event answers where it landed (a retry after
 * a crash), and the key is claimed right before the append, once the command has been decided.
 *
 * Reading a stream does not re-read and re-fold it from its start on every command: recently used streams
 * are kept folded up to a revision (StreamStateCache, ADR 0014), and a command reads only the events after
 * it. The cache is a memo, never the truth: the append names the revision the command decided on, so an
 * event written meanwhile by anyone (another process) fails the append; the entry is dropped and the
 * command decided again on a full read.
 */
@Injectable()
export class StreamWriter {
  private readonly lock = new KeyedLock();
  private readonly cache: StreamStateCache;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projections: ProjectionRunner,
    @Optional() @Inject(STREAM_WRITER_OPTIONS) options: StreamWriterOptions | null = null,
  ) {
    this.cache = new StreamStateCache(options?.cachedStreams ?? DEFAULT_CACHED_STREAMS);
  }

  /**
   * Folds a stream into state, the way deciders see it: each stored event read and upcast by toDomainEvent.
   * Refuses (503) while the read models are stopped before an event this version cannot read (ADR 0011).
   */
  async load<S, E>(stream: string, fold: Fold<S, E>): Promise<Loaded<S>> {
    const { state, revision } = await this.folded(stream, fold);
    return { state: state as S, revision: revision < 0 ? null : revision };
  }

  /**
   * The stream folded up to and including `revision` (not the cache: an answer about what one write made,
   * also when later events followed it).
   */
  async loadUpTo<S, E>(stream: string, fold: Fold<S, E>, revision: number): Promise<S> {
    this.projections.assertReadable();
    let state = fold.initial;
    for (const e of await this.store.readStream(stream)) if (e.revision <= revision) state = fold.evolve(state, toDomainEvent(e) as E);
    return state;
  }

  /**
   * The stream folded up to its last event: the cached state (when there is one) with the events after it
   * folded in. An event that cannot be read throws before anything is kept.
   */
  private async folded<S, E>(stream: string, fold: Fold<S, E>): Promise<FoldedStream> {
    this.projections.assertReadable();
    const cached = this.cache.get(stream, fold);
    const from = cached ? cached.revision + 1 : 0;
    // An adapter (or a wrapper) that ignores `fromRevision` answers the whole stream: only the tail counts.
    const tail = (await this.store.readStream(stream, from)).filter((e) => e.revision >= from);
    if (cached && tail.length === 0) return cached;
    if (tail.length > 0 && tail[0]!.revision !== from) {
      // Not the continuation of what was folded (the log is not what this process saw): fold it all again.
      this.cache.drop(stream);
      if (cached) return this.folded(stream, fold);
      throw new Error(`Stream ${stream} starts at revision ${tail[0]!.revision}, not 0`);
    }
    let state = (cached ? cached.state : fold.initial) as S;
    for (const e of tail) state = fold.evolve(state, toDomainEvent(e) as E);
    const ids = cached ? cached.ids : new Map<string, { revision: number; position: number }>();
    for (const e of tail) ids.set(e.id, { revision: e.revision, position: e.position });
    const entry: FoldedStream = { fold, state, revision: tail.length > 0 ? tail[tail.length - 1]!.revision : -1, ids };
    if (entry.revision >= 0) this.cache.put(stream, entry);
    return entry;
  }

  /** Refuses with 404 when no initiative has this id. */
  async requireInitiative(initiativeId: string): Promise<void> {
    const stream = initiativeStream(initiativeId);
    // A stream is never deleted: one this process has folded exists.
    if (this.cache.has(stream)) return;
    const events = await this.store.readStream(stream);
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
      const read = await this.folded(stream, fold);
      const done = writtenBefore(stream, read, request.retryKey);
      if (done) return done;
      const reliedOnRead = await this.folded(reliedOn.stream, reliedOn.fold);
      const now = this.clock.now();
      const decision = decide(read.state as S, reliedOnRead.state as R, now, operationId);
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
        this.cache.drop(e.stream);
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
    let reserved: { reliedOnState: R; decision: CrossStreamDecision<E, F>; read: FoldedStream } | null = null;
    for (let attempt = 1; reserved === null; attempt++) {
      const read = await this.folded(stream, fold);
      const done = writtenBefore(stream, read, request.retryKey);
      if (done) return done;
      const reliedOnRead = await this.folded(reliedOn.stream, reliedOn.fold);
      const reliedOnState = reliedOnRead.state as R;
      const now = this.clock.now();
      const decision = decide(read.state as S, reliedOnState, now, operationId);
      await request.retryKey?.claim();
      try {
        await this.store.append(reliedOn.stream, this.newEvents(decision.reliedOn, now, request, RELIED_ON_ID_BASE), expectedAfter(reliedOnRead));
        reserved = { reliedOnState, decision, read };
      } catch (e) {
        if (!(e instanceof WrongExpectedRevision)) throw e;
        this.cache.drop(reliedOn.stream);
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
          read = await this.folded(stream, fold);
          decision = decide(read.state as S, reserved.reliedOnState, now, operationId);
        }
        const result = await this.store.append(stream, this.newEvents(decision.events, now, request, 0), expectedAfter(read));
        return { stream, revision: result.nextRevision, position: result.position };
      } catch (e) {
        if (e instanceof WrongExpectedRevision) this.cache.drop(stream);
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
        const read = await this.folded(stream, fold);
        const done = writtenBefore(stream, read, request.retryKey);
        if (done) return done;
        const now = this.clock.now();
        const events = this.newEvents(await decide(read.state as S, now), now, request);
        await request.retryKey?.claim();
        try {
          const result = await this.store.append(stream, events, expectedAfter(read));
          return { stream, revision: result.nextRevision, position: result.position };
        } catch (e) {
          if (!(e instanceof WrongExpectedRevision)) throw e;
          // Someone else wrote to the stream: the next attempt folds it from its start, not from the memo.
          this.cache.drop(stream);
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
const writtenBefore = (stream: string, read: FoldedStream, retryKey: RetryKey | undefined, firstIndex = 0): Recorded | null => {
  if (!retryKey) return null;
  const done = read.ids.get(retryKey.eventId(firstIndex));
  return done ? { stream, revision: done.revision, position: done.position } : null;
};

/** The revision a command decided on `read` appends with. */
const expectedAfter = (read: FoldedStream): ExpectedRevision => (read.revision < 0 ? 'no_stream' : read.revision);
