/** Where an event with a given id landed: enough for a retried command to answer where it was written. */
export interface Landed {
  readonly revision: number;
  readonly position: number;
}

/**
 * A stream folded up to `revision` (-1: nothing folded yet), with the fold that made it. Immutable once made,
 * except `ids`, which only ever grows (with ids of events that are in the log).
 */
export interface FoldedStream {
  /** The fold `state` was made with: an entry made by another fold is no entry for this one. */
  readonly fold: unknown;
  readonly state: unknown;
  /** The revision of the last event folded into `state`; -1 when none. */
  readonly revision: number;
  /** Every folded event's id (and where it landed), so that a retried command finds its own first event. */
  readonly ids: Map<string, Landed>;
}

/** How many streams' folded states a StreamWriter keeps by default. */
export const DEFAULT_CACHED_STREAMS = 4096;

/**
 * The write path's memo of recently used streams (ADR 0014): stream → its state folded up to a revision,
 * least recently used first out. A pure memo of `fold(events[0..revision])`: because the log is append-only,
 * an entry is never wrong, only possibly behind; the writer reads the events after `revision`, folds them,
 * and appends with the revision it reached, so the store's expected-revision check (not this cache) is what
 * makes the decision current. An entry is only ever replaced by one further along the same stream.
 */
export class StreamStateCache {
  private readonly entries = new Map<string, FoldedStream>();

  constructor(readonly capacity: number = DEFAULT_CACHED_STREAMS) {}

  get size(): number {
    return this.entries.size;
  }

  /** The entry for `stream` made by `fold`, marked as just used; undefined when there is none. */
  get(stream: string, fold: unknown): FoldedStream | undefined {
    const entry = this.entries.get(stream);
    if (!entry || entry.fold !== fold) return undefined;
    this.entries.delete(stream);
    this.entries.set(stream, entry);
    return entry;
  }

  /**
   * Keeps `entry` unless the cache holds the same fold further along (two loads of one stream that
   * overlapped: the later revision wins). Evicts the least recently used streams beyond the capacity.
   */
  put(stream: string, entry: FoldedStream): void {
    if (this.capacity <= 0) return;
    const held = this.entries.get(stream);
    if (held && held.fold === entry.fold && held.revision > entry.revision) return;
    this.entries.delete(stream);
    this.entries.set(stream, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Forgets `stream` (after a revision conflict: someone else wrote to it). */
  drop(stream: string): void {
    this.entries.delete(stream);
  }

  has(stream: string): boolean {
    return this.entries.has(stream);
  }
}
