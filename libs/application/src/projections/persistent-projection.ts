import { Logger } from '@nestjs/common';
import type { EventStore, RecordedEvent } from '@dgr/event-store';
import type { DomainEvent } from '../domain-events';
import type { ReadModelDb } from '@dgr/read-model-store';

/** An event of the log with what it says today (upcast): read once per batch, shared by the read models. */
export interface ParsedEvent {
  readonly event: RecordedEvent;
  /** The domain event, for an initiative's or the fund's stream; null for another stream. */
  readonly domain: DomainEvent | null;
}

/** A batch stopped at an event a read model refuses: every event before it is committed, it and later are not. */
export class BatchStopped extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super(`stopped at event ${index} of the batch: ${String(error)}`);
  }
}

/**
 * A read model kept in the read-model file (ADR 0018). Each delivered batch is applied in ONE transaction
 * with the projection's checkpoint; events at or before the checkpoint are skipped, so a resume, a second
 * delivery or a second process on the same file applies each event once. On open, a checkpoint written by
 * another code version, or tables missing, start the projection anew (it is then rebuilt from the log).
 */
export abstract class PersistentProjection {
  protected readonly logger = new Logger('ReadModels');
  protected abstract readonly name: string;
  /** Bump when the meaning of the rows changes: the projection is then rebuilt from the log at the next start. */
  protected abstract readonly version: number;
  protected abstract readonly tables: readonly string[];
  protected abstract readonly schema: string;
  private opened = false;
  /** Built from the start of the log with its secondary indexes dropped: `endBuild` creates them. */
  private building = false;
  /** Events applied by this instance (not skipped): a resume applies only the events after its checkpoint. */
  applied = 0;

  constructor(readonly db: ReadModelDb) {}

  /** Applies one event inside the batch's transaction; throws to stop the batch before it. */
  protected abstract applyEvent(item: ParsedEvent): void;
  /** Writes what the batch kept in memory, inside the batch's transaction. */
  protected flush(): void {}
  /** Forgets what the batch kept in memory (the transaction rolled back). */
  protected discard(): void {}
  /**
   * Forgets what the projection remembers of its rows across batches (a memo of folded states): called before a
   * batch whenever the file's checkpoint is not the one this instance last committed (a first batch, a rollback,
   * a reset, another writer), so a memo is used only while this instance's own commits are all that happened.
   */
  protected forget(): void {}
  /** The checkpoint position this instance last committed (null: none yet, or unknown). */
  private committed: number | null = null;

  /** Opens the tables, starting anew when the code version differs or a table is missing. */
  protected ready(): void {
    if (this.opened) return;
    this.opened = true;
    // A read-only instance reads what the projection worker writes (ADR 0021): it neither creates nor resets.
    if (this.db.readOnly) return;
    const checkpoint = this.db.checkpoint(this.name);
    const missing = this.tables.filter((t) => !this.db.hasTable(t));
    if (checkpoint && checkpoint.version !== this.version)
      this.reset(`its code version changed from ${checkpoint.version} to ${this.version}`);
    else if (checkpoint && missing.length > 0) this.reset(`its table${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`);
    else if (!checkpoint && missing.length < this.tables.length) this.reset(null);
    else this.db.exec(this.schema);
  }

  /** Drops the rows and the checkpoint: the next batches rebuild it from the start of the log. */
  reset(reason: string | null): void {
    this.opened = true;
    if (reason) this.logger.warn(`The read model ${this.name} is rebuilt from the log: ${reason}.`);
    this.db.transaction(() => {
      for (const t of this.tables) this.db.exec(`DROP TABLE IF EXISTS ${t}`);
      this.db.deleteCheckpoint(this.name);
      this.db.exec(this.schema);
    });
    this.committed = null;
    this.discard();
    this.forget();
  }

  /**
   * Before a catch-up: a projection that starts from the start of the log (a cold build) drops its secondary
   * indexes, so that the build writes only its tables; `endBuild` creates them once, over all the rows (a sort,
   * far cheaper than keeping them in order row by row). A build stopped half-way (a crash) gets them back from
   * the schema at the next open, and then resumes with them.
   */
  beginBuild(): void {
    if (this.position !== 0) return;
    for (const [, index] of this.schema.matchAll(/CREATE INDEX IF NOT EXISTS (\w+)/g)) this.db.exec(`DROP INDEX IF EXISTS ${index}`);
    this.building = true;
  }

  /** After the catch-up (or its stop at an unreadable event): the indexes `beginBuild` dropped are created again. */
  endBuild(): void {
    if (!this.building) return;
    this.building = false;
    this.db.exec(this.schema);
  }

  /** The last log position applied (0: none). */
  get position(): number {
    this.ready();
    return this.db.checkpoint(this.name)?.position ?? 0;
  }

  /**
   * When the checkpoint names an event the log does not hold (another log, a log restored from an older
   * backup), starts anew. Answers whether it did.
   */
  async checkAgainst(store: EventStore): Promise<boolean> {
    this.ready();
    const checkpoint = this.db.checkpoint(this.name);
    if (!checkpoint || checkpoint.position === 0) return false;
    const [event] = await store.readAll(checkpoint.position - 1, 1);
    if (event && event.position === checkpoint.position && event.hash === checkpoint.lastHash) return false;
    this.reset(`its checkpoint (position ${checkpoint.position}) is not an event of this log`);
    return true;
  }

  /** Applies a batch in one transaction with the checkpoint; throws BatchStopped after committing what came before a refused event. */
  applyBatch(items: readonly ParsedEvent[]): void {
    this.ready();
    if (items.length === 0) return;
    let stopped: BatchStopped | null = null;
    this.db.transaction(() => {
      const checkpoint = this.db.checkpoint(this.name);
      let position = checkpoint?.position ?? 0;
      let hash = checkpoint?.lastHash ?? null;
      let applied = 0;
      if (this.committed !== position) this.forget();
      this.committed = null;
      try {
        for (let i = 0; i < items.length; i++) {
          const item = items[i]!;
          if (item.event.position <= position) continue;
          try {
            this.applyEvent(item);
          } catch (e) {
            stopped = new BatchStopped(i, e);
            break;
          }
          position = item.event.position;
          hash = item.event.hash;
          applied += 1;
        }
        this.flush();
      } catch (e) {
        this.discard();
        throw e;
      }
      this.db.setCheckpoint(this.name, this.version, position, hash);
      this.applied += applied;
      // Committed with the checkpoint, unless an enclosing transaction rolls back: then the file's checkpoint is
      // older than this one at the next batch, and the memo is forgotten there.
      this.committed = position;
    });
    if (stopped) throw stopped;
  }
}
