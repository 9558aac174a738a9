import { Inject, Injectable, Optional } from '@nestjs/common';
import { consensusAsOf, evolve, INITIATIVE_EVENT_TYPES, yearOf, type CalendarDate, type Initiative, type InitiativeEvent, type InitiativeStatus } from '@dgr/domain';
import { UnreadableEvent, type RecordedEvent } from '@dgr/event-store';
import { toDomainEvent } from '../domain-events';
import { PersistentProjection, type ParsedEvent } from './persistent-projection';
import { ReadModelDb } from '@dgr/read-model-store';
import { stateFromJson, stateToJson } from './state-json';
import { InitiativePageIndex } from './initiative-page-index';
import { ServiceUnavailable } from '../service-unavailable';

export const isInitiativeStream = (stream: string): boolean => stream.startsWith('initiative-');

export const isInitiativeEvent = (e: { type: string }): e is InitiativeEvent => (INITIATIVE_EVENT_TYPES as readonly string[]).includes(e.type);

export const notInStream = (event: RecordedEvent): UnreadableEvent =>
  new UnreadableEvent(event.position, event.stream, event.type, event.metadata.schemaVersion, 'malformed', `${event.type} does not belong in the stream ${event.stream}`);

/** Initiatives whose folded state the projection remembers between batches (a few kB each). */
const MEMO_SIZE = 1024;

/** Initiative rows parsed per chunk when a whole set must be looked at (a status filter). */
const CHUNK = 500;

/** Rows read per turn of the event loop while the page index is loaded at start (5,000 took 50–180 ms at 55,000). */
const PAGE_INDEX_CHUNK = 1_000;

/** Rows whose status is computed per transaction while a day's statuses are prepared. */
const STATUS_CHUNK = 20;
/** How long a day's statuses are computed before the event loop gets a turn (ms). */
const STATUS_SLICE_MS = 10;

/** How long a status list waits by default for its day's statuses before it answers 503 (ms). */
export const STATUS_WAIT_MS = 5_000;
/** The Retry-After of that 503 (seconds). */
const STATUS_RETRY_AFTER_SECONDS = 5;

/** Whether the promise settles within `ms` (at once: false unless it has settled already; never rejects). */
const settledWithin = (work: Promise<void>, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    const done = () => {
      if (timer) clearTimeout(timer);
      resolve(true);
    };
    work.then(done, done);
    if (ms > 0) timer = setTimeout(() => resolve(false), ms);
    else void Promise.resolve().then(() => resolve(false));
  });

export interface InitiativeFilter {
  /** Only initiatives proposed on or before this day. */
  readonly proposedBy: CalendarDate;
  readonly year?: number;
  /** Only initiatives whose first event is at or before this position (known-at). */
  readonly untilPosition?: number;
}

/**
 * Every initiative's current state, folded with the domain's own evolve, in the read-model file (ADR 0018):
 * one row per initiative (its `Initiative` as JSON, Maps kept), the initiative's own events (for its state as
 * known at a position: an indexed read of ~20 events folded again), and each event's recording time (the
 * known-at axis). Nothing per initiative stays in memory between batches.
 */
