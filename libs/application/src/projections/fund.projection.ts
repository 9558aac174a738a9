import { Injectable } from '@nestjs/common';
import {
  emptyFund,
  evolveFund,
  FUND_EVENT_TYPES,
  FUND_STREAM,
  isBooking,
  yearOf,
  type Fund,
  type FundEvent,
} from '@dgr/domain';
import { UnreadableEvent, type RecordedEvent } from '@dgr/event-store';
import { toDomainEvent } from '../domain-events';

const isFundEvent = (e: { type: string }): e is FundEvent => (FUND_EVENT_TYPES as readonly string[]).includes(e.type);

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

/** Money moved for one initiative, with the day that decides when it counts. */
interface MoneyEntry {
  readonly kind: 'granted' | 'withdrawn' | 'returned';
  readonly on: string;
  readonly amountOre: number;
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

/** The DGR ledger: the fund's state, every booking with the balance after it, and each year's movements. */
@Injectable()
export class FundProjection {
  private fund: Fund = emptyFund;
  private readonly ledger: Omit<LedgerRow, 'balanceAfterOre'>[] = [];
  private readonly money = new Map<string, MoneyEntry[]>();
  private readonly years = new Map<number, YearMovements>();
  /** The global position of each year's YearClosed event. */
  private readonly closedAt = new Map<number, number>();

  /** Folds the event when it is one of the fund's stream; throws UnreadableEvent for one this version cannot read. */
  apply(event: RecordedEvent): void {
    if (event.stream !== FUND_STREAM) return;
    const e = toDomainEvent(event);
    if (!isFundEvent(e))
      throw new UnreadableEvent(event.position, event.stream, event.type, event.metadata.schemaVersion, 'malformed', `${event.type} does not belong in the stream ${event.stream}`);
    this.fund = evolveFund(this.fund, e);
    if (e.type === 'YearClosed') this.closedAt.set(e.data.year, event.position);
    if (e.type === 'GrantAwarded') this.addMoney(e.data.initiativeId, 'granted', e.data.decidedOn, e.data.amountOre);
    if (e.type === 'FundWithdrawn') this.addMoney(e.data.initiativeId, 'withdrawn', e.data.bookedOn, e.data.amountOre);
    if (e.type === 'FundReturned') this.addMoney(e.data.initiativeId, 'returned', e.data.bookedOn, e.data.amountOre);
    if (!isBooking(e)) return;
    const year = yearOf(e.data.bookedOn);
    const movements = this.years.get(year) ?? { depositsOre: 0, withdrawalsOre: 0, returnsOre: 0 };
    if (e.type === 'FundDeposited') movements.depositsOre += e.data.amountOre;
    else if (e.type === 'FundWithdrawn') movements.withdrawalsOre += e.data.amountOre;
    else movements.returnsOre += e.data.amountOre;
    this.years.set(year, movements);
    this.ledger.push({
      position: event.position,
      type: e.type,
      bookedOn: e.data.bookedOn,
      amountOre: e.data.amountOre,
      initiativeId: 'initiativeId' in e.data ? e.data.initiativeId : null,
      source: 'source' in e.data ? e.data.source : null,
      reference: 'reference' in e.data ? e.data.reference : null,
      reason: 'reason' in e.data ? e.data.reason : null,
      recordedAt: event.metadata.recordedAt,
    });
  }

  private addMoney(initiativeId: string, kind: MoneyEntry['kind'], on: string, amountOre: number): void {
    const entries = this.money.get(initiativeId) ?? [];
    entries.push({ kind, on, amountOre });
    this.money.set(initiativeId, entries);
  }

  /** What was granted (by decision date), paid out and returned (by booking date) up to and including `asOf`. */
  moneyOf(initiativeId: string, asOf: string): InitiativeMoneyAsOf {
    const sums = { grantedOre: 0, withdrawnOre: 0, returnedOre: 0 };
    for (const m of this.money.get(initiativeId) ?? []) {
      if (m.on > asOf) continue;
      if (m.kind === 'granted') sums.grantedOre += m.amountOre;
      else if (m.kind === 'withdrawn') sums.withdrawnOre += m.amountOre;
      else sums.returnedOre += m.amountOre;
    }
    return sums;
  }

  state(): Fund {
    return this.fund;
  }

  /** Every booking in business-date order (recorded order within a day), with the running balance. */
  bookings(): LedgerRow[] {
    const byDate = [...this.ledger].sort((a, b) => (a.bookedOn < b.bookedOn ? -1 : a.bookedOn > b.bookedOn ? 1 : a.position - b.position));
    let balance = 0;
    return byDate.map((row) => {
      balance += row.type === 'FundWithdrawn' ? -row.amountOre : row.amountOre;
      return { ...row, balanceAfterOre: balance };
    });
  }

  /** The global position at which `year` was closed, or null while it is open. */
  yearClosedAt(year: number): number | null {
    return this.closedAt.get(year) ?? null;
  }

  movementsOf(year: number): YearMovements {
    return this.years.get(year) ?? { depositsOre: 0, withdrawalsOre: 0, returnsOre: 0 };
  }
}
