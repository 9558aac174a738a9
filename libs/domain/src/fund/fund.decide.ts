import { addDays, isCalendarDate, stockholmDateOf, yearOf, type CalendarDate } from '../calendar';
import { consensusAsOf, type FinalityView } from '../consensus';
import { DateNotAllowed, InvalidInput } from '../errors';
import { InitiativeCancelledError, InitiativeNotFound } from '../initiative/initiative.errors';
import type { GrantReservationReleased, GrantReserved } from '../initiative/initiative.events';
import type { InitiativeState } from '../initiative/initiative.state';
import { formatOre as kr } from '../money';
import { partyName } from '../parties';
import type { NotFinalReason } from '../finality';
import type { AwardGrant, CloseYear, DepositToFund, ReturnToFund, WithdrawFromFund } from './fund.commands';
import {
  ConsensusNotFinal,
  GrantExceedsRequest,
  InsufficientAvailableFunds,
  InsufficientBalance,
  NoConsensus,
  NotGranted,
  ReturnExceedsWithdrawn,
  WithdrawalExceedsGrant,
  YearAlreadyClosed,
  YearCannotBeClosed,
  YearClosedError,
} from './fund.errors';
import type { FundDeposited, FundReturned, FundWithdrawn, GrantAwarded, YearClosed } from './fund.events';
import { availableOre, bookingsOf, moneyOf, type Fund } from './fund.state';

const positiveAmount = (value: unknown): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    throw new InvalidInput('amountOre', 'amountOre måste vara ett positivt heltal öre.');
  return value;
};

const text = (field: string, value: unknown): string => {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidInput(field, `${field} får inte vara tomt.`);
  return value.trim();
};

const date = (field: string, value: unknown, now: string): CalendarDate => {
  if (!isCalendarDate(value)) throw new InvalidInput(field, `${field} måste vara ett datum på formen ÅÅÅÅ-MM-DD.`);
  const today = stockholmDateOf(now);
  if (value > today) throw new DateNotAllowed(`${field} ${value} ligger i framtiden (i dag är det ${today}).`);
  return value;
};

/** A booking's business date decides its year; a closed year (and every year before it) takes no more bookings. */
const bookingDate = (value: unknown, fund: Fund, now: string): CalendarDate => {
  const bookedOn = date('bookedOn', value, now);
  if (fund.lastClosedYear !== null && yearOf(bookedOn) <= fund.lastClosedYear)
    throw new YearClosedError(
      `Bokföringsdagen ${bookedOn} ligger i ett stängt år: år ${fund.lastClosedYear} och tidigare är stängda.`,
    );
  return bookedOn;
};

/**
 * The balance may never go below zero, on any day: a booking dated in the past is placed among
 * the bookings by date, and the running balance must stay at or above zero from there on.
 */
const lowestBalanceFrom = (fund: Fund, bookedOn: CalendarDate): number => {
  const sorted = bookingsOf(fund).sort((a, b) => (a.bookedOn < b.bookedOn ? -1 : a.bookedOn > b.bookedOn ? 1 : 0));
  let running = 0;
  let lowest = Number.POSITIVE_INFINITY;
  for (const b of sorted) {
    if (b.bookedOn > bookedOn) lowest = Math.min(lowest, running); // the balance on `bookedOn` itself
    running += b.deltaOre;
    if (b.bookedOn >= bookedOn) lowest = Math.min(lowest, running);
  }
  return Math.min(lowest, running);
};

export const depositToFund = (cmd: DepositToFund, fund: Fund): FundDeposited => ({
  type: 'FundDeposited',
  data: {
    amountOre: positiveAmount(cmd.data.amountOre),
    source: text('source', cmd.data.source),
    bookedOn: bookingDate(cmd.data.bookedOn, fund, cmd.metadata.now),
    reference: text('reference', cmd.data.reference),
  },
});

/** How strict grants are; from the configuration (`DGR_REQUIRE_FINAL_CONSENSUS`). */
export interface GrantPolicy {
  /** Grants wait until the consensus is final (laga kraft) as of the grant's date. */
  readonly requireFinalConsensus: boolean;
}

export const DEFAULT_GRANT_POLICY: GrantPolicy = { requireFinalConsensus: false };

