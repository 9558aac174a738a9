import { CatchUpSubscription, tracked } from './catch-up-subscription';
import { eventHash } from './event-hash';
import {
  appendsProblem,
  checkExpected,
  sameBatchResult,
  type AppendResult,
  type EventStore,
  type EventsHandler,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type StreamAppend,
  type Subscription,
} from './event-store.port';

/** The same contract as the SQLite store, held in memory: for unit tests and quick experiments. */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly byId = new Map<string, RecordedEvent>();
  private readonly subscriptions = new Set<CatchUpSubscription>();

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const [result] = await this.appendMany([{ stream, events, expected }]);
    return result!;
  }

  /** Checks every stream's expected revision first, then writes them all: all or nothing. */
  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const problem = appendsProblem(appends);
    if (problem) throw new Error(problem);
    const repeated = appends.map(({ stream, events }) =>
      this.byId.has(events[0]!.id) ? sameBatchResult(stream, events, events.map((e) => this.byId.get(e.id))) : null,
    );
    appends.forEach(({ stream, expected }, i) => {
      if (repeated[i]) return;
      const existing = this.streams.get(stream) ?? [];
      checkExpected(stream, expected, existing.length === 0 ? null : existing.length - 1);
    });
    const results = appends.map((a, i) => repeated[i] ?? this.write(a));
    for (const s of this.subscriptions) s.notify();
    return results;
  }

  private write({ stream, events }: StreamAppend): AppendResult {
    const existing = this.streams.get(stream) ?? [];
    let previousHash = existing.length === 0 ? null : existing[existing.length - 1]!.hash;
    const recorded = events.map((e, i): RecordedEvent => {
      const content = {
        stream,
        revision: existing.length + i,
        type: e.type,
        // Stored as JSON, like every other adapter: what comes back is a copy, never the caller's object.
        data: JSON.parse(JSON.stringify(e.data)),
        metadata: JSON.parse(JSON.stringify(e.metadata)),
        previousHash,
      };
      const hash = eventHash(content);
      previousHash = hash;
      return { id: e.id, position: this.log.length + i + 1, ...content, hash };
    });
    this.log.push(...recorded);
    this.streams.set(stream, [...existing, ...recorded]);
    for (const r of recorded) this.byId.set(r.id, r);
    const last = recorded[recorded.length - 1]!;
    return { nextRevision: last.revision, position: last.position };
  }

  async readStream(stream: string, fromRevision = 0): Promise<RecordedEvent[]> {
    return structuredClone((this.streams.get(stream) ?? []).slice(Math.max(0, fromRevision)));
  }

  async readAll(afterPosition: number, maxCount: number): Promise<RecordedEvent[]> {
    return structuredClone(this.log.slice(afterPosition, afterPosition + maxCount));
  }

  async headPosition(): Promise<number> {
    return this.log.length;
  }

  subscribeToAll(afterPosition: number, handler: EventsHandler): Subscription {
    const subscription = new CatchUpSubscription(this, afterPosition, handler, {
      batchSize: 1000,
      pollMs: 1000,
      onError: () => undefined,
    });
    return tracked(this.subscriptions, subscription);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
  }
}