@Injectable()
export class InitiativesProjection extends PersistentProjection {
  protected readonly name = 'initiatives';
  /**
   * 2: `initiative_events` keyed by the log position (a rowid table, appended to in log order) with an index on
   * (initiative_id, position), instead of a WITHOUT ROWID table clustered by initiative, whose every insert landed
   * on a random page (ADR 0018, "The cold rebuild").
   */
  protected readonly version = 2;
  protected readonly tables = ['initiatives', 'initiative_events', 'event_times'] as const;
  protected readonly schema = `
    CREATE TABLE IF NOT EXISTS initiatives (
      id TEXT PRIMARY KEY, proposed_pos INTEGER NOT NULL, proposed_on TEXT NOT NULL, year INTEGER NOT NULL,
      state_json TEXT NOT NULL, last_pos INTEGER NOT NULL, status TEXT, status_as_of TEXT);
    CREATE INDEX IF NOT EXISTS initiatives_by_proposed_pos ON initiatives (proposed_pos);
    CREATE INDEX IF NOT EXISTS initiatives_by_day ON initiatives (proposed_on, proposed_pos);
    CREATE INDEX IF NOT EXISTS initiatives_by_year_day ON initiatives (year, proposed_on, proposed_pos);
    CREATE INDEX IF NOT EXISTS initiatives_by_status ON initiatives (status_as_of, status, proposed_pos);
    CREATE INDEX IF NOT EXISTS initiatives_page ON initiatives (proposed_pos, proposed_on, id);
    CREATE INDEX IF NOT EXISTS initiatives_year_pos ON initiatives (year, proposed_pos, proposed_on);
    CREATE TABLE IF NOT EXISTS initiative_events (position INTEGER PRIMARY KEY, initiative_id TEXT NOT NULL, event_json TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS initiative_events_by_initiative ON initiative_events (initiative_id, position);
    CREATE TABLE IF NOT EXISTS event_times (position INTEGER PRIMARY KEY, recorded_ms INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS event_times_by_recorded ON event_times (recorded_ms, position);`;

  /** The batch's initiatives, written once at its end. */
  private readonly pending = new Map<string, { state: Initiative; proposedPos: number; lastPos: number }>();
  /** The batch's new initiatives (position proposed, day), and whether an existing one's day proposed changed. */
  private pendingNew: Array<{ position: number; proposedOn: string }> = [];
  private pendingDayChanged = false;
  /** The positions and days of the rows, in memory (loaded at the first list; kept current by flush); null: load again. */
  private pageIndex: InitiativePageIndex | null = null;
  /**
   * The rows this instance wrote last, folded (least recently written out): the next event of an initiative folds
   * into it instead of parsing its row again (live writes touch the same initiatives batch after batch). Used only
   * while applying, and forgotten whenever the file's checkpoint is not this instance's last (PersistentProjection).
   */
  private readonly memo = new Map<string, { state: Initiative; proposedPos: number; lastPos: number }>();

  constructor(@Optional() @Inject(ReadModelDb) db?: ReadModelDb) {
    super(db ?? new ReadModelDb());
  }

  /** Folds the event when it is one of an initiative's stream; throws UnreadableEvent for one this version cannot read. */
  apply(event: RecordedEvent): void {
    if (!isInitiativeStream(event.stream)) return this.applyBatch([{ event, domain: null }]);
    const domain = toDomainEvent(event);
    if (!isInitiativeEvent(domain)) throw notInStream(event);
    this.applyBatch([{ event, domain }]);
  }

  protected applyEvent({ event, domain }: ParsedEvent): void {
    const recorded = Date.parse(event.metadata.recordedAt);
    if (!isInitiativeStream(event.stream) || domain === null) {
      this.insertTime(event.position, recorded);
      return;
    }
    const id = event.stream.slice('initiative-'.length);
    const before = this.pending.get(id) ?? this.memo.get(id) ?? this.stored(id);
    const state = evolve(before?.state ?? null, domain as InitiativeEvent);
    if (!before) this.pendingNew.push({ position: event.position, proposedOn: state.proposedOn });
    else if (before.state.proposedOn !== state.proposedOn) this.pendingDayChanged = true;
    this.pending.set(id, { state, proposedPos: before?.proposedPos ?? event.position, lastPos: event.position });
    this.insertTime(event.position, recorded);
    this.db.stmt('INSERT OR REPLACE INTO initiative_events (position, initiative_id, event_json) VALUES (?, ?, ?)').run(event.position, id, JSON.stringify(domain));
  }

  private insertTime(position: number, recordedMs: number): void {
    this.db.stmt('INSERT OR REPLACE INTO event_times (position, recorded_ms) VALUES (?, ?)').run(position, Number.isFinite(recordedMs) ? recordedMs : 0);
  }

