import { Injectable } from '@nestjs/common';
import {
  bookingDelta,
  emptyFund,
  evolveFund,
  FUND_STREAM,
  isBooking,
  yearOf,
  type Fund,
  type FundEvent,
} from '../../../domain/src';
import type { RecordedEvent } from '../../../event-store/src';

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
  readonly balanceAfterOre: number;
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
  private readonly ledger: LedgerRow[] = [];
  private readonly years = new Map<number, YearMovements>();

  apply(event: RecordedEvent): void {
    if (event.stream !== FUND_STREAM) return;
    const e = event as unknown as FundEvent;
    this.fund = evolveFund(this.fund, e);
    if (!isBooking(e)) return;
    const year = yearOf(e.data.bookedOn);
    const movements = this.years.get(year) ?? { depositsOre: 0, withdrawalsOre: 0, returnsOre: 0 };
    if (e.type === 'FundDeposited') movements.depositsOre += e.data.amountOre;
    else if (e.type === 'FundWithdrawn') movements.withdrawalsOre += e.data.amountOre;
    else movements.returnsOre += e.data.amountOre;
    this.years.set(year, movements);
    const previous = this.ledger.length > 0 ? this.ledger[this.ledger.length - 1]!.balanceAfterOre : 0;
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
      balanceAfterOre: previous + bookingDelta(e),
    });
  }

  state(): Fund {
    return this.fund;
  }

  bookings(): readonly LedgerRow[] {
    return this.ledger;
  }

  movementsOf(year: number): YearMovements {
    return this.years.get(year) ?? { depositsOre: 0, withdrawalsOre: 0, returnsOre: 0 };
  }
}
