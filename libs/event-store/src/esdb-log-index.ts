import type { Position } from './eventstoredb-client';
import { comparePositions } from './eventstoredb-mapping';

/** The log read on EventStoreDB does not match what this process numbered before: events vanished or moved. */
export class LogIndexMismatch extends Error {
  constructor(message: string) {
    super(`${message}. The DGR log on EventStoreDB must never lose events (no deleted or truncated streams, no $maxAge/$maxCount): see docs/operations.md`);
    this.name = 'LogIndexMismatch';
  }
}

/**
 * The dense numbering of the DGR log on EventStoreDB. The port numbers the log 1, 2, 3… (the audit's Merkle
 * tree and every read model rely on it); EventStoreDB orders `$all` by sparse transaction-log positions and
 * interleaves system events. The n-th event of `$all` that belongs to the log is position n, for every reader,
 * because every reader reads the same `$all` in the same order and skips the same events.
 *
 * This index remembers, for each position, the event's transaction-log position (to start a read there) and
 * each event id's position (to answer retried appends and to number the events of a stream read). It holds
 * a gapless prefix of the log: entry n is only added after entry n − 1. 16 bytes per event for the positions,
 * plus the id map (roughly 100 bytes per event).
 */
export class LogIndex {
  private commits = new BigUint64Array(1024);
  private prepares = new BigUint64Array(1024);
  private count = 0;
  private readonly positionById = new Map<string, number>();
  private originAt: Position | null = null;

  /** How many events of the log are indexed: the highest position known. */
  get length(): number {
    return this.count;
  }

  /** The transaction-log position of the event at `position` (1 … length). */
  logPositionOf(position: number): Position {
    if (!Number.isInteger(position) || position < 1 || position > this.count)
      throw new RangeError(`Position ${position} is not indexed (1 … ${this.count})`);
    return { commit: this.commits[position - 1]!, prepare: this.prepares[position - 1]! };
  }

  /**
   * Where a read of the log after `position` starts in `$all`: the event at `position`, or for 0 the last
   * transaction-log position known to hold no event of the log before the first one (null: the start of `$all`).
   */
  startAfter(position: number): Position | null {
    return position === 0 ? this.originAt : this.logPositionOf(position);
  }

  /**
   * A reader read `$all` from its start (or from the origin) up to `at` and met no event of the log: later
   * reads from the start skip that part (on a server shared with other logs, or after many system events).
   */
  noLogEventUpTo(at: Position): void {
    if (this.count > 0 && comparePositions(at, this.logPositionOf(1)) >= 0)
      throw new LogIndexMismatch(`$all up to ${show(at)} was read as holding no event of the log, but position 1 is at ${show(this.logPositionOf(1))}`);
    if (this.originAt === null || comparePositions(at, this.originAt) > 0) this.originAt = at;
  }

  /** The position of the event with this id, if it is indexed. */
  positionOfId(id: string): number | undefined {
    return this.positionById.get(id);
  }

  /**
   * A reader met the event `id` at transaction-log position `at` and numbered it `position`. The next position
   * is added; a known one is checked against what was indexed. A reader never skips ahead of the index.
   */
  observe(position: number, id: string, at: Position): void {
    if (position <= this.count) {
      const known = this.logPositionOf(position);
      if (comparePositions(known, at) !== 0 || this.positionById.get(id) !== position)
        throw new LogIndexMismatch(
          `Position ${position} of the log was event ${this.idAt(position)} at ${show(known)}, now it reads as event ${id} at ${show(at)}`,
        );
      return;
    }
    if (position !== this.count + 1) throw new RangeError(`Position ${position} skips ahead of the index (${this.count} indexed)`);
    if (this.count > 0 && comparePositions(at, this.logPositionOf(this.count)) <= 0)
      throw new LogIndexMismatch(`Event ${id} at ${show(at)} does not come after position ${this.count} at ${show(this.logPositionOf(this.count))}`);
    const earlier = this.positionById.get(id);
    if (earlier !== undefined) throw new LogIndexMismatch(`Event id ${id} is in $all twice, at positions ${earlier} and ${position}`);
    if (this.count === this.commits.length) this.grow();
    this.commits[this.count] = at.commit;
    this.prepares[this.count] = at.prepare;
    this.count += 1;
    this.positionById.set(id, position);
  }

  private idAt(position: number): string {
    for (const [id, p] of this.positionById) if (p === position) return id;
    return '?';
  }

  private grow(): void {
    const commits = new BigUint64Array(this.commits.length * 2);
    const prepares = new BigUint64Array(this.prepares.length * 2);
    commits.set(this.commits);
    prepares.set(this.prepares);
    this.commits = commits;
    this.prepares = prepares;
  }
}

const show = (p: Position): string => `${p.commit}/${p.prepare}`;