  private stored(id: string): { state: Initiative; proposedPos: number; lastPos: number } | null {
    const row = this.db.stmt('SELECT state_json, proposed_pos, last_pos FROM initiatives WHERE id = ?').get(id) as
      | { state_json: string; proposed_pos: number; last_pos: number }
      | undefined;
    return row ? { state: stateFromJson<Initiative>(row.state_json), proposedPos: row.proposed_pos, lastPos: row.last_pos } : null;
  }

  protected override flush(): void {
    // A changed row gets its status for the day last asked at once (or none: computed when a list asks).
    const day = this.statusDay;
    const upsert = this.db.stmt(
      `INSERT INTO initiatives (id, proposed_pos, proposed_on, year, state_json, last_pos, status, status_as_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET proposed_on = excluded.proposed_on, year = excluded.year, state_json = excluded.state_json, last_pos = excluded.last_pos,
         status = excluded.status, status_as_of = excluded.status_as_of`,
    );
    for (const [id, row] of this.pending) {
      const { state, proposedPos, lastPos } = row;
      upsert.run(id, proposedPos, state.proposedOn, yearOf(state.proposedOn), stateToJson(state), lastPos, day === null ? null : consensusAsOf(state, day).status, day);
      this.memo.delete(id);
      this.memo.set(id, row);
    }
    for (const id of this.memo.keys()) {
      if (this.memo.size <= MEMO_SIZE) break;
      this.memo.delete(id);
    }
    this.pending.clear();
    if (this.pendingDayChanged) this.dayChanges += 1;
    // The page index follows the rows (a rolled-back batch drops it: discard).
    if (this.pendingDayChanged) this.daysChanged += 1;
    if (this.pageIndex && (this.pendingDayChanged || !this.pendingNew.every((n) => this.pageIndex!.push(n.position, n.proposedOn)))) this.pageIndex = null;
    this.pendingNew = [];
    this.pendingDayChanged = false;
  }

  /**
   * The page index, loaded from the rows when there is none, or when the rows hold an initiative it does not
   * (another process wrote to the file: one MAX on an index tells).
   */
  private pages(): InitiativePageIndex {
    const last = (this.db.stmt('SELECT MAX(proposed_pos) AS p FROM initiatives').get() as { p: number | null }).p ?? 0;
    if (this.pageIndex && this.pageIndex.lastPosition === last) return this.pageIndex;
    const index = new InitiativePageIndex();
    for (const r of this.db.stmt('SELECT proposed_pos, proposed_on FROM initiatives INDEXED BY initiatives_page ORDER BY proposed_pos').iterate() as IterableIterator<{
      proposed_pos: number;
      proposed_on: string;
    }>)
      index.push(r.proposed_pos, r.proposed_on);
    this.pageIndex = index;
    return index;
  }

  /** Bumped whenever a batch changes a stored initiative's day proposed: a page index read before it is stale. */
  private daysChanged = 0;

