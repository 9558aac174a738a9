import { Inject, Injectable, Optional } from '@nestjs/common';
import { emptyFund, type Fund, type InitiativeMoney, type InitiativeState } from '@dgr/domain';
import type { RecordedEvent } from '@dgr/event-store';
import { balanceByDate, RuleChecker, type BookingSeen, type RuleCheckState, type RuleViolation } from '../audit/rule-check';
import { PersistentProjection, type ParsedEvent } from './persistent-projection';
import { ReadModelDb } from '@dgr/read-model-store';
import { stateFromJson, stateToJson } from './state-json';

type FundScalars = Omit<Fund, 'byInitiative' | 'lastBooking'>;

/** Initiatives whose rule-scan state is remembered between batches. */
const REMEMBERED = 1024;

/**
 * The rule scan's working state in the read-model file, so that a restart continues the scan where it
 * stopped and answers as a scan of the whole log would. What a batch reads and changes is kept in memory
 * until its end, then written in the batch's transaction.
 */
class SqlRuleCheckState implements RuleCheckState {
  private readonly initiatives = new Map<string, InitiativeState>();
  /** Initiatives' states as this instance last wrote them (see InitiativesProjection's memo; forgotten likewise). */
  private readonly remembered = new Map<string, InitiativeState>();
  private readonly money = new Map<string, InitiativeMoney | null>();
  private scalars: FundScalars | null = null;
  private dirtyFund = false;
  private readonly dirtyInitiatives = new Set<string>();
  private readonly dirtyMoney = new Set<string>();

  constructor(private readonly db: ReadModelDb) {}

  initiative(id: string): InitiativeState {
    if (!this.initiatives.has(id) && this.remembered.has(id)) this.initiatives.set(id, this.remembered.get(id)!);
    if (!this.initiatives.has(id)) {
      const row = this.db.stmt('SELECT state_json FROM rule_initiatives WHERE id = ?').get(id) as { state_json: string } | undefined;
      this.initiatives.set(id, row ? stateFromJson<InitiativeState>(row.state_json) : null);
    }
    return this.initiatives.get(id)!;
  }

  setInitiative(id: string, state: InitiativeState): void {
    this.initiatives.set(id, state);
    this.dirtyInitiatives.add(id);
  }

  reservation(id: string): InitiativeState | undefined {
    const row = this.db.stmt('SELECT state_json FROM rule_reservations WHERE id = ?').get(id) as { state_json: string } | undefined;
    return row ? stateFromJson<InitiativeState>(row.state_json) : undefined;
  }

  setReservation(id: string, state: InitiativeState): void {
    this.db.stmt('INSERT OR REPLACE INTO rule_reservations (id, state_json) VALUES (?, ?)').run(id, stateToJson(state));
  }

  private moneyOf(id: string): InitiativeMoney | null {
    if (!this.money.has(id)) {
      const row = this.db.stmt('SELECT json FROM rule_money WHERE initiative_id = ?').get(id) as { json: string } | undefined;
      this.money.set(id, row ? (JSON.parse(row.json) as InitiativeMoney) : null);
    }
    return this.money.get(id)!;
  }

  fund(initiativeId: string | null): Fund {
    if (!this.scalars) {
      const row = this.db.stmt('SELECT json FROM rule_fund WHERE k = 1').get() as { json: string } | undefined;
      this.scalars = row ? (JSON.parse(row.json) as FundScalars) : { ...emptyFund };
    }
    const money = initiativeId === null ? null : this.moneyOf(initiativeId);
    return { ...emptyFund, ...this.scalars, byInitiative: money && initiativeId !== null ? { [initiativeId]: money } : {}, lastBooking: null };
  }

  setFund(fund: Fund, initiativeId: string | null): void {
    this.scalars = { balanceOre: fund.balanceOre, committedOre: fund.committedOre, firstBookingYear: fund.firstBookingYear, lastClosedYear: fund.lastClosedYear };
    this.dirtyFund = true;
    if (initiativeId !== null && fund.byInitiative[initiativeId]) {
      this.money.set(initiativeId, fund.byInitiative[initiativeId]!);
      this.dirtyMoney.add(initiativeId);
    }
  }

  addBooking(b: BookingSeen): void {
    this.db
      .stmt('INSERT OR REPLACE INTO rule_bookings (position, stream, revision, type, booked_on, delta_ore) VALUES (?, ?, ?, ?, ?, ?)')
      .run(b.position, b.stream, b.revision, b.type, b.bookedOn, b.deltaOre);
  }

  bookingsByDate(untilPosition: number = Number.MAX_SAFE_INTEGER): Iterable<BookingSeen> {
    return (
      this.db
        .stmt('SELECT position, stream, revision, type, booked_on AS bookedOn, delta_ore AS deltaOre FROM rule_bookings WHERE position <= ? ORDER BY booked_on, position')
        .iterate(untilPosition) as Iterable<BookingSeen>
    );
  }

  addViolation(v: RuleViolation): void {
    this.db.stmt('INSERT INTO rule_violations (position, initiative_id, json) VALUES (?, ?, ?)').run(v.position, v.initiativeId, JSON.stringify(v));
  }

