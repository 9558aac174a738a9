import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { describeMismatch, LogChecker, type Mismatch, type MerkleLog } from '@dgr/audit';
import type { EventStore, RecordedEvent } from '@dgr/event-store';
import { ReadModelDb } from '@dgr/read-model-store';
import { AuditLeafThread } from './audit-leaf-thread';
import { AuditLogStore } from './audit-log.store';

/** A delivered batch is committed in one transaction; a very long one in transactions of this many events. */
const MAX_PENDING_EVENTS = 10_000;
/** A commit that found the file's write lock held is tried again after this long. */
const BUSY_RETRY_MS = 20;
/** While rebuilding, the log says how far it got every this many events. */
const PROGRESS_EVERY = 100_000;
/** A catch-up of at least this many events from a SQLite log hashes in a leaf thread, on another core (ADR 0018). */
export const LEAF_THREAD_FROM = 20_000;

/**
 * The audit read model: the Merkle tree over the whole log (leaf i is the event at position i + 1), fed in
 * order with the other read models. Each event's own hash and its link to its stream predecessor are
 * recomputed as it arrives; the first event that does not match is kept (and logged), and no checkpoint
 * covering it is signed.
 *
 * The tree's leaf and complete-subtree hashes, the streams' heads, the first mismatch and the checkpoint live
 * in the read-model file's `audit_*` tables (AuditLogStore), committed in one transaction per delivered batch:
 * the heap holds only what arrived since the last commit. A start resumes after the checkpoint (`resume`):
 * earlier events are neither re-read by it nor re-hashed. The whole log is re-checked by `dgr verify`.
 */
