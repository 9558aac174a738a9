import { createHash } from 'node:crypto';
import { CATCH_UP_BATCH, canonicalJson, type EventStore, type RecordedEvent } from '@dgr/event-store';
import { bookingsOf, FUND_STREAM } from '@dgr/domain';
import { readStoredEvent, toDomainEvent } from '../domain-events';
import { FundProjection, isFundEvent, notFundEvent } from './fund.projection';
import { InitiativesProjection, isInitiativeEvent, isInitiativeStream, notInStream } from './initiatives.projection';
import { BatchStopped, PersistentProjection, type ParsedEvent } from './persistent-projection';
import { ReadModelDb } from '@dgr/read-model-store';
import { RuleViolationsProjection } from './rule-violations.projection';

/** Reads a stored event as the read models need it; throws UnreadableEvent for one this version cannot read. */
const parse = (event: RecordedEvent): ParsedEvent => {
  if (isInitiativeStream(event.stream)) {
    const domain = toDomainEvent(event);
    if (!isInitiativeEvent(domain)) throw notInStream(event);
    return { event, domain };
  }
  if (event.stream === FUND_STREAM) {
    const domain = toDomainEvent(event);
    if (!isFundEvent(domain)) throw notFundEvent(event);
    return { event, domain };
  }
  readStoredEvent(event);
  return { event, domain: null };
};

/** The business read models, fed together in log order (by default in one in-memory read-model file). */
export class ReadModels {
  readonly initiatives: InitiativesProjection;
  readonly fund: FundProjection;
  readonly rules: RuleViolationsProjection;

  constructor(initiatives?: InitiativesProjection, fund?: FundProjection, rules?: RuleViolationsProjection) {
    const db = initiatives || fund || rules ? null : new ReadModelDb();
    this.initiatives = initiatives ?? new InitiativesProjection(db ?? undefined);
    this.fund = fund ?? new FundProjection(db ?? undefined);
    this.rules = rules ?? new RuleViolationsProjection(db ?? undefined);
  }

  /** The last position every business read model has applied (a resume reads the log after it). */
  get position(): number {
    return Math.min(this.initiatives.position, this.fund.position, this.rules.position);
  }

  /** Throws UnreadableEvent for an event this version cannot read, even one no read model folds. */
  apply(event: RecordedEvent): void {
    const { error } = this.applyBatch([event]);
    if (error !== null) throw error;
  }

  /**
   * Applies a delivered batch: each read model in one transaction with its checkpoint. An event this version
   * cannot read (or a read model refuses) stops every read model before it: what came before is committed,
   * and the answer says how many events were applied and why it stopped (null: it did not).
   */
  applyBatch(events: readonly RecordedEvent[]): { applied: number; error: unknown } {
    const items: ParsedEvent[] = [];
    let failure: unknown = null;
    for (const event of events) {
      try {
        items.push(parse(event));
      } catch (e) {
        failure = e;
        break;
      }
    }
    let cut = items.length;
    const applyAll = (): void => {
      try {
        this.initiatives.applyBatch(items);
      } catch (e) {
        if (!(e instanceof BatchStopped)) throw e;
        cut = e.index;
        failure = e.error;
      }
      this.fund.applyBatch(items.slice(0, cut));
      this.rules.applyBatch(items.slice(0, cut));
    };
    // Sharing one file (as in the service), the three commit together: one commit per batch.
    const db = this.initiatives.db;
    if (db === this.fund.db && db === this.rules.db) db.transaction(applyAll);
    else applyAll();
    return { applied: cut, error: failure };
  }

  /**
   * Before catching up with the log: the file is written as a cache (ReadModelDb.bulkWrites) and a read model
   * built from the start writes its secondary indexes once at the end (`endCatchUp`), not row by row.
   */
  beginCatchUp(): void {
    for (const db of this.dbs()) db.bulkWrites(true);
    for (const p of this.projections()) p.beginBuild();
  }

  /** After catching up (or stopping before an unreadable event): indexes created, normal durability restored. */
  endCatchUp(): void {
    for (const p of this.projections()) p.endBuild();
    for (const db of this.dbs()) db.bulkWrites(false);
  }

  private projections(): PersistentProjection[] {
    return [this.initiatives, this.fund, this.rules];
  }

  private dbs(): Set<ReadModelDb> {
    return new Set(this.projections().map((p) => p.db));
  }

  /** Starts every read model anew whose checkpoint names an event this log does not hold. */
  async checkAgainst(store: EventStore): Promise<void> {
    await this.initiatives.checkAgainst(store);
    await this.fund.checkAgainst(store);
    await this.rules.checkAgainst(store);
  }