  violations(untilPosition: number = Number.MAX_SAFE_INTEGER): RuleViolation[] {
    return (this.db.stmt('SELECT json FROM rule_violations WHERE position <= ? ORDER BY seq').all(untilPosition) as { json: string }[]).map(
      (r) => JSON.parse(r.json) as RuleViolation,
    );
  }

  violationsOf(initiativeId: string, untilPosition: number = Number.MAX_SAFE_INTEGER): RuleViolation[] {
    return (
      this.db.stmt('SELECT json FROM rule_violations WHERE initiative_id = ? AND position <= ? ORDER BY seq').all(initiativeId, untilPosition) as {
        json: string;
      }[]
    ).map((r) => JSON.parse(r.json) as RuleViolation);
  }

  flush(): void {
    const putInitiative = this.db.stmt('INSERT OR REPLACE INTO rule_initiatives (id, state_json) VALUES (?, ?)');
    for (const id of this.dirtyInitiatives) {
      const state = this.initiatives.get(id)!;
      putInitiative.run(id, stateToJson(state));
      this.remembered.delete(id);
      this.remembered.set(id, state);
    }
    for (const id of this.remembered.keys()) {
      if (this.remembered.size <= REMEMBERED) break;
      this.remembered.delete(id);
    }
    const putMoney = this.db.stmt('INSERT OR REPLACE INTO rule_money (initiative_id, json) VALUES (?, ?)');
    for (const id of this.dirtyMoney) putMoney.run(id, JSON.stringify(this.money.get(id)));
    if (this.dirtyFund) this.db.stmt('INSERT OR REPLACE INTO rule_fund (k, json) VALUES (1, ?)').run(JSON.stringify(this.scalars));
    this.discard();
  }

  /** Forgets the remembered states (the batch rolled back, or the file was written by another). */
  forget(): void {
    this.remembered.clear();
  }

  discard(): void {
    this.initiatives.clear();
    this.money.clear();
    this.scalars = null;
    this.dirtyFund = false;
    this.dirtyInitiatives.clear();
    this.dirtyMoney.clear();
  }
}

/**
 * The business rules the log breaks, if any (ADR 0010): the same scan as `dgr verify`, fed in log order with
 * the other read models, so that the initiative's API and page and the annual report show a violation that
 * an older log holds (a grant on a cancelled initiative…) without scanning the log per request. The scan's
 * state and its findings are rows of the read-model file (ADR 0018); a violation at position p depends only
 * on the events up to p, so "as known at P" is `position <= P`.
 */
@Injectable()
export class RuleViolationsProjection extends PersistentProjection {
  protected readonly name = 'rule-violations';
  /** 2: a decision again on a newer version after a revision is no second-decision (issue 15). */
  protected readonly version = 2;
  protected readonly tables = ['rule_initiatives', 'rule_reservations', 'rule_fund', 'rule_money', 'rule_bookings', 'rule_violations'] as const;
  protected readonly schema = `
    CREATE TABLE IF NOT EXISTS rule_initiatives (id TEXT PRIMARY KEY, state_json TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS rule_reservations (id TEXT PRIMARY KEY, state_json TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS rule_fund (k INTEGER PRIMARY KEY CHECK (k = 1), json TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS rule_money (initiative_id TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS rule_bookings (
      position INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL,
      booked_on TEXT NOT NULL, delta_ore INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS rule_bookings_by_date ON rule_bookings (booked_on, position);
    CREATE TABLE IF NOT EXISTS rule_violations (seq INTEGER PRIMARY KEY, position INTEGER NOT NULL, initiative_id TEXT, json TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS rule_violations_by_initiative ON rule_violations (initiative_id, seq);
    CREATE INDEX IF NOT EXISTS rule_violations_by_position ON rule_violations (position);`;

  private readonly state: SqlRuleCheckState;
  private readonly checker: RuleChecker;

  constructor(@Optional() @Inject(ReadModelDb) db?: ReadModelDb) {
    super(db ?? new ReadModelDb());
    this.state = new SqlRuleCheckState(this.db);
    this.checker = new RuleChecker(this.state);
  }

  apply(event: RecordedEvent): void {
    this.applyBatch([{ event, domain: null }]);
  }

  protected applyEvent({ event }: ParsedEvent): void {
    this.checker.add(event);
  }

  protected override flush(): void {
    this.state.flush();
  }

  protected override discard(): void {
    this.state?.discard();
    this.state?.forget();
  }

  protected override forget(): void {
    this.state?.forget();
  }

  /** Every violation so far (or known at a position), in log order, with the balance by business date. */
  all(untilPosition?: number): RuleViolation[] {
    this.ready();
    const negative = balanceByDate(this.state.bookingsByDate(untilPosition));
    const found = this.state.violations(untilPosition);
    return negative ? [...found, negative].sort((a, b) => a.position - b.position) : found;
  }

  forInitiative(initiativeId: string, untilPosition?: number): RuleViolation[] {
    this.ready();
    return this.state.violationsOf(initiativeId, untilPosition);
  }
}
