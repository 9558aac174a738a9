import {
  BACKWARDS,
  clientForConnectionString,
  END,
  excludeSystemEvents,
  FORWARDS,
  START,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult as EsdbAppendResult,
  type EventData,
  type Filter,
  type Position,
  type ReadPosition,
  type ReadRevision,
  type ResolvedEvent,
} from './eventstoredb-client';
import { tracked } from './catch-up-subscription';
import { EventStoreDbSubscription } from './eventstoredb-subscription';
import { LogIndex, LogIndexMismatch } from './esdb-log-index';
import { eventHash } from './event-hash';
import {
  belongsToLog,
  checkStorable,
  comparePositions,
  eventOf,
  EventStoreDbUnavailable,
  fromEsdbEvent,
  headFor,
  redactConnectionString,
  toEsdbExpectedRevision,
  toEventData,
  translateAppendError,
  translateError,
} from './eventstoredb-mapping';
import {
  sameBatchResult,
  WrongExpectedRevision,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type EventsHandler,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
} from './event-store.port';

/**
 * What the adapter uses of `@eventstore/db-client`'s EventStoreDBClient, and nothing more: the real client
 * fits it as it is, and the unit tests give it a fake (no EventStoreDB server can run where they run).
 */
export interface EventStoreDbClient {
  appendToStream(stream: string, events: EventData[], options: { expectedRevision: AppendExpectedRevision }): Promise<EsdbAppendResult>;
  readStream(
    stream: string,
    options: { direction?: typeof FORWARDS | typeof BACKWARDS; fromRevision?: ReadRevision; maxCount?: number | bigint },
  ): AsyncIterable<ResolvedEvent>;
  readAll(options: { fromPosition?: ReadPosition; maxCount?: number | bigint }): AsyncIterable<AllStreamResolvedEvent>;
  subscribeToAll(options: { fromPosition?: ReadPosition; filter?: Filter }): AsyncIterable<AllStreamResolvedEvent> & { unsubscribe(): Promise<void> };
  dispose(): Promise<void>;
}

export interface EventStoreDbOptions {
  /**
   * Only streams under this prefix make up the log (stored as prefix + stream, read back without it).
   * Empty (default): every non-system stream of the database. The contract tests give each test its own.
   */
  streamPrefix?: string;
  /** Events per read of `$all` (default 1000). */
  pageSize?: number;
  /** A subscription that lost its connection tries again after these delays, the last one repeated (ms). */
  resubscribeDelaysMs?: readonly number[];
  /** Told about every dropped subscription and failed attempt (default: nothing). */
  onSubscriptionError?: (e: unknown) => void;
}

/** The server could not be reached when the store was opened, or the connection string is not one. */
export class EventStoreDbConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStoreDbConnectionError';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How often an 'any' append re-reads the stream's head after losing a race before it gives up. */
const ANY_ATTEMPTS = 10;
/** How often an append is tried while the server is unavailable (a leader election takes a few seconds), and the delay's step. */
const UNAVAILABLE_ATTEMPTS = 4;
const UNAVAILABLE_DELAY_MS = 250;

