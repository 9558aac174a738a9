/**
 * The EventStoreDB adapter's translations, as pure functions: the port's events to the client's and back,
 * transaction-log positions, and the client's errors to the port's. No I/O here; see
 * eventstoredb-event-store.ts for the adapter and docs/adr/0008-eventstoredb-client.md for the why.
 */
import {
  MaxAppendSizeExceededError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type EventData,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
} from './eventstoredb-client';
import {
  WrongExpectedRevision,
  type EventMetadata,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from './event-store.port';

/**
 * The key under which an event's hash and its stream predecessor's hash travel in the EventStoreDB metadata,
 * beside the port's own metadata fields; removed again on read, so `metadata` reads exactly as written.
 */
export const HASH_CHAIN_KEY = 'hashChain';

/** EventStoreDB keeps event ids as GUIDs and answers them in this form; any other spelling would not read back as written. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A client error's `type` (the client's ErrorType), or undefined for anything else. */
export const esdbErrorType = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && typeof (e as { type?: unknown }).type === 'string' ? (e as { type: string }).type : undefined;

/** Order of two transaction-log positions: commit position first, then prepare position. */
export const comparePositions = (a: Position, b: Position): number =>
  a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : a.prepare < b.prepare ? -1 : a.prepare > b.prepare ? 1 : 0;

/**
 * Which events of `$all` make up the DGR log: no system events (type or stream starting with `$`: stream
 * metadata, statistics, links written by projections), and, when the adapter was given a stream prefix,
 * only streams under it. Applied to every read of `$all`, so that every reader numbers the same events.
 */
export const belongsToLog = (e: { streamId: string; type: string }, streamPrefix: string): boolean =>
  e.type !== '' && !e.type.startsWith('$') && !e.streamId.startsWith('$') && e.streamId.startsWith(streamPrefix);

/** The port's expected revision as the client's. `any` never reaches the server: the adapter pins it (see append). */
export const toEsdbExpectedRevision = (expected: Exclude<ExpectedRevision, 'any'>): 'no_stream' | bigint =>
  expected === 'no_stream' ? 'no_stream' : BigInt(expected);

/** The revision the stream must be at for `expected` to hold: null for no stream. */
export const headFor = (expected: Exclude<ExpectedRevision, 'any'>): number | null => (expected === 'no_stream' ? null : expected);

/** What the adapter prepares for one event before anything is sent: its JSON, hash and chain link. */
export interface PreparedEvent {
  readonly event: EventData;
  readonly hash: string;
}

/**
 * Checks what the server could not keep as given, or what would not read back as part of the log: an empty
 * type or a system type (`$…`), an id that is not a lowercase UUID (the server stores GUIDs and answers
 * lowercase), metadata that is not an object or already holds the hash-chain key.
 */
export const checkStorable = (e: NewEvent): void => {
  // The server-side filter of subscriptions (`^[^$].*`) would not deliver an event with an empty type.
  if (e.type === '' || e.type.startsWith('$')) throw new Error(`Event ${e.id}: its type must be a name not starting with "$", got "${e.type}"`);
  if (!CANONICAL_UUID.test(e.id))
    throw new Error(`Event id "${e.id}" cannot be stored in EventStoreDB: it must be a lowercase UUID (8-4-4-4-12 hex digits)`);
  if (typeof e.metadata !== 'object' || e.metadata === null || Array.isArray(e.metadata))
    throw new Error(`Event ${e.id}: metadata must be a JSON object`);
  if (Object.prototype.hasOwnProperty.call(e.metadata, HASH_CHAIN_KEY))
    throw new Error(`Event ${e.id}: metadata must not hold "${HASH_CHAIN_KEY}", the adapter's own key`);
};

/**
 * The client's event for a port event. Data and metadata are the JSON the SQLite store would keep (the
 * client writes `JSON.stringify` of them, byte for byte); the metadata gains the hash chain.
 */
export const toEventData = (e: NewEvent, data: unknown, metadata: EventMetadata, hash: string, previousHash: string | null): EventData =>
  ({
    id: e.id,
    contentType: 'application/json',
    type: e.type,
    // Any JSON value: the client sends JSON.stringify(data), which is what the SQLite store keeps too.
    data,
    metadata: { ...metadata, [HASH_CHAIN_KEY]: { hash, previousHash } },
  }) as EventData;

/** The port's metadata and the hash chain out of a stored event's metadata. */
export const splitMetadata = (
  stored: unknown,
  where: string,
): { metadata: EventMetadata; hash: string; previousHash: string | null } => {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored) || stored instanceof Uint8Array)
    throw new Error(`${where}: its metadata is not a JSON object; this is not an event the DGR service wrote`);
  const { [HASH_CHAIN_KEY]: chain, ...metadata } = stored as Record<string, unknown>;
  const link = chain as { hash?: unknown; previousHash?: unknown } | undefined;
  return {
    metadata: metadata as unknown as EventMetadata,
    // An event without a chain reads with an empty hash: `dgr verify` and the audit read model then name it.
    hash: typeof link?.hash === 'string' ? link.hash : '',
    previousHash: typeof link?.previousHash === 'string' ? link.previousHash : null,
  };
};