const notFinalText = (reason: NotFinalReason, until: CalendarDate | null): string => {
  switch (reason) {
    case 'no-notice':
      return 'anslag av justerat protokoll är inte registrerat, så överklagandetiden har inte börjat';
    case 'appeal-window':
      return `överklagandetiden löper till och med ${until ?? '?'} (laga kraft tidigast ${until ? addDays(until, 1) : '?'})`;
    case 'appeal-pending':
      return until === null
        ? 'ett överklagande är inte avgjort'
        : `överklagandet avgjordes ${until} (laga kraft från ${addDays(until, 1)})`;
  }
};

const notFinalDetail = (notFinal: FinalityView['notFinal']): string =>
  notFinal.map((n) => `${partyName(n.party)}: ${notFinalText(n.reason, n.until)}`).join('; ');

/**
 * A grant needs the initiative's consensus as of the grant's date, may not take the total granted
 * over the requested amount, nor over the money available (balance − committed). Under
 * `policy.requireFinalConsensus` the consensus must also be final (laga kraft) as of that date.
 */
export const awardGrant = (
  cmd: AwardGrant,
  fund: Fund,
  initiative: InitiativeState,
  policy: GrantPolicy = DEFAULT_GRANT_POLICY,
): GrantAwarded => {
  const { initiativeId } = cmd.data;
  if (!initiative) throw new InitiativeNotFound(initiativeId);
  if (initiative.cancellation) throw new InitiativeCancelledError(initiativeId, initiative.cancellation.cancelledOn);
  const amountOre = positiveAmount(cmd.data.amountOre);
  const decidedOn = date('decidedOn', cmd.data.decidedOn, cmd.metadata.now);

  const consensus = consensusAsOf(initiative, decidedOn);
  if (consensus.status !== 'consensus') {
    const names = (ids: string[]) => ids.map((id) => partyName(id as never)).join(', ');
    const why =
      consensus.rejected.length > 0
        ? `${names(consensus.rejected)} har avslagit det`
        : `beslut saknas från ${names(consensus.missing)}`;
    throw new NoConsensus(`Initiativet har inte konsensus per ${decidedOn}: ${why}.`);
  }
  if (policy.requireFinalConsensus && !consensus.finality.final)
    throw new ConsensusNotFinal(
      `Initiativets konsensus har inte vunnit laga kraft per ${decidedOn}, och medel beviljas först då ` +
        `(DGR_REQUIRE_FINAL_CONSENSUS). Inte slutliga beslut: ${notFinalDetail(consensus.finality.notFinal)}.`,
    );

  const already = moneyOf(fund, initiativeId).grantedOre;
  if (already + amountOre > initiative.requestedAmountOre)
    throw new GrantExceedsRequest(
      `Beviljat totalt skulle bli ${kr(already + amountOre)}, men initiativet söker ${kr(initiative.requestedAmountOre)}` +
        (already > 0 ? ` (redan beviljat: ${kr(already)}).` : '.'),
    );
  const available = availableOre(fund);
  if (amountOre > available)
    throw new InsufficientAvailableFunds(
      `Fonden har ${kr(available)} disponibelt (saldo ${kr(fund.balanceOre)} minus beviljat men ej utbetalt ${kr(fund.committedOre)}); ${kr(amountOre)} kan inte beviljas.`,
    );

  return {
    type: 'GrantAwarded',
    data: { initiativeId, amountOre, decidedOn, reference: text('reference', cmd.data.reference) },
  };
};

/**
 * A grant as two facts (ADR 0010): the fund's `GrantAwarded` and the `GrantReserved` it appends to the
 * initiative's stream, with the revision of the initiative it was decided on. `reservationId` is made by
 * the caller (one per grant, stable across retries of the same request).
 */
export const reserveGrant = (grant: GrantAwarded, reservationId: string): { grant: GrantAwarded; reservation: GrantReserved } => ({
  grant: { type: 'GrantAwarded', data: { ...grant.data, reservationId } },
  reservation: {
    type: 'GrantReserved',
    data: {
      initiativeId: grant.data.initiativeId,
      reservationId,
      amountOre: grant.data.amountOre,
      decidedOn: grant.data.decidedOn,
      reference: grant.data.reference,
    },
  },
});