@Injectable()
export class AuditLogProjection implements OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private readonly store: AuditLogStore;
  private checker: LogChecker;
  /** The last position applied, and its event's hash. */
  private position: number;
  private lastHash: string | null;
  private pending = 0;
  private commitScheduled = false;
  private rebuild: { readonly head: number; nextReport: number } | null = null;
  private resumedAtPosition = 0;
  private foundByRecheck: Mismatch | null = null;
  /** While catching up a long way: the worker that computes the events' hashes ahead of `apply`, or null. */
  private leaves: AuditLeafThread | null = null;
  /** How far behind the log's head a start must be to use the leaf thread (tests lower it). */
  leafThreadFrom = LEAF_THREAD_FROM;

  /** `db`: the process's read-model file, shared with the business read models (absent: its own, in memory). */
  constructor(@Optional() @Inject(ReadModelDb) db?: ReadModelDb) {
    this.store = db ? AuditLogStore.on(db) : AuditLogStore.open(':memory:');
    this.checker = this.checkerOfStore();
    this.position = this.store.checkpoint.position;
    this.lastHash = this.store.checkpoint.lastHash;
  }

  /**
   * Before the first event: checks that the stored model is this log's (the log still has the checkpoint's event,
   * with the same hash) and rebuilds it from the start otherwise; logs where it resumes, or that it rebuilds.
   * Returns the position after which it needs events.
   */
  async resume(log: EventStore): Promise<number> {
    const head = await log.headPosition();
    const checkpoint = this.store.checkpoint;
    if (checkpoint.position > 0 && this.pending === 0) {
      const stale = await this.staleReason(log, head, checkpoint.position, checkpoint.lastHash);
      if (stale) this.restart(stale);
    }
    this.startLeafThread(log, head);
    if (this.store.file === ':memory:') return this.position;
    const reason = this.store.rebuildReason;
    if (this.position === 0 && head > 0) {
      this.rebuild = { head, nextReport: PROGRESS_EVERY };
      this.logger.log(`Audit read model in ${this.store.file}: rebuilding from the log's ${head} events (${reason ?? 'it was empty'})`);
    } else if (this.position > 0) {
      this.resumedAtPosition = this.position;
      this.logger.log(`Audit read model in ${this.store.file}: resumed at position ${this.position} of ${head}`);
    }
    return this.position;
  }

  /**
   * The position this process resumed at: the events up to it were hash-checked by an earlier start, not by this
   * one (0 when this process checked every event itself). AuditService re-checks them off the event loop.
   */
  get resumedAt(): number {
    return this.resumedAtPosition;
  }

  /**
   * A mismatch the whole-log re-check after a resume found in an event this process did not re-hash (a row
   * changed in the file while the service was stopped). From then on it counts as the first mismatch if it is
   * earlier than the running check's: no checkpoint covering it is signed.
   */
  noteMismatchFoundByRecheck(mismatch: Mismatch): void {
    const known = this.firstMismatch;
    if (known && known.position <= mismatch.position) return;
    this.foundByRecheck = mismatch;
    this.logger.error(`The log does not match its hashes: ${describeMismatch(mismatch)} (found by the re-check after the start). Run \`npx dgr verify\`.`);
  }

  apply(event: RecordedEvent): void {
    // Already in the stored model: not re-hashed (a start that resumes still sees the runner's earlier events).
    if (event.position <= this.position) return;
    const hashed = this.leaves?.take(event) ?? null;
    const mismatch = hashed ? this.checker.addHashed(event, hashed) : this.checker.add(event);
    if (this.leaves && event.position >= this.leaves.until) this.stopLeafThread();
    this.position = event.position;
    this.lastHash = event.hash;
    if (mismatch && mismatch === this.checker.firstMismatch)
      this.logger.error(`The log does not match its hashes: ${describeMismatch(mismatch)}. Run \`npx dgr verify\`.`);
    this.pending += 1;
    if (this.pending >= MAX_PENDING_EVENTS) this.commit();
    else if (!this.commitScheduled) {
      // After the rest of the delivered batch (the runner applies a batch in one synchronous loop).
      this.commitScheduled = true;
      queueMicrotask(() => {
        this.commitScheduled = false;
        this.commit();
      });
    }
    if (this.rebuild) this.reportRebuild(this.rebuild);
  }

  /**
   * A SQLite log file far ahead of the model: a worker thread reads it too and computes each event's recomputed
   * hash and leaf hash, in parallel with the business read models (AuditLeafThread). Same checks, same tree.
   */
  private startLeafThread(log: EventStore, head: number): void {
    this.stopLeafThread();
    const file = log.localFile;
    if (file === undefined || head - this.position < this.leafThreadFrom) return;
    try {
      this.leaves = AuditLeafThread.start(file, this.position, head, (reason) =>
        this.logger.warn(`Audit read model: its leaf thread stopped (${reason}); the main thread hashes the rest itself.`),
      );
      this.logger.log(`Audit read model: the events up to position ${head} are hashed in a worker thread as well`);
    } catch (e) {
      this.logger.warn(`Audit read model: no leaf thread (${(e as Error).message}); the main thread hashes every event itself.`);
    }
  }

  private stopLeafThread(): void {
    const leaves = this.leaves;
    if (!leaves) return;
    leaves.stop();
    this.hashedInThread += leaves.taken;
    this.leaves = null;
    this.logger.log(`Audit read model: ${leaves.taken} events hashed by its worker thread, the others on the main thread`);
  }

  /** The leaf thread of the catch-up under way, or null (a test waits for it to be ahead). */
  get leafThread(): AuditLeafThread | null {
    return this.leaves;
  }

  /** Events whose hashes a finished leaf thread computed (the main thread computed the others). */
  hashedInThread = 0;

  private reportRebuild(rebuild: { readonly head: number; nextReport: number }): void {
    if (this.position >= rebuild.head) {
      this.logger.log(`Audit read model: rebuilt from the log (${this.position} events)`);
      this.rebuild = null;
    } else if (this.position >= rebuild.nextReport) {
      this.logger.log(`Audit read model: rebuilt ${this.position} of ${rebuild.head} events`);
      rebuild.nextReport += PROGRESS_EVERY;
    }
  }

  /**
   * Writes what arrived since the last commit, with the checkpoint, in one transaction. A failed write (a full
   * disk) is logged and retried at the next commit: until then the heap holds the rows, and answers stay right.
   */
  commit(): void {
    if (this.pending === 0 || !this.store.isOpen) return;
    try {
      this.store.commit({ position: this.position, size: this.checker.size, lastHash: this.lastHash, firstMismatch: this.checker.firstMismatch });
      this.pending = 0;
    } catch (e) {
      // Another thread holds the file's write lock (the projection worker, ADR 0021; this connection does not wait
      // for it): the rows stay in memory and the commit is tried again shortly.
      if ((e as { code?: string }).code === 'SQLITE_BUSY') return this.retryCommit();
      this.logger.error(`Audit read model: could not write to ${this.store.file}: ${(e as Error).message}. Kept in memory; retried with the next events.`);
    }
  }

  private retryTimer: NodeJS.Timeout | null = null;

  private retryCommit(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.commit();
    }, BUSY_RETRY_MS);
    this.retryTimer.unref();
  }

  /** How many events the tree holds. */
  get size(): number {
    return this.checker.size;
  }

  /** The last global position applied. */
  get caughtUpTo(): number {
    return this.position;
  }

  get tree(): MerkleLog {
    return this.checker.tree;
  }

  /** The first event found not to match its hash or chain, or null. */
  get firstMismatch(): Mismatch | null {
    const running = this.checker.firstMismatch;
    const rechecked = this.foundByRecheck;
    if (!rechecked) return running;
    return running && running.position < rechecked.position ? running : rechecked;
  }

  /** Writes what is pending (the read-model file itself is closed by its owner, after this). */
  onApplicationShutdown(): void {
    this.stopLeafThread();
    this.commit();
    this.store.close();
  }

  private checkerOfStore(): LogChecker {
    return new LogChecker({ levels: this.store.levels, heads: this.store.heads, firstMismatch: this.store.checkpoint.firstMismatch });
  }

  private async staleReason(log: EventStore, head: number, position: number, lastHash: string | null): Promise<string | null> {
    if (head < position) return `its checkpoint is at position ${position}, beyond the log's head ${head}`;
    try {
      const [event] = await log.readAll(position - 1, 1);
      if (!event || event.position !== position || event.hash !== lastHash) return `the log's event at position ${position} is not the one it was built from`;
      return null;
    } catch (e) {
      return `the log's event at position ${position} cannot be read (${(e as Error).message})`;
    }
  }

  private restart(reason: string): void {
    this.stopLeafThread();
    this.store.reset(reason);
    this.checker = this.checkerOfStore();
    this.position = 0;
    this.lastHash = null;
    this.pending = 0;
  }
}
