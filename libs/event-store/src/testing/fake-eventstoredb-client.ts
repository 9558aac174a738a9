/**
 * A FAKE of the part of `@eventstore/db-client`'s EventStoreDBClient that the adapter uses, held in memory.
 * It exists because no EventStoreDB server can be installed or run where these tests run; it lets the
 * adapter's own logic (dense numbering, hash chain in metadata, expected revisions, retried appends, error
 * translation, resubscription after a dropped connection) be tested here. It is NOT EventStoreDB: the contract
 * suite against a real server is eventstoredb-server.spec.ts, run when EVENTSTORE_CONNECTION_STRING is set.
 *
 * What it copies from the server's documented behaviour:
 * - `$all` in commit order with sparse transaction-log positions (commit = prepare, with gaps), interleaved
 *   with system events (`$statsCollected` in `$stats-…`, `$metadata` in `$$…`) every few appends;
 * - data and metadata kept as the JSON bytes the client sends, parsed again on every read;
 * - expected revision `no_stream` / a revision / `any`, WrongExpectedVersionError with the current revision;
 * - idempotent appends: the same event ids again at the same place answer success without writing;
 * - a maximum append size (MaxAppendSizeExceededError), 1 MiB by default as on the server;
 * - reading a stream that does not exist throws StreamNotFoundError; reading `$all` from a position includes
 *   the event at it; a subscription to `$all` starts after its position and applies the server-side filter.
 * `connectAnother()` opens a second client on the same fake server, as another process (or a restart) would.
 */
import {
  MaxAppendSizeExceededError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult,
  type EventData,
  type Filter,
  type Position,
  type ReadPosition,
  type ReadRevision,
  type ResolvedEvent,
} from '../eventstoredb-client';
import { randomUUID } from 'node:crypto';
import type { EventStoreDbClient } from '../eventstoredb-event-store';

interface StoredEvent {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly created: Date;
  readonly position: Position;
}

export interface FakeEventStoreDbOptions {
  /** A system event is written before every n-th append (0: never). Default 3. */
  readonly systemEventEvery?: number;
  /** Bytes of data and metadata one append may carry. Default 1 MiB, the server's default. */
  readonly maxAppendSize?: number;
}

type Waiter = () => void;

interface SubscriptionState {
  stopped: boolean;
  fault: Error | null;
  wake: Waiter | null;
}

/** What the fake server holds: shared by every client connected to it (see `connectAnother`). */
class FakeServerState {
  readonly all: StoredEvent[] = [];
  readonly streams = new Map<string, StoredEvent[]>();
  nextPosition = 1024n;
  appends = 0;
  readonly waiters = new Set<Waiter>();
}

export class FakeEventStoreDbClient implements EventStoreDbClient {
  private readonly streams: Map<string, StoredEvent[]>;
  private readonly waiters: Set<Waiter>;
  private subscriptionFaults = new Set<(e: Error) => void>();
  /** Every call fails as if the server were down. */
  unavailable = false;
  /** Every call waits forever, as a server behind a dropped packet. */
  hanging = false;
  /** How many subscriptions to `$all` were opened, and how many are open. */
  subscriptionsOpened = 0;
  openSubscriptions = 0;
  disposed = false;
  /** The options of every appendToStream call, in order. */
  readonly appendCalls: Array<{ stream: string; ids: string[]; expectedRevision: AppendExpectedRevision }> = [];

  constructor(
    private readonly options: FakeEventStoreDbOptions = {},
    private readonly server: FakeServerState = new FakeServerState(),
  ) {
    this.streams = server.streams;
    this.waiters = server.waiters;
  }

  /** Everything in `$all`, system events included. */
  get all(): StoredEvent[] {
    return this.server.all;
  }

  /** A new client (a new connection, as another process would open) on the same server. */
  connectAnother(): FakeEventStoreDbClient {
    return new FakeEventStoreDbClient(this.options, this.server);
  }

