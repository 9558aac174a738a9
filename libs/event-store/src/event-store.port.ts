/**
 * The event store port. Adapters: SQLite (embedded default), in-memory (tests), and later
 * EventStoreDB. Shaped after EventStoreDB so that adapter fits:
 * - a stream has revisions 0, 1, 2…; appends name the revision they expect;
 * - the global log has positions 1, 2, 3… in commit order; reads and subscriptions start after a position.
 */

/** Who and what caused an event; never business facts. */
export interface EventMetadata {
  /** When the service recorded the event (ISO instant). */
  readonly recordedAt: string;
  /** One id per request, shared by every event it caused. */
  readonly correlationId: string;
  readonly causationId: string | null;
  /** Version of the event's payload schema; upcasting happens in this library. */
  readonly schemaVersion: number;
  /** Who recorded it; filled in by authentication (a later issue). */
  readonly actor: { readonly sub: string; readonly name: string; readonly role: string; readonly party?: string } | null;
}

export interface NewEvent {
  /** A unique id; appending the same ids again is a no-op that answers as the first append did. */
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent {
  readonly id: string;
  /** Place in the global log, from 1. */
  readonly position: number;
  readonly stream: string;
  /** Place in its stream, from 0. */
  readonly revision: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  /** SHA-256 (base64) over the event's canonical form, chained to its stream predecessor: see event-hash.ts. */
  readonly hash: string;
  /** The hash of the stream's previous event; null for revision 0. */
  readonly previousHash: string | null;
}

/**
 * `no_stream`: the stream must not exist; a number: the revision of the stream's last event;
 * `any`: no check.
 */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface AppendResult {
  /** The revision of the last event appended. */
  readonly nextRevision: number;
  /** The global position of the last event appended. */
  readonly position: number;
}

export interface Subscription {
  close(): Promise<void>;
}

/** Receives events in order; the next batch is not delivered before the promise resolves. */
export type EventsHandler = (events: readonly RecordedEvent[]) => void | Promise<void>;

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
}

export interface EventStore {
  /**
   * The SQLite file that holds the log, which another thread may open read-only (the audit read model's leaf
   * thread, ADR 0018); absent for a store without one (in memory, EventStoreDB).
   */
  readonly localFile?: string;
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Appends to several streams in ONE transaction: every stream's expected revision is checked, and either
   * every event is written (at consecutive positions, in the order given) or none is. Answers one result
   * per stream, in the order given. Only adapters whose store can do this have it (SQLite, in-memory);
   * EventStoreDB appends one stream per call, and writers then reserve and compensate (ADR 0010).
   * A retry with the same event ids answers as the first call did, like `append`.
   */
  appendMany?(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /**
   * The stream's events in order from revision `fromRevision` (default 0: every event); empty when the
   * stream does not exist or has no event at or after that revision. A writer that has folded a stream up to
   * revision r reads only what came after it with `readStream(stream, r + 1)`.
   */
  readStream(stream: string, fromRevision?: number): Promise<RecordedEvent[]>;
  /** Up to `maxCount` events of the global log after `afterPosition` (0: from the start). */
  readAll(afterPosition: number, maxCount: number): Promise<RecordedEvent[]>;
  /** The position of the last event in the log (0 when empty). */
  headPosition(): Promise<number>;
  /** Catch up from `afterPosition`, then follow the log live, in order, without gaps or duplicates. */
  subscribeToAll(afterPosition: number, handler: EventsHandler): Subscription;
  close(): Promise<void>;
}

export class WrongExpectedRevision extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevision';
  }
}

/** The stream's current revision, or 'no_stream' when it has no events. */
export const checkExpected = (stream: string, expected: ExpectedRevision, current: number | null): void => {
  if (expected === 'any') return;
  const actual = current === null ? 'no_stream' : current;
  if (expected !== actual) throw new WrongExpectedRevision(stream, expected, actual);
};

/**
 * A retried append (its first event id is already stored) is accepted only when it is exactly the
 * batch stored before: every id present, in the same stream, at consecutive revisions. Then it
 * answers as the first append did; anything else is an error, never a silent partial write.
 */
export const sameBatchResult = (
  stream: string,
  events: ReadonlyArray<Pick<NewEvent, 'id'>>,
  stored: ReadonlyArray<{ stream: string; revision: number; position: number } | undefined>,
): AppendResult => {
  stored.forEach((row, i) => {
    const expectedRevision = stored[0] ? stored[0].revision + i : -1;
    if (!row || row.stream !== stream || row.revision !== expectedRevision)
      throw new Error(`Event id ${events[0]!.id} was already appended, but not as this batch to ${stream}`);
  });
  const last = stored[stored.length - 1]!;
  return { nextRevision: last.revision, position: last.position };
};

/** Why a multi-stream append is malformed (no streams, an empty one, a stream twice), or null. */
export const appendsProblem = (appends: readonly StreamAppend[]): string | null => {
  if (appends.length === 0) return 'appendMany needs at least one stream';
  if (appends.some((a) => a.events.length === 0)) return 'append needs at least one event';
  if (new Set(appends.map((a) => a.stream)).size !== appends.length) return 'appendMany names a stream twice';
  return null;
};
