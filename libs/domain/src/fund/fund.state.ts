import { yearOf, type CalendarDate } from '../calendar';
import type { Ore } from '../money';
import { bookingDelta, isBooking, type FundEvent } from './fund.events';

export interface InitiativeMoney {
  readonly grantedOre: Ore;
  readonly withdrawnOre: Ore;
  readonly returnedOre: Ore;
  /** The day of the first grant; no payment may be booked before it. */
  readonly firstGrantOn: CalendarDate | null;
}

/** A booking's business date and effect on the balance. */
export interface BookingEntry {
  readonly bookedOn: CalendarDate;
  readonly deltaOre: Ore;
  readonly previous: BookingEntry | null;
}

/** Every booking, in the order recorded. */
export const bookingsOf = (fund: Fund): BookingEntry[] => {
  const list: BookingEntry[] = [];
  for (let b = fund.lastBooking; b !== null; b = b.previous) list.push(b);
  return list.reverse();
};

export interface Fund {
  /** Deposits − withdrawals + returns, over every booking. */
  readonly balanceOre: Ore;
  /** Granted and not yet withdrawn, over every initiative. */
  readonly committedOre: Ore;
  readonly byInitiative: Readonly<Record<string, InitiativeMoney>>;
  /** The latest booking; each links to the one recorded before it (shared, never copied, so folding stays linear). */
  readonly lastBooking: BookingEntry | null;
  readonly firstBookingYear: number | null;
  /** Years close in order; every year up to this one is closed. */
  readonly lastClosedYear: number | null;
}

export const emptyFund: Fund = {
  balanceOre: 0,
  committedOre: 0,
  byInitiative: {},
  lastBooking: null,
  firstBookingYear: null,
  lastClosedYear: null,
};

export const noMoney: InitiativeMoney = { grantedOre: 0, withdrawnOre: 0, returnedOre: 0, firstGrantOn: null };

export const moneyOf = (fund: Fund, initiativeId: string): InitiativeMoney =>
  fund.byInitiative[initiativeId] ?? noMoney;

/** Available to grant: the balance minus what is granted and not yet withdrawn. */
export const availableOre = (fund: Fund): Ore => fund.balanceOre - fund.committedOre;

const withMoney = (fund: Fund, initiativeId: string, change: (m: InitiativeMoney) => InitiativeMoney): Fund => ({
  ...fund,
  byInitiative: { ...fund.byInitiative, [initiativeId]: change(moneyOf(fund, initiativeId)) },
});

export const evolveFund = (fund: Fund, event: FundEvent): Fund => {
  let next = fund;
  if (isBooking(event)) {
    const { bookedOn } = event.data;
    const year = yearOf(bookedOn);
    next = {
      ...next,
      balanceOre: next.balanceOre + bookingDelta(event),
      lastBooking: { bookedOn, deltaOre: bookingDelta(event), previous: next.lastBooking },
      firstBookingYear: next.firstBookingYear === null ? year : Math.min(next.firstBookingYear, year),
    };
  }
  switch (event.type) {
    case 'FundDeposited':
      return next;
    case 'GrantAwarded': {
      const { initiativeId, amountOre, decidedOn } = event.data;
      return {
        ...withMoney(next, initiativeId, (m) => ({
          ...m,
          grantedOre: m.grantedOre + amountOre,
          firstGrantOn: m.firstGrantOn === null || decidedOn < m.firstGrantOn ? decidedOn : m.firstGrantOn,
        })),
        committedOre: next.committedOre + amountOre,
      };
    }
    case 'FundWithdrawn': {
      const { initiativeId, amountOre } = event.data;
      return {
        ...withMoney(next, initiativeId, (m) => ({ ...m, withdrawnOre: m.withdrawnOre + amountOre })),
        committedOre: next.committedOre - amountOre,
      };
    }
    case 'FundReturned': {
      const { initiativeId, amountOre } = event.data;
      return withMoney(next, initiativeId, (m) => ({ ...m, returnedOre: m.returnedOre + amountOre }));
    }
    case 'YearClosed':
      return { ...next, lastClosedYear: event.data.year };
    default: {
      const _never: never = event;
      throw new Error(`Unknown fund event ${JSON.stringify(_never)}`);
    }
  }
};

export const foldFund = (events: readonly FundEvent[]): Fund => events.reduce(evolveFund, emptyFund);