/** The compensating event of a reservation whose grant was not written (EventStoreDB's two-step write). */
export const releaseGrantReservation = (reservation: GrantReserved, reason: string): GrantReservationReleased => ({
  type: 'GrantReservationReleased',
  data: {
    initiativeId: reservation.data.initiativeId,
    reservationId: reservation.data.reservationId,
    amountOre: reservation.data.amountOre,
    reason,
  },
});

export const withdrawFromFund = (cmd: WithdrawFromFund, fund: Fund): FundWithdrawn => {
  const { initiativeId } = cmd.data;
  const amountOre = positiveAmount(cmd.data.amountOre);
  const bookedOn = bookingDate(cmd.data.bookedOn, fund, cmd.metadata.now);
  const money = moneyOf(fund, initiativeId);
  if (money.grantedOre === 0 || money.firstGrantOn === null)
    throw new NotGranted(`Initiativet ${initiativeId} har inte beviljats några medel ur DGR.`);
  if (bookedOn < money.firstGrantOn)
    throw new DateNotAllowed(`Utbetalningen ${bookedOn} ligger före beslutet om medel ${money.firstGrantOn}.`);
  const remaining = money.grantedOre - money.withdrawnOre;
  if (amountOre > remaining)
    throw new WithdrawalExceedsGrant(
      `Återstående beviljat belopp är ${kr(remaining)} (beviljat ${kr(money.grantedOre)}, utbetalt ${kr(money.withdrawnOre)}); ${kr(amountOre)} kan inte betalas ut.`,
    );
  const lowest = lowestBalanceFrom(fund, bookedOn);
  if (amountOre > lowest)
    throw new InsufficientBalance(
      `Fondens saldo från ${bookedOn} och framåt är som lägst ${kr(lowest)}; en utbetalning på ${kr(amountOre)} skulle göra det negativt.`,
    );
  return {
    type: 'FundWithdrawn',
    data: { initiativeId, amountOre, bookedOn, reference: text('reference', cmd.data.reference) },
  };
};

/** Återföring: at most what was paid out to the initiative and not yet returned. */
export const returnToFund = (cmd: ReturnToFund, fund: Fund): FundReturned => {
  const { initiativeId } = cmd.data;
  const amountOre = positiveAmount(cmd.data.amountOre);
  const bookedOn = bookingDate(cmd.data.bookedOn, fund, cmd.metadata.now);
  const money = moneyOf(fund, initiativeId);
  const returnable = money.withdrawnOre - money.returnedOre;
  if (amountOre > returnable)
    throw new ReturnExceedsWithdrawn(
      `Till initiativet har ${kr(money.withdrawnOre)} betalats ut och ${kr(money.returnedOre)} återförts; högst ${kr(returnable)} kan återföras.`,
    );
  return {
    type: 'FundReturned',
    data: { initiativeId, amountOre, bookedOn, reason: text('reason', cmd.data.reason) },
  };
};

/**
 * Years close in order, from the first booking's year, and only once they have ended in Sweden.
 * A closed year's figures are final: no booking may be dated in it or before it.
 */
export const closeYear = (cmd: CloseYear, fund: Fund): YearClosed => {
  const { year } = cmd.data;
  if (!Number.isInteger(year)) throw new InvalidInput('year', 'year måste vara ett heltal.');
  if (fund.lastClosedYear !== null && year <= fund.lastClosedYear) throw new YearAlreadyClosed(year);
  const thisYear = yearOf(stockholmDateOf(cmd.metadata.now));
  if (year >= thisYear) throw new YearCannotBeClosed(`År ${year} har inte tagit slut än och kan inte stängas.`);
  const next = fund.lastClosedYear !== null ? fund.lastClosedYear + 1 : fund.firstBookingYear;
  if (next === null) throw new YearCannotBeClosed('Fonden har inga bokningar än; det finns inget år att stänga.');
  if (year !== next)
    throw new YearCannotBeClosed(`År stängs i tur och ordning: nästa år att stänga är ${next}, inte ${year}.`);
  return { type: 'YearClosed', data: { year, closedAt: cmd.metadata.now } };
};