  /**
   * Loads the page index ahead of the first list (at start), 1,000 rows at a time with a turn of the event loop
   * between: loaded by the first list instead, it held the loop 0.3–1.7 s at 55,000 initiatives (issue 13). Kept
   * only when complete (its last rows read in the same turn as it is set) and no day proposed changed meanwhile.
   */
  async preparePageIndex(chunkSize = PAGE_INDEX_CHUNK): Promise<void> {
    try {
      this.ready();
      const index = new InitiativePageIndex();
      const days = this.daysChanged;
      const chunk = this.db.stmt('SELECT proposed_pos, proposed_on FROM initiatives INDEXED BY initiatives_page WHERE proposed_pos > ? ORDER BY proposed_pos LIMIT ?');
      for (let after = 0; ; ) {
        if (!this.db.isOpen || this.pageIndex || this.daysChanged !== days) return;
        const rows = chunk.all(after, chunkSize) as { proposed_pos: number; proposed_on: string }[];
        for (const r of rows) index.push(r.proposed_pos, r.proposed_on);
        if (rows.length < chunkSize) break;
        after = rows[rows.length - 1]!.proposed_pos;
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.pageIndex = index;
    } catch (e) {
      if (this.db.isOpen) this.logger.warn(`The initiatives' page index could not be prepared: ${String(e)}`);
    }
  }

  protected override forget(): void {
    this.memo.clear();
  }

  /**
   * How many batches changed an existing initiative's day proposed (which the page index's MAX(proposed_pos) check
   * cannot see): the projection worker reports it, and a read-only instance then drops its page index (ADR 0021).
   */
  dayChanges = 0;

  /** Drops the page index: the next list loads it again from the rows. */
  forgetPages(): void {
    this.pageIndex = null;
  }

  /** Where `prepareStatuses` is done when not here: the projection worker, asked by message (ADR 0021). */
  private statusPreparer: ((asOf: CalendarDate) => Promise<void>) | null = null;

  /** A read-only instance has its statuses prepared by the instance that writes the file. */
  prepareStatusesWith(preparer: (asOf: CalendarDate) => Promise<void>): void {
    this.statusPreparer = preparer;
  }

  /** The day the status filter was last asked for: rows written since get their status for it at once. */
  private statusDay: CalendarDate | null = null;

  /**
   * Rows without a status for the day: three ranges of initiatives_by_status read one after the other up to the
   * limit. As one WHERE with OR, SQLite collected the rowids of every stale row before the LIMIT (35 ms a chunk of
   * 100 at 55,500 initiatives, so a whole day's refresh was quadratic); so, 4 ms.
   */
  private readonly staleSql = `SELECT id, state_json FROM (
      SELECT id, state_json FROM initiatives WHERE status_as_of IS NULL
      UNION ALL SELECT id, state_json FROM initiatives WHERE status_as_of < ?
      UNION ALL SELECT id, state_json FROM initiatives WHERE status_as_of > ?) LIMIT ?`;

  /** Computes up to `limit` rows' status as of `asOf` where they have none for it; answers how many it did. */
  private refreshStatuses(asOf: CalendarDate, limit: number): number {
    const rows = this.db.stmt(this.staleSql).all(asOf, asOf, limit) as { id: string; state_json: string }[];
    const update = this.db.stmt('UPDATE initiatives SET status = ?, status_as_of = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const r of rows) update.run(consensusAsOf(stateFromJson<Initiative>(r.state_json), asOf).status, asOf, r.id);
    });
    return rows.length;
  }

  /** The preparation under way or queued per day: concurrent lists of one day share it. */
  private readonly preparing = new Map<CalendarDate, Promise<void>>();
  /** The last preparation queued: one day at a time (the status column holds one day). */
  private preparations: Promise<void> = Promise.resolve();
  /**
   * How long a status list waits for its day's statuses before it answers 503 with Retry-After (ms). 0: it
   * never waits (a list on a day not prepared answers 503 at once, and starts the preparation).
   */
  statusWaitMs = STATUS_WAIT_MS;
  /** How long the preparation computes statuses before it gives the event loop a turn (ms; 0: one chunk a turn). */
  statusSliceMs = STATUS_SLICE_MS;

  /**
   * Computes every row's status as of `asOf` (ahead of the first list that filters on it: at start, when the day
   * changes, and for a list on a day not prepared), a chunk at a time with a turn of the event loop between
   * chunks. The one entry point: calls for the same day while one runs share it; another day's waits its turn.
   * Stops quietly when the file is closed meanwhile.
   */
  prepareStatuses(asOf: CalendarDate): Promise<void> {
    const running = this.preparing.get(asOf);
    if (running) return running;
    // After the day before's, and a turn of the event loop later: its lists (awaiting it) read their page first.
    const run = this.preparations.then(() => new Promise((resolve) => setImmediate(resolve))).then(() => this.computeStatuses(asOf));
    const shared = run.finally(() => {
      if (this.preparing.get(asOf) === shared) this.preparing.delete(asOf);
    });
    this.preparing.set(asOf, shared);
    this.preparations = shared;
    return shared;
  }

