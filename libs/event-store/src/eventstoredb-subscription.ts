import { START, type Filter, type ReadPosition } from './eventstoredb-client';
import type { LogIndex } from './esdb-log-index';
import { belongsToLog, comparePositions, eventOf, EventStoreDbUnavailable, fromEsdbEvent } from './eventstoredb-mapping';
import type { EventStoreDbClient } from './eventstoredb-event-store';
import type { EventsHandler, RecordedEvent, Subscription } from './event-store.port';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What a subscription needs of its store. */
export interface SubscriptionContext {
  readonly client: EventStoreDbClient;
  readonly index: LogIndex;
  readonly prefix: string;
  readonly filter: Filter;
  readonly readAll: (afterPosition: number, maxCount: number) => Promise<RecordedEvent[]>;
  readonly catchUp: () => Promise<void>;
  readonly pageSize: number;
  readonly delaysMs: readonly number[];
  readonly onError: (e: unknown) => void;
}

const CLOSED = Symbol('closed');

/**
 * A catch-up subscription on `$all`: reads the log in pages up to its end (the handler gets whole pages),
 * then follows it live through the server's subscription, filtered server-side (system events, or streams
 * outside the prefix) and again client-side, numbering each event as the index does. When the connection
 * drops, it waits, catches up from the last event it delivered and goes live again: no gap, no duplicate.
 * A handler that throws gets the same events again after the delay.
 */
export class EventStoreDbSubscription implements Subscription {
  private closed = false;
  private signalClosed!: () => void;
  private readonly closedSignal = new Promise<typeof CLOSED>((resolve) => (this.signalClosed = () => resolve(CLOSED)));
  private live: { unsubscribe(): Promise<void> } | null = null;
  private readonly done: Promise<void>;

  constructor(
    private readonly context: SubscriptionContext,
    /** The last position delivered (or the one to start after). */
    private position: number,
    private readonly handler: EventsHandler,
  ) {
    this.done = this.run();
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.signalClosed();
      await this.live?.unsubscribe().catch(() => undefined);
    }
    await this.done;
  }

  /** The promise's value, or CLOSED as soon as the subscription is closed. */
  private untilClosed<T>(promise: Promise<T>): Promise<T | typeof CLOSED> {
    promise.catch(() => undefined); // Nobody may be left to see it once closed.
    return Promise.race([promise, this.closedSignal]);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        await this.catchUpInPages();
        await this.followLive(() => (failures = 0));
      } catch (e) {
        if (this.closed) break;
        this.context.onError(e);
        const delays = this.context.delaysMs;
        const delay = delays[Math.min(failures, delays.length - 1)] ?? 1000;
        failures += 1;
        await this.untilClosed(sleep(delay));
      } finally {
        const live = this.live;
        this.live = null;
        await live?.unsubscribe().catch(() => undefined);
      }
    }
  }

  /** Delivers a batch; the position moves only once the handler has taken it. */
  private async deliver(events: RecordedEvent[]): Promise<void> {
    const fresh = events.filter((e) => e.position > this.position);
    if (fresh.length === 0 || this.closed) return;
    await this.handler(fresh);
    this.position = fresh[fresh.length - 1]!.position;
  }

  private async catchUpInPages(): Promise<void> {
    for (;;) {
      const page = await this.untilClosed(this.context.readAll(this.position, this.context.pageSize));
      if (page === CLOSED) return;
      await this.deliver(page);
      if (page.length < this.context.pageSize) return;
    }
  }

  private async followLive(onEvent: () => void): Promise<void> {
    if (this.closed) return;
    const { index, prefix } = this.context;
    // The page read above indexed everything up to the position reached (or beyond, when it started past the end).
    let numbered = Math.min(this.position, index.length);
    const from: ReadPosition = index.startAfter(numbered) ?? START;
    const subscription = this.context.client.subscribeToAll({ fromPosition: from, filter: this.context.filter });
    this.live = subscription;
    const events = subscription[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await this.untilClosed(events.next());
        if (next === CLOSED || next.done) {
          if (next !== CLOSED && !this.closed) throw new EventStoreDbUnavailable('the server ended the subscription');
          return;
        }
        const e = eventOf(next.value);
        if (!e || (from !== START && comparePositions(e.position, from) <= 0) || !belongsToLog(e, prefix)) continue;
        numbered += 1;
        index.observe(numbered, e.id, e.position);
        await this.deliver([fromEsdbEvent(e, numbered, prefix)]);
        onEvent();
      }
    } finally {
      void events.return?.().catch(() => undefined);
    }
  }
}