  /** Drops every business read model's rows: the next batches rebuild them from the start of the log. */
  reset(reason: string | null): void {
    this.initiatives.reset(reason);
    this.fund.reset(reason);
    this.rules.reset(reason);
  }

  /** The whole state as plain JSON, for comparing two builds of it (replayed and live). */
  snapshot(): unknown {
    const f = this.fund.state();
    return {
      initiatives: this.initiatives.all().map((i) => ({ ...i, decisions: [...i.decisions] })),
      fund: {
        balanceOre: f.balanceOre,
        committedOre: f.committedOre,
        byInitiative: f.byInitiative,
        firstBookingYear: f.firstBookingYear,
        lastClosedYear: f.lastClosedYear,
        bookings: bookingsOf(f).map(({ bookedOn, deltaOre }) => ({ bookedOn, deltaOre })),
      },
      ledger: this.fund.bookings(),
    };
  }
}

export interface ReplayLimit {
  /** Only events at or before this global position. */
  readonly untilPosition?: number;
  /** Only events the service had recorded by this instant (metadata.recordedAt ≤ knownAt). */
  readonly knownAt?: string;
}

/** Events read and folded between two turns of the event loop: a replay never holds it for long. */
const REPLAY_BATCH = 1000;

/** Lets the event loop serve what waits (other requests, timers) before the next batch. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Builds fresh read models from the log, from an empty state, optionally only up to a position or
 * with only what was known at an instant. `onProgress` gets (events read, head position). It reads and
 * folds in batches and yields to the event loop between them, so that a replay inside the service (a
 * `knownAt` read) never stalls the other requests for more than one batch.
 */
export const replay = async (
  store: EventStore,
  limit: ReplayLimit = {},
  onProgress: (read: number, head: number) => void = () => undefined,
): Promise<{ models: ReadModels; applied: number; lastPosition: number }> => {
  const models = new ReadModels();
  const head = await store.headPosition();
  const until = Math.min(limit.untilPosition ?? head, head);
  const knownAt = limit.knownAt === undefined ? null : Date.parse(limit.knownAt);
  let position = 0;
  let applied = 0;
  let lastPosition = 0;
  while (position < until) {
    const batch = await store.readAll(position, Math.min(REPLAY_BATCH, until - position));
    if (batch.length === 0) break;
    const taken = knownAt === null ? batch : batch.filter((event) => Date.parse(event.metadata.recordedAt) <= knownAt);
    const done = models.applyBatch(taken);
    applied += done.applied;
    if (done.applied > 0) lastPosition = taken[done.applied - 1]!.position;
    if (done.error !== null) throw done.error;
    position = batch[batch.length - 1]!.position;
    onProgress(position, until);
    await yieldToEventLoop();
  }
  return { models, applied, lastPosition };
};

/**
 * Applies to persistent read models the events after their checkpoints, up to `untilPosition` (default: the
 * head), in batches (of the store's catch-up size: one transaction each) that yield to the event loop (`dgr rebuild`). Answers the position they reached.
 */
export const catchUp = async (
  store: EventStore,
  models: ReadModels,
  untilPosition?: number,
  onProgress: (position: number, head: number) => void = () => undefined,
): Promise<number> => {
  await models.checkAgainst(store);
  const head = Math.min(untilPosition ?? Number.MAX_SAFE_INTEGER, await store.headPosition());
  let position = models.position;
  if (position >= head) return position;
  models.beginCatchUp();
  try {
    while (position < head) {
      const batch = await store.readAll(position, Math.min(CATCH_UP_BATCH, head - position));
      if (batch.length === 0) break;
      const { applied, error } = models.applyBatch(batch);
      if (applied > 0) position = batch[applied - 1]!.position;
      if (error !== null) throw error;
      onProgress(position, head);
      await yieldToEventLoop();
    }
  } finally {
    models.endCatchUp();
  }
  return position;
};

/** Starts the persistent read models anew and rebuilds them from the whole log (`dgr rebuild`). */
export const rebuild = async (
  store: EventStore,
  models: ReadModels,
  onProgress: (position: number, head: number) => void = () => undefined,
): Promise<number> => {
  models.reset('a rebuild was asked for');
  return catchUp(store, models, undefined, onProgress);
};

/**
 * The canonical SHA-256 of the read models' whole state (initiatives, fund, ledger, rule violations) and the
 * position they are at: equal for read models kept across restarts and for a rebuild to the same position.
 */
export const readModelsHash = (models: ReadModels): string =>
  createHash('sha256')
    .update(canonicalJson({ position: models.position, state: models.snapshot(), ruleViolations: models.rules.all() }))
    .digest('hex');