  /** Drops every live subscription, as a lost connection does. */
  dropSubscriptions(): void {
    const error = new UnavailableError(undefined, '14 UNAVAILABLE: Connection dropped');
    for (const fail of [...this.subscriptionFaults]) fail(error);
  }

  private async gate(): Promise<void> {
    if (this.hanging) await new Promise(() => undefined);
    if (this.unavailable || this.disposed) throw new UnavailableError(undefined, '14 UNAVAILABLE: No connection established');
  }

  private write(streamId: string, e: { id: string; type: string; data: string; metadata: string }): StoredEvent {
    const stream = this.streams.get(streamId) ?? [];
    // Sparse, increasing positions: the transaction log's byte offsets.
    this.server.nextPosition += 97n + BigInt(e.data.length + e.metadata.length);
    const at = this.server.nextPosition;
    const stored: StoredEvent = { streamId, ...e, revision: BigInt(stream.length), created: new Date(), position: { commit: at, prepare: at } };
    stream.push(stored);
    this.streams.set(streamId, stream);
    this.all.push(stored);
    return stored;
  }

  async appendToStream(stream: string, events: EventData[], options: { expectedRevision: AppendExpectedRevision }): Promise<AppendResult> {
    await this.gate();
    const { expectedRevision } = options;
    this.appendCalls.push({ stream, ids: events.map((e) => e.id), expectedRevision });
    const serialised = events.map((e) => ({
      id: e.id,
      type: e.type,
      data: JSON.stringify(e.data),
      metadata: e.metadata === undefined ? '' : JSON.stringify(e.metadata),
    }));
    const size = serialised.reduce((n, e) => n + Buffer.byteLength(e.data) + Buffer.byteLength(e.metadata), 0);
    const max = this.options.maxAppendSize ?? 1024 * 1024;
    if (size > max) throw MaxAppendSizeExceededError.fromMaxAppendSize(max);
    const existing = this.streams.get(stream) ?? [];
    const current = existing.length === 0 ? 'no_stream' : BigInt(existing.length - 1);
    // Idempotence: the same ids already stored right after the expected revision (or anywhere, for `any`).
    const firstAt =
      expectedRevision === 'any'
        ? existing.findIndex((e) => e.id === events[0]!.id)
        : expectedRevision === 'no_stream'
          ? 0
          : expectedRevision === 'stream_exists'
            ? -1
            : Number(expectedRevision) + 1;
    if (firstAt >= 0 && events.every((e, i) => existing[firstAt + i]?.id === e.id))
      return { success: true, nextExpectedRevision: BigInt(firstAt + events.length - 1), position: undefined };
    const matches =
      expectedRevision === 'any' ||
      (expectedRevision === 'stream_exists' ? current !== 'no_stream' : expectedRevision === current);
    if (!matches) throw new WrongExpectedVersionError(undefined, { streamName: stream, expected: expectedRevision, current });
    const every = this.options.systemEventEvery ?? 3;
    const appends = ++this.server.appends;
    if (every > 0 && appends % every === 0)
      this.write(appends % (2 * every) === 0 ? `$$${stream}` : `$stats-127.0.0.1:2113`, {
        id: randomUUID(),
        type: appends % (2 * every) === 0 ? '$metadata' : '$statsCollected',
        data: '{"system":true}',
        metadata: '',
      });
    const written = serialised.map((e) => this.write(stream, e));
    const last = written[written.length - 1]!;
    for (const wake of [...this.waiters]) wake();
    return { success: true, nextExpectedRevision: last.revision, position: last.position };
  }

  private resolved(e: StoredEvent): AllStreamResolvedEvent & ResolvedEvent {
    const parse = (text: string): unknown => (text === '' ? undefined : JSON.parse(text));
    return {
      event: {
        streamId: e.streamId,
        id: e.id,
        revision: e.revision,
        type: e.type,
        data: parse(e.data) as Record<string, unknown>,
        metadata: parse(e.metadata) as Record<string, unknown>,
        isJson: true,
        created: e.created,
        position: e.position,
      },
      commitPosition: e.position.commit,
    };
  }

