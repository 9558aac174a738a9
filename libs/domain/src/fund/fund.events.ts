import type { CalendarDate } from '../calendar';
import type { Ore } from '../money';

/** Events of the one fund stream, the DGR ledger (`fund-dgr`). */

export const FUND_STREAM = 'fund-dgr';

export interface FundDeposited {
  readonly type: 'FundDeposited';
  readonly data: { readonly amountOre: Ore; readonly source: string; readonly bookedOn: CalendarDate; readonly reference: string };
}

/** Region Värmland grants money to an initiative that has consensus; it is committed until withdrawn. */
export interface GrantAwarded {
  readonly type: 'GrantAwarded';
  readonly data: {
    readonly initiativeId: string;
    readonly amountOre: Ore;
    readonly decidedOn: CalendarDate;
    readonly reference: string;
    /**
     * The reservation this grant made in the initiative's stream (ADR 0010), same id. Absent in grants
     * recorded before reservations existed.
     */
    readonly reservationId?: string;
  };
}

/** A payment out of the fund to a granted initiative. */
export interface FundWithdrawn {
  readonly type: 'FundWithdrawn';
  readonly data: {
    readonly initiativeId: string;
    readonly amountOre: Ore;
    readonly bookedOn: CalendarDate;
    readonly reference: string;
  };
}

/** Återföring: unspent money of an initiative returned to the fund. */
export interface FundReturned {
  readonly type: 'FundReturned';
  readonly data: {
    readonly initiativeId: string;
    readonly amountOre: Ore;
    readonly bookedOn: CalendarDate;
    readonly reason: string;
  };
}

/** A year's books are closed: no more bookings dated in it (or before it). */
export interface YearClosed {
  readonly type: 'YearClosed';
  readonly data: { readonly year: number; readonly closedAt: string };
}

export type FundEvent = FundDeposited | GrantAwarded | FundWithdrawn | FundReturned | YearClosed;
export type FundEventType = FundEvent['type'];

export const FUND_EVENT_TYPES: readonly FundEventType[] = [
  'FundDeposited',
  'GrantAwarded',
  'FundWithdrawn',
  'FundReturned',
  'YearClosed',
];

/** The bookings: events that move money and carry a business date. */
export type Booking = FundDeposited | FundWithdrawn | FundReturned;

export const isBooking = (e: FundEvent): e is Booking =>
  e.type === 'FundDeposited' || e.type === 'FundWithdrawn' || e.type === 'FundReturned';

/** What a booking does to the balance, in öre. */
export const bookingDelta = (e: Booking): Ore =>
  e.type === 'FundWithdrawn' ? -e.data.amountOre : e.data.amountOre;
