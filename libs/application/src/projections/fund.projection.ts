import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  emptyFund,
  evolveFund,
  FUND_EVENT_TYPES,
  FUND_STREAM,
  isBooking,
  yearOf,
  type BookingEntry,
  type Fund,
  type FundEvent,
  type InitiativeMoney,
} from '@dgr/domain';
import { UnreadableEvent, type RecordedEvent } from '@dgr/event-store';
import { toDomainEvent } from '../domain-events';
import { PersistentProjection, type ParsedEvent } from './persistent-projection';
import { ReadModelDb } from '@dgr/read-model-store';

export const isFundEvent = (e: { type: string }): e is FundEvent => (FUND_EVENT_TYPES as readonly string[]).includes(e.type);

export interface LedgerRow {
  readonly position: number;
  readonly type: 'FundDeposited' | 'FundWithdrawn' | 'FundReturned';
  readonly bookedOn: string;
  readonly amountOre: number;
  readonly initiativeId: string | null;
  readonly source: string | null;
  readonly reference: string | null;
  readonly reason: string | null;
  readonly recordedAt: string;
  /** The balance after this booking, with the bookings in business-date order (as the years are counted). */
  readonly balanceAfterOre: number;
}

export interface InitiativeMoneyAsOf {
  readonly grantedOre: number;
  readonly withdrawnOre: number;
  readonly returnedOre: number;
}

export interface YearMovements {
  depositsOre: number;
  withdrawalsOre: number;
  returnsOre: number;
}

/** The fund's scalar state; `byInitiative` and the bookings are rows of their own. */
export type FundScalars = Pick<Fund, 'balanceOre' | 'committedOre' | 'firstBookingYear' | 'lastClosedYear'>;

const noMovements = (): YearMovements => ({ depositsOre: 0, withdrawalsOre: 0, returnsOre: 0 });

interface ScalarRow {
  balance_ore: number;
  committed_ore: number;
  first_booking_year: number | null;
  last_closed_year: number | null;
}

const scalarsOf = (r: ScalarRow | undefined): FundScalars =>
  r
    ? { balanceOre: r.balance_ore, committedOre: r.committed_ore, firstBookingYear: r.first_booking_year, lastClosedYear: r.last_closed_year }
    : { balanceOre: 0, committedOre: 0, firstBookingYear: null, lastClosedYear: null };

/**
 * The DGR ledger in the read-model file (ADR 0018): the fund's scalar state per position (`fund_versions`, a
 * temporal table: the state known at a position is one indexed lookup), every booking (`ledger`), the money
 * moved for each initiative with the day that decides when it counts (`initiative_money`), each year's
 * movements and the positions of the YearClosed events. Reads at a position filter `position <= P`.
 */
@Injectable()
export class FundProjection extends PersistentProjection {
  protected readonly name = 'fund';
  protected readonly version = 1;
  protected readonly tables = ['fund_versions', 'ledger', 'initiative_money', 'year_movements', 'year_closed'] as const;
  protected readonly schema = `
    CREATE TABLE IF NOT EXISTS fund_versions (
      valid_from_pos INTEGER PRIMARY KEY, balance_ore INTEGER NOT NULL, committed_ore INTEGER NOT NULL,
      first_booking_year INTEGER, last_closed_year INTEGER);
    CREATE TABLE IF NOT EXISTS ledger (
      position INTEGER PRIMARY KEY, type TEXT NOT NULL, booked_on TEXT NOT NULL, year INTEGER NOT NULL,
      amount_ore INTEGER NOT NULL, delta_ore INTEGER NOT NULL, initiative_id TEXT, source TEXT, reference TEXT, reason TEXT,
      recorded_at TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS ledger_by_date ON ledger (booked_on, position);
    CREATE INDEX IF NOT EXISTS ledger_by_year ON ledger (year, position);
    CREATE TABLE IF NOT EXISTS initiative_money (
      initiative_id TEXT NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL, on_date TEXT NOT NULL,
      amount_ore INTEGER NOT NULL, PRIMARY KEY (initiative_id, position)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS year_movements (
      year INTEGER PRIMARY KEY, deposits_ore INTEGER NOT NULL, withdrawals_ore INTEGER NOT NULL, returns_ore INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS year_closed (year INTEGER NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (year, position)) WITHOUT ROWID;`;

  /** The batch's last fund state, written once at its end. */
  private pending: { scalars: FundScalars; position: number } | null = null;