  readStream(
    stream: string,
    options: { direction?: 'forwards' | 'backwards'; fromRevision?: ReadRevision; maxCount?: number | bigint } = {},
  ): AsyncIterable<ResolvedEvent> {
    return this.streamEvents(stream, options);
  }

  private async *streamEvents(
    stream: string,
    options: { direction?: 'forwards' | 'backwards'; fromRevision?: ReadRevision; maxCount?: number | bigint },
  ): AsyncGenerator<ResolvedEvent> {
    await this.gate();
    const events = this.streams.get(stream);
    if (!events) throw new StreamNotFoundError(undefined, stream);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? 'end' : 'start');
    const start = from === 'start' ? 0 : from === 'end' ? events.length - 1 : Number(from);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const ordered = backwards ? events.slice(0, start + 1).reverse() : events.slice(start);
    for (const e of ordered.slice(0, max)) yield this.resolved(e);
  }

  readAll(options: { fromPosition?: ReadPosition; maxCount?: number | bigint } = {}): AsyncIterable<AllStreamResolvedEvent> {
    return this.allEvents(options);
  }

  private async *allEvents(options: { fromPosition?: ReadPosition; maxCount?: number | bigint }): AsyncGenerator<AllStreamResolvedEvent> {
    await this.gate();
    const from = options.fromPosition ?? 'start';
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const found = from === 'start' ? 0 : from === 'end' ? this.all.length : this.all.findIndex((e) => !before(e.position, from));
    const start = found === -1 ? this.all.length : found;
    for (const e of this.all.slice(start, start + max)) yield this.resolved(e);
  }

  subscribeToAll(options: { fromPosition?: ReadPosition; filter?: Filter } = {}): AsyncIterable<AllStreamResolvedEvent> & { unsubscribe(): Promise<void> } {
    const state: SubscriptionState = { stopped: false, fault: null, wake: null };
    return Object.assign(this.follow(options, state), {
      unsubscribe: async () => {
        state.stopped = true;
        state.wake?.();
      },
    });
  }

  private async *follow(options: { fromPosition?: ReadPosition; filter?: Filter }, state: SubscriptionState): AsyncGenerator<AllStreamResolvedEvent> {
    const nudge = () => state.wake?.();
    const fail = (e: Error) => {
      state.fault = e;
      nudge();
    };
    const filter = options.filter;
    const matches = (e: StoredEvent): boolean => {
      if (!filter) return true;
      const subject = filter.filterOn === 'eventType' ? e.type : e.streamId;
      return 'regex' in filter ? new RegExp(filter.regex).test(subject) : filter.prefixes.some((p) => subject.startsWith(p));
    };
    await this.gate();
    this.subscriptionsOpened += 1;
    this.openSubscriptions += 1;
    this.subscriptionFaults.add(fail);
    this.waiters.add(nudge);
    try {
      const from = options.fromPosition ?? 'start';
      // A subscription starts strictly after its position.
      let cursor = from === 'start' ? 0 : from === 'end' ? this.all.length : this.all.filter((e) => !before(from, e.position)).length;
      for (;;) {
        if (state.fault) throw state.fault;
        if (state.stopped) return;
        if (cursor < this.all.length) {
          const e = this.all[cursor++]!;
          if (matches(e)) yield this.resolved(e);
          continue;
        }
        await new Promise<void>((resolve) => (state.wake = resolve));
        state.wake = null;
      }
    } finally {
      this.openSubscriptions -= 1;
      this.subscriptionFaults.delete(fail);
      this.waiters.delete(nudge);
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const fail of [...this.subscriptionFaults]) fail(new UnavailableError(undefined, 'the client was disposed'));
  }
}

/** a strictly before b. */
const before = (a: Position, b: Position): boolean => a.commit < b.commit || (a.commit === b.commit && a.prepare < b.prepare);