/** A stored event as the port's RecordedEvent, at the dense `position` the adapter numbered it. */
export const fromEsdbEvent = (e: EsdbRecordedEvent, position: number, streamPrefix: string): RecordedEvent => {
  const where = `Event ${e.id} (${e.streamId}@${e.revision})`;
  if (!e.isJson) throw new Error(`${where} is not JSON; the DGR log holds JSON events only`);
  const { metadata, hash, previousHash } = splitMetadata(e.metadata, where);
  return {
    id: e.id,
    position,
    stream: e.streamId.slice(streamPrefix.length),
    revision: Number(e.revision),
    type: e.type,
    data: e.data,
    metadata,
    hash,
    previousHash,
  };
};

/** The recorded event of a `$all` read, or undefined for an entry without one (a link whose target is gone). */
export const eventOf = (resolved: AllStreamResolvedEvent): (EsdbRecordedEvent & { position: Position }) | undefined =>
  resolved.event as (EsdbRecordedEvent & { position: Position }) | undefined;

/** The server could not be reached, or did not answer in time. */
export class EventStoreDbUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStoreDbUnavailable';
  }
}

const UNAVAILABLE = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'not-leader']);

/**
 * The client's error of an append as the port's: a revision conflict becomes WrongExpectedRevision (with the
 * caller's expectation and the port's stream name), the others a sentence that says what to do.
 */
export const translateAppendError = (e: unknown, stream: string, expected: ExpectedRevision): unknown => {
  if (e instanceof WrongExpectedVersionError) {
    const actual = e.actualVersion === 'no_stream' ? 'no_stream' : Number(e.actualVersion);
    return new WrongExpectedRevision(stream, expected, actual);
  }
  if (e instanceof MaxAppendSizeExceededError)
    return new Error(
      `EventStoreDB refused the append to ${stream}: it is larger than the server's maximum append size (${e.maxAppendSize} bytes); ` +
        'raise the server setting MaxAppendSize (EVENTSTORE_MAX_APPEND_SIZE / KURRENTDB_MAX_APPEND_SIZE), see docs/operations.md',
    );
  return translateError(e, `append to ${stream}`);
};

/** Any other client error: unavailability and access errors get a sentence; the rest passes through. */
export const translateError = (e: unknown, what: string): unknown => {
  const type = esdbErrorType(e);
  if (type !== undefined && UNAVAILABLE.has(type))
    return new EventStoreDbUnavailable(`EventStoreDB is unavailable (${what}): ${(e as Error).message}`);
  if (type === 'access-denied')
    return new Error(`EventStoreDB denied access (${what}): give a user with read and write rights in the connection string (esdb://user:password@host:2113)`);
  return e;
};

/** A connection string with its password replaced by `***`, for messages and logs. */
export const redactConnectionString = (connectionString: string): string =>
  connectionString.replace(/^([a-z+]+:\/\/[^:@/]+):[^@/]*@/i, '$1:***@');