/**
 * The production adapter on an EventStoreDB (KurrentDB) server or cluster. Streams, revisions, event ids,
 * `type`, data and metadata are EventStoreDB's own; see docs/adr/0008-eventstoredb-client.md for the two
 * things the port adds on top:
 * - dense positions: the n-th event of `$all` that belongs to the log is position n (LogIndex);
 * - the hash chain: each event's hash and its predecessor's travel in its metadata (`hashChain`), removed on read.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly index = new LogIndex();
  private readonly prefix: string;
  private readonly pageSize: number;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();
  /** The index scan that will start next; callers arriving before it starts share it. */
  private pendingScan: Promise<void> | null = null;
  private scanChain: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly client: EventStoreDbClient,
    private readonly options: EventStoreDbOptions,
  ) {
    this.prefix = options.streamPrefix ?? '';
    if (this.prefix.startsWith('$')) throw new Error('The stream prefix must not start with "$" (system streams)');
    this.pageSize = options.pageSize ?? 1000;
  }

  /** Opens the store on a client: indexes the log that is already there. */
  static async open(client: EventStoreDbClient, options: EventStoreDbOptions = {}): Promise<EventStoreDbEventStore> {
    const store = new EventStoreDbEventStore(client, options);
    await store.catchUp();
    return store;
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    for (const e of events) checkStorable(e);
    // Serialised before anything is sent: an event that is not JSON fails the whole batch, and nothing is written.
    const contents = events.map((e) => ({ data: JSON.parse(JSON.stringify(e.data)) as unknown, metadata: JSON.parse(JSON.stringify(e.metadata)) as EventMetadata }));
    for (let attempt = 1; ; attempt++) {
      try {
        // This very batch may be in the log already: a retried command, a retry in flight beside this one, or an
        // earlier attempt of this call whose answer was lost. Then it answers as that append did.
        await this.catchUp();
        const retried = await this.asRetry(stream, events);
        if (retried) return retried;
        const head = await this.streamHead(stream);
        const pinned = expected === 'any' ? (head ? head.revision : 'no_stream') : expected;
        // A check the server repeats; made here too so that the hashes below are computed on the right predecessor.
        if ((head ? head.revision : null) !== headFor(pinned)) throw new WrongExpectedRevision(stream, expected, head ? head.revision : 'no_stream');
        let previousHash = head ? head.hash : null;
        const prepared = events.map((e, i) => {
          const revision = (head ? head.revision : -1) + 1 + i;
          const hash = eventHash({ stream, revision, type: e.type, data: contents[i]!.data, metadata: contents[i]!.metadata, previousHash });
          const data = toEventData(e, contents[i]!.data, contents[i]!.metadata, hash, previousHash);
          previousHash = hash;
          return data;
        });
        const result = await this.client.appendToStream(this.prefix + stream, prepared, { expectedRevision: toEsdbExpectedRevision(pinned) });
        // A connection string with throwOnAppendFailure=false makes the client answer a conflict instead of throwing it.
        if (!result.success)
          throw new WrongExpectedRevision(stream, expected, result.nextExpectedRevision < 0n ? 'no_stream' : Number(result.nextExpectedRevision));
        return await this.resultOf(stream, events, result, head ? head.revision : -1);
      } catch (raw) {
        const conflict = raw instanceof WrongExpectedVersionError || raw instanceof WrongExpectedRevision;
        const e = translateAppendError(raw, stream, expected);
        if (conflict) {
          await this.catchUp();
          const written = await this.asRetry(stream, events);
          if (written) return written;
          // 'any' lost a race to another writer: read the new head and try again.
          if (expected !== 'any' || attempt >= ANY_ATTEMPTS) throw e;
        } else if (e instanceof EventStoreDbUnavailable && attempt < UNAVAILABLE_ATTEMPTS) {
          // A leader election or a dropped connection: safe to repeat, the event ids make it idempotent.
          await sleep(UNAVAILABLE_DELAY_MS * attempt);
        } else throw e;
      }
    }
  }

  /** When the batch's first event id is already in the log: the first append's answer (or an error). */
  private async asRetry(stream: string, events: readonly NewEvent[]): Promise<AppendResult | null> {
    const known = events.map((e) => this.index.positionOfId(e.id));
    if (known[0] === undefined) {
      const stray = known.findIndex((p) => p !== undefined);
      if (stray >= 0) throw new Error(`Event id ${events[stray]!.id} was already appended, but not as this batch to ${stream}`);
      return null;
    }
    const rows = await Promise.all(
      known.map(async (position) => {
        if (position === undefined) return undefined;
        const [stored] = await this.readAll(position - 1, 1);
        return stored && { stream: stored.stream, revision: stored.revision, position: stored.position };
      }),
    );
    return sameBatchResult(stream, events, rows);
  }

  /** The answer to a successful append: its last event's revision, and its position once indexed. */
  private async resultOf(stream: string, events: readonly NewEvent[], result: EsdbAppendResult, headRevision: number): Promise<AppendResult> {
    const lastId = events[events.length - 1]!.id;
    for (let attempt = 0; this.index.positionOfId(lastId) === undefined; attempt++) {
      if (attempt >= 50) throw new Error(`The append to ${stream} succeeded, but its events do not show in $all`);
      if (attempt > 0) await sleep(Math.min(100, 5 * attempt));
      await this.catchUp();
    }
    const written = Number(result.nextExpectedRevision) === headRevision + events.length;
    if (!written) {
      // The server answered an identical earlier append (same ids) as idempotent: check it is this very batch.
      const earlier = await this.asRetry(stream, events);
      if (!earlier) throw new Error(`The append to ${stream} was answered at revision ${result.nextExpectedRevision}, but its first event is not in $all`);
      return earlier;
    }
    return { nextRevision: headRevision + events.length, position: this.index.positionOfId(lastId)! };
  }

  /** The stream's last revision and hash, or null when it has no events. */
  private async streamHead(stream: string): Promise<{ revision: number; hash: string } | null> {
    const [last] = await this.readStreamRaw(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    if (!last) return null;
    return { revision: last.revision, hash: last.hash };
  }

  async readStream(stream: string, fromRevision = 0): Promise<RecordedEvent[]> {
    return this.readStreamRaw(stream, { direction: FORWARDS, fromRevision: fromRevision > 0 ? BigInt(fromRevision) : START });
  }

  private async readStreamRaw(
    stream: string,
    options: { direction: typeof FORWARDS | typeof BACKWARDS; fromRevision: ReadRevision; maxCount?: number },
  ): Promise<RecordedEvent[]> {
    const stored = [];
    try {
      for await (const resolved of this.client.readStream(this.prefix + stream, options)) if (resolved.event) stored.push(resolved.event);
    } catch (e) {
      if (e instanceof StreamNotFoundError) return [];
      throw translateError(e, `read ${stream}`);
    }
    const events: RecordedEvent[] = [];
    for (const e of stored) {
      let position = this.index.positionOfId(e.id);
      if (position === undefined) {
        // Written by another process since this one last looked.
        await this.catchUp();
        position = this.index.positionOfId(e.id);
        if (position === undefined) throw new LogIndexMismatch(`Event ${e.id} of ${stream} is not in $all`);
      }
      events.push(fromEsdbEvent(e, position, this.prefix));
    }
    return events;
  }

  async readAll(afterPosition: number, maxCount: number): Promise<RecordedEvent[]> {
    if (maxCount <= 0) return [];
    if (afterPosition > this.index.length) await this.catchUp();
    if (afterPosition > this.index.length) return [];
    const out: RecordedEvent[] = [];
    let position = afterPosition;
    let from = this.index.startAfter(afterPosition);
    while (out.length < maxCount) {
      const page = await this.readAllPage(from, Math.min(this.pageSize, maxCount - out.length + 1));
      if (position === 0 && page.beforeFirst) this.index.noLogEventUpTo(page.beforeFirst);
      for (const e of page.events) {
        position += 1;
        this.index.observe(position, e.id, e.position);
        if (out.length < maxCount) out.push(fromEsdbEvent(e, position, this.prefix));
      }
      if (page.complete) break;
      from = page.last;
    }
    return out;
  }

  /**
   * One page of `$all` strictly after `from` (from the start when null): the log's events in it, the last
   * transaction-log position read, and whether the end of `$all` was reached. Whether the server starts a read
   * at or after the given position does not matter: anything at or before it is skipped.
   */
  private async readAllPage(
    from: Position | null,
    count: number,
  ): Promise<{ events: Array<NonNullable<ReturnType<typeof eventOf>>>; last: Position | null; beforeFirst: Position | null; complete: boolean }> {
    const events = [];
    let read = 0;
    let last = from;
    /** The last position read before the page's first event of the log. */
    let beforeFirst: Position | null = null;
    try {
      for await (const resolved of this.client.readAll({ fromPosition: from ?? START, maxCount: count })) {
        read += 1;
        const e = eventOf(resolved);
        if (!e) continue;
        if (from && comparePositions(e.position, from) <= 0) continue;
        last = e.position;
        if (belongsToLog(e, this.prefix)) events.push(e);
        else if (events.length === 0) beforeFirst = e.position;
      }
    } catch (e) {
      throw translateError(e, 'read $all');
    }
    return { events, last, beforeFirst, complete: read < count };
  }

  /**
   * Extends the index to the end of `$all`. Calls that arrive while a scan runs wait for the next one, which
   * starts after they were made and so sees everything written before them.
   */
  private catchUp(): Promise<void> {
    if (this.pendingScan) return this.pendingScan;
    const scan = this.scanChain.then(() => {
      this.pendingScan = null;
      return this.scan();
    });
    this.pendingScan = scan;
    this.scanChain = scan.catch(() => undefined);
    return scan;
  }

  private async scan(): Promise<void> {
    for (;;) {
      // Numbered from where the read starts: a subscription may extend the index while the page is read.
      let position = this.index.length;
      const page = await this.readAllPage(this.index.startAfter(position), this.pageSize);
      if (position === 0 && page.beforeFirst) this.index.noLogEventUpTo(page.beforeFirst);
      for (const e of page.events) this.index.observe(++position, e.id, e.position);
      if (page.complete) return;
    }
  }

  async headPosition(): Promise<number> {
    await this.catchUp();
    return this.index.length;
  }

  subscribeToAll(afterPosition: number, handler: EventsHandler): Subscription {
    const subscription = new EventStoreDbSubscription(
      {
        client: this.client,
        index: this.index,
        prefix: this.prefix,
        filter: this.prefix ? streamNameFilter({ prefixes: [this.prefix] }) : excludeSystemEvents(),
        readAll: (after, max) => this.readAll(after, max),
        catchUp: () => this.catchUp(),
        pageSize: this.pageSize,
        delaysMs: this.options.resubscribeDelaysMs ?? [100, 500, 1000, 2000, 5000],
        onError: this.options.onSubscriptionError ?? (() => undefined),
      },
      afterPosition,
      handler,
    );
    return tracked(this.subscriptions, subscription);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    await this.client.dispose();
  }
}