  constructor(@Optional() @Inject(ReadModelDb) db?: ReadModelDb) {
    super(db ?? new ReadModelDb());
  }

  /** Folds the event when it is one of the fund's stream; throws UnreadableEvent for one this version cannot read. */
  apply(event: RecordedEvent): void {
    if (event.stream !== FUND_STREAM) return this.applyBatch([{ event, domain: null }]);
    const domain = toDomainEvent(event);
    if (!isFundEvent(domain)) throw notFundEvent(event);
    this.applyBatch([{ event, domain }]);
  }

  protected applyEvent({ event, domain }: ParsedEvent): void {
    if (event.stream !== FUND_STREAM || domain === null) return;
    const e = domain as FundEvent;
    const before = this.pending?.scalars ?? this.scalars();
    // The domain's own fold, on the scalar state (no initiative's money, no booking chain: those are rows).
    const next = evolveFund({ ...emptyFund, ...before }, e);
    this.pending = {
      scalars: { balanceOre: next.balanceOre, committedOre: next.committedOre, firstBookingYear: next.firstBookingYear, lastClosedYear: next.lastClosedYear },
      position: event.position,
    };
    if (e.type === 'YearClosed') this.db.stmt('INSERT OR REPLACE INTO year_closed (year, position) VALUES (?, ?)').run(e.data.year, event.position);
    const money = (id: string, kind: string, on: string, amount: number) =>
      this.db.stmt('INSERT OR REPLACE INTO initiative_money (initiative_id, position, kind, on_date, amount_ore) VALUES (?, ?, ?, ?, ?)').run(id, event.position, kind, on, amount);
    if (e.type === 'GrantAwarded') money(e.data.initiativeId, 'granted', e.data.decidedOn, e.data.amountOre);
    if (e.type === 'FundWithdrawn') money(e.data.initiativeId, 'withdrawn', e.data.bookedOn, e.data.amountOre);
    if (e.type === 'FundReturned') money(e.data.initiativeId, 'returned', e.data.bookedOn, e.data.amountOre);
    if (!isBooking(e)) return;
    const year = yearOf(e.data.bookedOn);
    const [d, w, r] = e.type === 'FundDeposited' ? [e.data.amountOre, 0, 0] : e.type === 'FundWithdrawn' ? [0, e.data.amountOre, 0] : [0, 0, e.data.amountOre];
    this.db.stmt(
      `INSERT INTO year_movements (year, deposits_ore, withdrawals_ore, returns_ore) VALUES (?, ?, ?, ?)
       ON CONFLICT(year) DO UPDATE SET deposits_ore = deposits_ore + excluded.deposits_ore,
         withdrawals_ore = withdrawals_ore + excluded.withdrawals_ore, returns_ore = returns_ore + excluded.returns_ore`,
    ).run(year, d, w, r);
    this.db.stmt(
      `INSERT OR REPLACE INTO ledger (position, type, booked_on, year, amount_ore, delta_ore, initiative_id, source, reference, reason, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      event.position,
      e.type,
      e.data.bookedOn,
      year,
      e.data.amountOre,
      e.type === 'FundWithdrawn' ? -e.data.amountOre : e.data.amountOre,
      'initiativeId' in e.data ? e.data.initiativeId : null,
      'source' in e.data ? e.data.source : null,
      'reference' in e.data ? (e.data.reference ?? null) : null,
      'reason' in e.data ? (e.data.reason ?? null) : null,
      event.metadata.recordedAt,
    );
  }

  protected override flush(): void {
    if (!this.pending) return;
    const { scalars: s, position } = this.pending;
    this.db
      .stmt('INSERT OR REPLACE INTO fund_versions (valid_from_pos, balance_ore, committed_ore, first_booking_year, last_closed_year) VALUES (?, ?, ?, ?, ?)')
      .run(position, s.balanceOre, s.committedOre, s.firstBookingYear, s.lastClosedYear);
    this.pending = null;
  }

  protected override discard(): void {
    this.dateOrder = null;
    this.pending = null;
  }

  /** The fund's scalar state, now or as known at a position: one indexed lookup in the temporal table. */
  scalars(untilPosition: number = Number.MAX_SAFE_INTEGER): FundScalars {
    this.ready();
    return scalarsOf(
      this.db
        .stmt('SELECT balance_ore, committed_ore, first_booking_year, last_closed_year FROM fund_versions WHERE valid_from_pos <= ? ORDER BY valid_from_pos DESC LIMIT 1')
        .get(untilPosition) as ScalarRow | undefined,
    );
  }

  /** What was granted (by decision date), paid out and returned (by booking date) up to and including `asOf`. */
  moneyOf(initiativeId: string, asOf: string, untilPosition: number = Number.MAX_SAFE_INTEGER): InitiativeMoneyAsOf {
    this.ready();
    const rows = this.db
      .stmt('SELECT kind, SUM(amount_ore) AS sum FROM initiative_money WHERE initiative_id = ? AND position <= ? AND on_date <= ? GROUP BY kind')
      .all(initiativeId, untilPosition, asOf) as { kind: string; sum: number }[];
    const sums = { grantedOre: 0, withdrawnOre: 0, returnedOre: 0 };
    for (const r of rows) {
      if (r.kind === 'granted') sums.grantedOre = r.sum;
      else if (r.kind === 'withdrawn') sums.withdrawnOre = r.sum;
      else sums.returnedOre = r.sum;
    }
    return sums;
  }

  /** The whole fund state as the domain folds it (every initiative's money, the booking chain): for a replay's snapshot. */
  state(): Fund {
    const s = this.scalars();
    const byInitiative: Record<string, InitiativeMoney> = {};
    const rows = this.db.stmt('SELECT initiative_id, kind, on_date, amount_ore FROM initiative_money ORDER BY position').all() as {
      initiative_id: string;
      kind: string;
      on_date: string;
      amount_ore: number;
    }[];
    for (const r of rows) {
      const m = byInitiative[r.initiative_id] ?? { grantedOre: 0, withdrawnOre: 0, returnedOre: 0, firstGrantOn: null };
      byInitiative[r.initiative_id] =
        r.kind === 'granted'
          ? { ...m, grantedOre: m.grantedOre + r.amount_ore, firstGrantOn: m.firstGrantOn === null || r.on_date < m.firstGrantOn ? r.on_date : m.firstGrantOn }
          : r.kind === 'withdrawn'
            ? { ...m, withdrawnOre: m.withdrawnOre + r.amount_ore }
            : { ...m, returnedOre: m.returnedOre + r.amount_ore };
    }
    let lastBooking: BookingEntry | null = null;
    for (const r of this.db.stmt('SELECT booked_on, delta_ore FROM ledger ORDER BY position').all() as { booked_on: string; delta_ore: number }[])
      lastBooking = { bookedOn: r.booked_on, deltaOre: r.delta_ore, previous: lastBooking };
    return { ...s, byInitiative, lastBooking };
  }

  /** Every booking in business-date order (recorded order within a day), with the running balance. */
  bookings(untilPosition: number = Number.MAX_SAFE_INTEGER): LedgerRow[] {
    return this.bookingsPage(untilPosition, 0, Number.MAX_SAFE_INTEGER).rows;
  }

  /**
   * One page of the bookings in business-date order, paged in the query (`LIMIT/OFFSET` on `ledger_by_date`):
   * the balance before the page is one `SUM` over the rows before it, so a page costs its own rows, never the
   * whole ledger's. `total` counts every booking up to `untilPosition`.
   */
  bookingsPage(untilPosition: number, offset: number, limit: number): { total: number; rows: LedgerRow[] } {
    this.ready();
    const { total } = this.db.stmt('SELECT COUNT(*) AS total FROM ledger WHERE position <= ?').get(untilPosition) as { total: number };
    // The rows as arrays (rawStmt): built into LedgerRows directly, not first into better-sqlite3's own objects.
    const rows = this.db
      .rawStmt(
        `SELECT position, type, booked_on, amount_ore, delta_ore, initiative_id, source, reference, reason, recorded_at
         FROM ledger WHERE position <= ? ORDER BY booked_on, position LIMIT ? OFFSET ?`,
      )
      .all(untilPosition, limit, offset) as LedgerSqlTuple[];
    let balance = 0;
    if (offset > 0 && rows.length > 0) balance = this.balanceBefore(rows[0]![0], untilPosition);
    return { total, rows: rows.map((r) => ledgerRowOfTuple(r, (balance += r[4]))) };
  }

  /**
   * The bookings in business-date order (recorded order within a day): each one's position and the running sum
   * of the changes before it; kept while the ledger's last position stays the same (rows are only ever added,
   * each with a new position: one lookup of the largest tells whether the file has moved on).
   */
  private dateOrder: { last: number; positions: number[]; sumsBefore: number[]; deltas: number[]; indexOf: Map<number, number> } | null = null;

  /**
   * The fund's balance before the booking at `position`, counting the bookings recorded up to `untilPosition`.
   * Was one SUM per page whose `position <= ?` filter made SQLite scan every booking's row (1.1 ms a ledger page
   * at 1,000,000 events); now, with the ledger unchanged since the last page, a lookup (or, known at an earlier
   * position, one pass over the sums in memory).
   */
  private balanceBefore(position: number, untilPosition: number): number {
    const last = (this.db.stmt('SELECT MAX(position) AS p FROM ledger').get() as { p: number | null }).p ?? 0;
    if (this.dateOrder?.last !== last) {
      const positions: number[] = [];
      const deltas: number[] = [];
      const sumsBefore: number[] = [];
      const indexOf = new Map<number, number>();
      let sum = 0;
      for (const r of this.db.stmt('SELECT position, delta_ore FROM ledger ORDER BY booked_on, position').iterate() as IterableIterator<{ position: number; delta_ore: number }>) {
        indexOf.set(r.position, positions.length);
        positions.push(r.position);
        deltas.push(r.delta_ore);
        sumsBefore.push(sum);
        sum += r.delta_ore;
      }
      this.dateOrder = { last, positions, sumsBefore, deltas, indexOf };
    }
    const order = this.dateOrder;
    const at = order.indexOf.get(position);
    if (at === undefined) {
      // Not a booking of the file as last read (it was rebuilt meanwhile): the sum in SQL, as a page always did.
      this.dateOrder = null;
      const first = this.db.stmt('SELECT booked_on FROM ledger WHERE position = ?').get(position) as { booked_on: string } | undefined;
      if (!first) return 0;
      return (
        this.db
          .stmt('SELECT COALESCE(SUM(delta_ore), 0) AS sum FROM ledger WHERE position <= ? AND (booked_on < ? OR (booked_on = ? AND position < ?))')
          .get(untilPosition, first.booked_on, first.booked_on, position) as { sum: number }
      ).sum;
    }
    if (untilPosition >= last) return order.sumsBefore[at]!;
    let balance = 0;
    for (let i = 0; i < at; i++) if (order.positions[i]! <= untilPosition) balance += order.deltas[i]!;
    return balance;
  }

  /** The global position at which `year` was closed, or null while it is open. */
  yearClosedAt(year: number, untilPosition: number = Number.MAX_SAFE_INTEGER): number | null {
    this.ready();
    const row = this.db.stmt('SELECT MAX(position) AS p FROM year_closed WHERE year = ? AND position <= ?').get(year, untilPosition) as { p: number | null };
    return row.p;
  }

  movementsOf(year: number, untilPosition?: number): YearMovements {
    this.ready();
    const row =
      untilPosition === undefined
        ? (this.db.stmt('SELECT deposits_ore AS d, withdrawals_ore AS w, returns_ore AS r FROM year_movements WHERE year = ?').get(year) as
            | { d: number; w: number; r: number }
            | undefined)
        : (this.db
            .stmt(
              `SELECT COALESCE(SUM(CASE WHEN type = 'FundDeposited' THEN amount_ore END), 0) AS d,
                      COALESCE(SUM(CASE WHEN type = 'FundWithdrawn' THEN amount_ore END), 0) AS w,
                      COALESCE(SUM(CASE WHEN type = 'FundReturned' THEN amount_ore END), 0) AS r
               FROM ledger WHERE year = ? AND position <= ?`,
            )
            .get(year, untilPosition) as { d: number; w: number; r: number });
    return row ? { depositsOre: row.d, withdrawalsOre: row.w, returnsOre: row.r } : noMovements();
  }
  /**
   * Up to `limit` bookings in business-date order after the key `after` (a day and a position: keyset paging on
   * `ledger_by_date`), up to `untilPosition`, each with the balance after it. The balance before the first is
   * `balanceBeforeOre` when the caller carries it from the page before, else one `SUM` over the rows before the key.
   * For reads that walk the ledger a page at a time (the exports): each page costs its own rows.
   */
  bookingsAfter(untilPosition: number, after: { bookedOn: string; position: number }, limit: number, balanceBeforeOre?: number): LedgerRow[] {
    this.ready();
    const rows = this.db
      .stmt(
        `SELECT position, type, booked_on, amount_ore, delta_ore, initiative_id, source, reference, reason, recorded_at
         FROM ledger WHERE position <= ? AND (booked_on > ? OR (booked_on = ? AND position > ?)) ORDER BY booked_on, position LIMIT ?`,
      )
      .all(untilPosition, after.bookedOn, after.bookedOn, after.position, limit) as LedgerSqlRow[];
    let balance = balanceBeforeOre ?? this.balanceThrough(untilPosition, after.bookedOn, after.position);
    return rows.map((r) => ledgerRowOf(r, (balance += r.delta_ore)));
  }

  /** The positions of the fund's events that name the initiative (its grants, payouts and returns), in log order: an indexed read. */
  positionsOf(initiativeId: string): number[] {
    this.ready();
    return (this.db.stmt('SELECT position FROM initiative_money WHERE initiative_id = ? ORDER BY position').all(initiativeId) as { position: number }[]).map(
      (r) => r.position,
    );
  }

  /** One initiative's payouts and returns in business-date order, each with the fund's balance after it (indexed reads). */
  bookingsOf(initiativeId: string, untilPosition: number = Number.MAX_SAFE_INTEGER): LedgerRow[] {
    this.ready();
    const rows = this.db
      .stmt(
        `SELECT l.position, l.type, l.booked_on, l.amount_ore, l.delta_ore, l.initiative_id, l.source, l.reference, l.reason, l.recorded_at
         FROM initiative_money m JOIN ledger l ON l.position = m.position
         WHERE m.initiative_id = ? AND m.kind IN ('withdrawn', 'returned') AND l.position <= ? ORDER BY l.booked_on, l.position`,
      )
      .all(initiativeId, untilPosition) as LedgerSqlRow[];
    return rows.map((r) => ledgerRowOf(r, this.balanceThrough(untilPosition, r.booked_on, r.position)));
  }

  /** The ids of the initiatives granted money by `asOf` (decision date), in the order of their first grant. */
  grantedIds(asOf: string, untilPosition: number = Number.MAX_SAFE_INTEGER): string[] {
    this.ready();
    const rows = this.db
      .stmt(`SELECT initiative_id AS id FROM initiative_money WHERE kind = 'granted' AND position <= ? AND on_date <= ? GROUP BY initiative_id ORDER BY MIN(position)`)
      .all(untilPosition, asOf) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** The balance after every booking up to and including (day, position) in business-date order. */
  private balanceThrough(untilPosition: number, bookedOn: string, position: number): number {
    const row = this.db
      .stmt('SELECT COALESCE(SUM(delta_ore), 0) AS sum FROM ledger WHERE position <= ? AND (booked_on < ? OR (booked_on = ? AND position <= ?))')
      .get(untilPosition, bookedOn, bookedOn, position) as { sum: number };
    return row.sum;
  }
}

const ledgerRowOf = (r: LedgerSqlRow, balanceAfterOre: number): LedgerRow => ({
  position: r.position,
  type: r.type,
  bookedOn: r.booked_on,
  amountOre: r.amount_ore,
  initiativeId: r.initiative_id,
  source: r.source,
  reference: r.reference,
  reason: r.reason,
  recordedAt: r.recorded_at,
  balanceAfterOre,
});

/** A ledger row as bookingsPage selects it, as an array (rawStmt). */
type LedgerSqlTuple = [
  position: number,
  type: LedgerRow['type'],
  booked_on: string,
  amount_ore: number,
  delta_ore: number,
  initiative_id: string | null,
  source: string | null,
  reference: string | null,
  reason: string | null,
  recorded_at: string,
];

/** The same LedgerRow as ledgerRowOf, fields in the same order. */
const ledgerRowOfTuple = (r: LedgerSqlTuple, balanceAfterOre: number): LedgerRow => ({
  position: r[0],
  type: r[1],
  bookedOn: r[2],
  amountOre: r[3],
  initiativeId: r[5],
  source: r[6],
  reference: r[7],
  reason: r[8],
  recordedAt: r[9],
  balanceAfterOre,
});

interface LedgerSqlRow {
  position: number;
  type: LedgerRow['type'];
  booked_on: string;
  amount_ore: number;
  delta_ore: number;
  initiative_id: string | null;
  source: string | null;
  reference: string | null;
  reason: string | null;
  recorded_at: string;
}

export const notFundEvent = (event: RecordedEvent): UnreadableEvent =>
  new UnreadableEvent(event.position, event.stream, event.type, event.metadata.schemaVersion, 'malformed', `${event.type} does not belong in the stream ${event.stream}`);