  private async computeStatuses(asOf: CalendarDate): Promise<void> {
    // With the projection worker (ADR 0021) the rows are its to write: it prepares the day, and this awaits it.
    if (this.statusPreparer) return this.statusPreparer(asOf);
    if (this.db.readOnly) return;
    try {
      this.ready();
      this.statusDay = asOf;
      // Rows a chunk at a time for at most statusSliceMs, then a turn of the event loop (a row's status costs about
      // half a millisecond at a million events on a loaded machine: chunks of 100 held the loop 50–240 ms).
      for (;;) {
        if (!this.db.isOpen || this.statusDay !== asOf) return;
        const sliceEnd = performance.now() + this.statusSliceMs;
        let done: number;
        do done = this.refreshStatuses(asOf, STATUS_CHUNK);
        while (done > 0 && performance.now() < sliceEnd);
        if (done === 0) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (e) {
      if (this.db.isOpen) this.logger.warn(`The statuses as of ${asOf} could not be prepared: ${String(e)}`);
    }
  }

  /** Has some row no status for the day? One row looked up on initiatives_by_status. */
  private statusesStale(asOf: CalendarDate): boolean {
    return (this.db.stmt(this.staleSql).all(asOf, asOf, 1) as unknown[]).length > 0;
  }

  protected override discard(): void {
    this.pending.clear();
    this.pendingNew = [];
    this.pendingDayChanged = false;
    this.pageIndex = null;
    this.memo.clear();
  }

  /**
   * The initiative as it stands now, or as known at a position: its stored state when its last event is at or
   * before the position (most initiatives, for most instants: one row read), otherwise its own events up to the
   * position, folded again.
   */
  get(id: string, untilPosition?: number): Initiative | null {
    this.ready();
    if (untilPosition === undefined) return this.stored(id)?.state ?? null;
    const row = this.db.stmt('SELECT proposed_pos, last_pos FROM initiatives WHERE id = ?').get(id) as { proposed_pos: number; last_pos: number } | undefined;
    if (!row || row.proposed_pos > untilPosition) return null;
    if (row.last_pos <= untilPosition) return this.stored(id)?.state ?? null;
    const rows = this.db
      .stmt('SELECT event_json FROM initiative_events WHERE initiative_id = ? AND position <= ? ORDER BY position')
      .all(id, untilPosition) as { event_json: string }[];
    let state: Initiative | null = null;
    for (const r of rows) state = evolve(state, JSON.parse(r.event_json) as InitiativeEvent);
    return state;
  }

  /** Every initiative, in the order proposed (reads them all: for a replay's snapshot, not for a request). */
  all(): Initiative[] {
    this.ready();
    return (this.db.stmt('SELECT state_json FROM initiatives ORDER BY proposed_pos').all() as { state_json: string }[]).map((r) =>
      stateFromJson<Initiative>(r.state_json),
    );
  }

  /** The last log position recorded at or before an instant (0: none): the known-at axis. */
  positionKnownAt(instantMs: number): number {
    this.ready();
    const row = this.db
      .stmt('SELECT position FROM event_times WHERE recorded_ms <= ? ORDER BY recorded_ms DESC, position DESC LIMIT 1')
      .get(instantMs) as { position: number } | undefined;
    return row?.position ?? 0;
  }

  private where(f: InitiativeFilter): { sql: string; params: (string | number)[] } {
    const parts = ['proposed_on <= ?'];
    const params: (string | number)[] = [f.proposedBy];
    if (f.year !== undefined) {
      parts.push('year = ?');
      params.push(f.year);
    }
    if (f.untilPosition !== undefined) {
      parts.push('proposed_pos <= ?');
      params.push(f.untilPosition);
    }
    return { sql: parts.join(' AND '), params };
  }

  count(f: InitiativeFilter): number {
    this.ready();
    if (f.year === undefined) {
      const n = this.pages().count(f.proposedBy, f.untilPosition);
      if (n !== null) return n;
    }
    const w = this.where(f);
    // Known at a position, the rows up to it on the page index (fewer than every row proposed by the day).
    const index = f.untilPosition === undefined ? '' : ' INDEXED BY initiatives_page';
    return (this.db.stmt(`SELECT COUNT(*) AS n FROM initiatives${index} WHERE ${w.sql}`).get(...w.params) as { n: number }).n;
  }

  /**
   * The years in which initiatives were proposed, newest first: a loose index scan (each next year below the last
   * is one index lookup, and whether it has a row within the filter another), never a scan of every row. A row's
   * year is that of its day proposed, so no year after `proposedBy`'s has one.
   */
  years(f: InitiativeFilter): number[] {
    this.ready();
    const until = f.untilPosition ?? Number.MAX_SAFE_INTEGER;
    return (
      this.db
        .stmt(
          `WITH RECURSIVE y(year) AS (
             SELECT MAX(year) FROM initiatives WHERE year <= ?
             UNION ALL SELECT (SELECT MAX(year) FROM initiatives WHERE year < y.year) FROM y WHERE y.year IS NOT NULL)
           SELECT year FROM y WHERE year IS NOT NULL AND EXISTS (
             SELECT 1 FROM initiatives i INDEXED BY initiatives_year_pos WHERE i.year = y.year AND i.proposed_pos <= ? AND i.proposed_on <= ?)
           ORDER BY year DESC`,
        )
        .all(yearOf(f.proposedBy), until, f.proposedBy) as { year: number }[]
    ).map((r) => r.year);
  }

  /**
   * The ids of one page, in the order proposed: the offset is skipped on an index that holds the position, the
   * day and the id (no row of the table is read but the page's).
   */
  pageIds(f: InitiativeFilter, offset: number, limit: number | undefined): string[] {
    this.ready();
    const w = this.where(f);
    if (f.year === undefined) {
      // Where the page index knows the page's first position, the page is read from there: no offset to skip.
      const start = this.pages().pageStart(f.proposedBy, f.untilPosition, offset);
      if (start === undefined) return [];
      if (start !== null)
        return (
          this.db
            .stmt(`SELECT id FROM initiatives INDEXED BY initiatives_page WHERE proposed_pos >= ? AND ${w.sql} ORDER BY proposed_pos LIMIT ?`)
            .all(start, ...w.params, limit ?? -1) as { id: string }[]
        ).map((r) => r.id);
    }
    const index = f.year === undefined ? 'initiatives_page' : 'initiatives_year_pos';
    return (
      this.db
        .stmt(`SELECT id FROM initiatives INDEXED BY ${index} WHERE ${w.sql} ORDER BY proposed_pos LIMIT ? OFFSET ?`)
        .all(...w.params, limit ?? -1, offset) as { id: string }[]
    ).map((r) => r.id);
  }

  /**
   * The status filter on the current states (ADR 0018): each row keeps its consensus status as of a day (the
   * day last asked; a row written since gets it at once). When some row has none for the day asked, the request
   * awaits `prepareStatuses` (chunks that yield: other requests are served meanwhile), at most `statusWaitMs`
   * (then 503 with Retry-After); then it is a COUNT and a LIMIT/OFFSET on the index, in the same turn of the event
   * loop as the check that every row has its status for the day.
   */
  async statusPage(f: InitiativeFilter, status: InitiativeStatus, offset: number, limit: number | undefined): Promise<{ total: number; ids: string[] }> {
    this.ready();
    const asOf = f.proposedBy;
    const deadline = Date.now() + this.statusWaitMs;
    // A preparation that ends with rows still stale (another day's ran meanwhile, or it failed) is tried again, twice.
    for (let tries = 0; this.statusesStale(asOf); tries++) {
      if (tries === 3 || !(await settledWithin(this.prepareStatuses(asOf), deadline - Date.now())))
        throw new ServiceUnavailable(
          `Statusen per ${asOf} räknas fortfarande fram för alla initiativ; försök igen om en stund.`,
          STATUS_RETRY_AFTER_SECONDS,
          null,
          'statuses-not-ready',
        );
    }
    const w = this.where(f);
    const total = (this.db.stmt(`SELECT COUNT(*) AS n FROM initiatives WHERE status_as_of = ? AND status = ? AND ${w.sql}`).get(asOf, status, ...w.params) as { n: number }).n;
    const ids = (
      this.db
        .stmt(`SELECT id FROM initiatives WHERE status_as_of = ? AND status = ? AND ${w.sql} ORDER BY proposed_pos LIMIT ? OFFSET ?`)
        .all(asOf, status, ...w.params, limit ?? -1, offset) as { id: string }[]
    ).map((r) => r.id);
    return { total, ids };
  }

  /**
   * The current states matching the filter, in the order proposed, a page at a time (keyset on the position
   * proposed, so that the caller may yield between pages while the read model moves on).
   */
  *statePages(f: InitiativeFilter, size: number = CHUNK): Generator<Initiative[]> {
    this.ready();
    const w = this.where(f);
    const stmt = this.db.stmt(`SELECT state_json, proposed_pos FROM initiatives WHERE ${w.sql} AND proposed_pos > ? ORDER BY proposed_pos LIMIT ?`);
    let after = 0;
    for (;;) {
      const rows = stmt.all(...w.params, after, size) as { state_json: string; proposed_pos: number }[];
      if (rows.length === 0) return;
      yield rows.map((r) => stateFromJson<Initiative>(r.state_json));
      after = rows[rows.length - 1]!.proposed_pos;
    }
  }

  /**
   * The ids matching the filter, in the order proposed, a chunk at a time, each with its status as of the day
   * `proposedBy` where the row's kept status is that (kept for that day, and no event of the initiative after
   * `untilPosition`: the state it was computed from is the state at the position); null where it must be folded.
   */
  *statusChunks(f: InitiativeFilter, size: number = CHUNK): Generator<Array<{ id: string; status: InitiativeStatus | null }>> {
    this.ready();
    const w = this.where(f);
    const until = f.untilPosition ?? Number.MAX_SAFE_INTEGER;
    const stmt = this.db.stmt(
      `SELECT id, proposed_pos, last_pos, status, status_as_of FROM initiatives WHERE ${w.sql} AND proposed_pos > ? ORDER BY proposed_pos LIMIT ?`,
    );
    let after = 0;
    for (;;) {
      const rows = stmt.all(...w.params, after, size) as { id: string; proposed_pos: number; last_pos: number; status: InitiativeStatus | null; status_as_of: string | null }[];
      if (rows.length === 0) return;
      yield rows.map((r) => ({ id: r.id, status: r.status_as_of === f.proposedBy && r.last_pos <= until ? r.status : null }));
      after = rows[rows.length - 1]!.proposed_pos;
    }
  }

  /** Ids matching the filter, in the order proposed, a chunk at a time (for a scan that must fold each: known-at with a status). */
  *idChunks(f: InitiativeFilter, size: number = CHUNK): Generator<string[]> {
    this.ready();
    const w = this.where(f);
    const stmt = this.db.stmt(`SELECT id, proposed_pos FROM initiatives WHERE ${w.sql} AND proposed_pos > ? ORDER BY proposed_pos LIMIT ?`);
    let after = 0;
    for (;;) {
      const rows = stmt.all(...w.params, after, size) as { id: string; proposed_pos: number }[];
      if (rows.length === 0) return;
      yield rows.map((r) => r.id);
      after = rows[rows.length - 1]!.proposed_pos;
    }
  }
}