/**
 * Connects to the server named by a connection string (`esdb://host:2113?tls=false`, `esdb://a:2113,b:2113,c:2113`,
 * `esdb+discover://cluster.dns:2113`) and opens the store, or fails within `connectTimeoutMs` with one sentence
 * naming the address tried (its password hidden).
 */
export const connectEventStoreDb = async (
  connectionString: string,
  options: EventStoreDbOptions & { connectTimeoutMs?: number; connect?: (connectionString: string) => EventStoreDbClient } = {},
): Promise<EventStoreDbEventStore> => {
  const shown = redactConnectionString(connectionString);
  let client: EventStoreDbClient;
  try {
    client = (options.connect ?? clientForConnectionString)(connectionString);
  } catch (e) {
    throw new EventStoreDbConnectionError(
      `"${shown}" is not an EventStoreDB connection string (like esdb://localhost:2113?tls=false): ${(e as Error).message}`,
    );
  }
  const timeoutMs = options.connectTimeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EventStoreDbUnavailable(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    // Only the first contact is timed: indexing a long log may take longer, and is progress.
    await Promise.race([probe(client), timeout]);
    clearTimeout(timer);
    return await EventStoreDbEventStore.open(client, options);
  } catch (e) {
    clearTimeout(timer);
    await client.dispose().catch(() => undefined);
    // One line: gRPC's message without the adapter's prefix, its line breaks, or its empty "Resolution note:".
    const reason = (e instanceof Error ? e.message : String(e))
      .replace(/^EventStoreDB is unavailable \([^)]*\): /, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*Resolution note:\s*$/, '')
      .trim();
    throw new EventStoreDbConnectionError(`cannot reach EventStoreDB at ${shown}: ${reason}`);
  }
};

/** One read of `$all`'s first event: the cheapest question that needs a live, authorised connection. */
const probe = async (client: EventStoreDbClient): Promise<void> => {
  try {
    for await (const _ of client.readAll({ fromPosition: START, maxCount: 1 })) void _;
  } catch (e) {
    throw translateError(e, 'first contact');
  }
};
