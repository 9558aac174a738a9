import {
  availableOre,
  consensusAsOf,
  emptyFund,
  evolve,
  evolveFund,
  formatOre as kr,
  FUND_STREAM,
  isBooking,
  proposalVersionOfDecision,
  isCalendarDate,
  moneyOf,
  PARTY_IDS,
  partyName,
  reservedOreOf,
  yearOf,
  type CalendarDate,
  type Fund,
  type FundEvent,
  type InitiativeEvent,
  type InitiativeState,
  type PartyId,
} from '@dgr/domain';

/**
 * The business rules a log must satisfy, checked by scanning it in log order (ADR 0010). The deciders keep
 * these rules when a command is written; this scan shows whether the log as stored keeps them — a log written
 * before every cross-stream rule was enforced by the log itself may not. `dgr verify`, GET /api/audit/verify,
 * the initiative's API and page and the annual report all show what it finds, by position.
 */
export type RuleCode =
  /** A grant to an initiative that was cancelled before the grant was recorded. */
  | 'grant-on-cancelled-initiative'
  /** A cancellation recorded after the initiative was granted money (or a grant was reserved). */
  | 'cancelled-after-grant'
  | 'grant-on-unknown-initiative'
  /** A grant without consensus as of its date, on the initiative as it stood when the grant was recorded. */
  | 'grant-without-consensus'
  | 'grant-exceeds-request'
  | 'grant-exceeds-available'
  /** More paid out to an initiative than it was granted. */
  | 'withdrawal-exceeds-grant'
  | 'payout-on-cancelled-initiative'
  | 'return-exceeds-withdrawn'
  /** The fund's balance, by business date, below zero on some day. */
  | 'negative-balance'
  /** A booking recorded after its year (or a later one) was closed. */
  | 'booking-in-closed-year'
  | 'year-closed-out-of-order'
  /**
   * A second registration of a party's decision on a version it had already decided (a change is a correction,
   * never a second registration; deciding again on a newer version after a revision is allowed, issue 15).
   */
  | 'second-decision'
  /** The event cannot be applied to the state before it at all (an event of a stream that was never begun…). */
  | 'event-not-applicable';

/**
 * Whether the party had already decided this version (or a later one) before this registration — the domain's
 * own rule (registerPartyDecision): a party decides once per version, again only on a newer one.
 */
const decidedThisVersionBefore = (before: InitiativeState, data: Record<string, unknown>): boolean => {
  const earlier = before?.decisions.get(data.party as PartyId);
  return earlier !== undefined && proposalVersionOfDecision(earlier) >= proposalVersionOfDecision(data as { proposalVersion?: number });
};

export interface RuleViolation {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly rule: RuleCode;
  /** The initiative the violation concerns, when it concerns one. */
  readonly initiativeId: string | null;
  /** The business year of the event (a grant's decision date, a booking's date, a cancellation's date), when it has one. */
  readonly year: number | null;
  /** What is wrong, in Swedish. */
  readonly description: string;
  /** The same in English (for `dgr verify`). */
  readonly english: string;
}

/** An event as the scan needs it: where it is, and what it says. */
export interface ScannedEvent {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: unknown;
}

const INITIATIVE_PREFIX = 'initiative-';

export interface BookingSeen {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly bookedOn: CalendarDate;
  readonly deltaOre: number;
}

/**
 * What the scan keeps between events: each initiative's state, the state each reservation relied on, the
 * fund, the bookings and the violations found. In memory by default (`dgr verify`); the rule-violations read
 * model keeps it in the read-model file so that a restart continues where it stopped (ADR 0018).
 */
export interface RuleCheckState {
  initiative(id: string): InitiativeState;
  setInitiative(id: string, state: InitiativeState): void;
  /** The initiative as the reservation found it; undefined when there is no such reservation. */
  reservation(id: string): InitiativeState | undefined;
  setReservation(id: string, state: InitiativeState): void;
  /** The fund; its `byInitiative` needs to hold only `initiativeId`'s money (when one is named). */
  fund(initiativeId: string | null): Fund;
  setFund(fund: Fund, initiativeId: string | null): void;
  addBooking(booking: BookingSeen): void;
  /** Every booking by business date (recorded order within a day). */
  bookingsByDate(): Iterable<BookingSeen>;
  addViolation(violation: RuleViolation): void;
  /** Every violation found event by event, in log order. */
  violations(): RuleViolation[];
  violationsOf(initiativeId: string): RuleViolation[];
}

export class InMemoryRuleCheckState implements RuleCheckState {
  private readonly initiatives = new Map<string, InitiativeState>();
  private readonly reservations = new Map<string, InitiativeState>();
  private current: Fund = emptyFund;
  private readonly bookings: BookingSeen[] = [];
  private readonly found: RuleViolation[] = [];

  initiative(id: string): InitiativeState {
    return this.initiatives.get(id) ?? null;
  }
  setInitiative(id: string, state: InitiativeState): void {
    this.initiatives.set(id, state);
  }
  reservation(id: string): InitiativeState | undefined {
    return this.reservations.has(id) ? this.reservations.get(id)! : undefined;
  }
  setReservation(id: string, state: InitiativeState): void {
    this.reservations.set(id, state);
  }
  fund(): Fund {
    return this.current;
  }
  setFund(fund: Fund): void {
    this.current = fund;
  }
  addBooking(booking: BookingSeen): void {
    this.bookings.push(booking);
  }
  bookingsByDate(): BookingSeen[] {
    return [...this.bookings].sort((a, b) => (a.bookedOn < b.bookedOn ? -1 : a.bookedOn > b.bookedOn ? 1 : a.position - b.position));
  }
  addViolation(violation: RuleViolation): void {
    this.found.push(violation);
  }
  violations(): RuleViolation[] {
    return [...this.found];
  }
  violationsOf(initiativeId: string): RuleViolation[] {
    return this.found.filter((v) => v.initiativeId === initiativeId);
  }
}

/**
 * Scans a log, one event at a time in global order (`add`), and collects every rule violation; `all` adds
 * the checks that need the whole log (the balance by business date). Folds with the domain's own `evolve`
 * and `evolveFund`; linear in the log, apart from sorting the bookings once at the end.
 */
export class RuleChecker {
  private added: RuleViolation[] = [];

  constructor(private readonly state: RuleCheckState = new InMemoryRuleCheckState()) {}

  add(e: ScannedEvent): readonly RuleViolation[] {
    this.added = [];
    try {
      if (e.stream.startsWith(INITIATIVE_PREFIX)) this.addInitiativeEvent(e, e.stream.slice(INITIATIVE_PREFIX.length));
      else if (e.stream === FUND_STREAM) this.addFundEvent(e);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.violation(e, 'event-not-applicable', null, null, `händelsen kan inte tillämpas på tillståndet före den: ${message}`, `the event cannot be applied to the state before it: ${message}`);
    }
    return this.added;
  }

  /**
   * Every violation of the log added so far, in log order: those found event by event, and those only the
   * whole log shows (the balance by business date, computed now; the log may still grow after).
   */
  all(): RuleViolation[] {
    const negative = balanceByDate(this.state.bookingsByDate());
    const found = this.state.violations();
    return negative ? [...found, negative].sort((a, b) => a.position - b.position) : found;
  }

  /** Every violation concerning one initiative. */
  forInitiative(initiativeId: string): RuleViolation[] {
    return this.state.violationsOf(initiativeId);
  }

  private addInitiativeEvent(e: ScannedEvent, id: string): void {
    const before = this.state.initiative(id);
    // Applied first: an event that cannot be applied is reported as such, and nothing else is recorded of it.
    const after = evolve(before, e as unknown as InitiativeEvent);
    const data = (e.data ?? {}) as Record<string, unknown>;
    switch (e.type) {
      case 'PartyDecisionRegistered':
        if (decidedThisVersionBefore(before, data))
          this.violation(e, 'second-decision', id, null,
            `${partyName(data.party as PartyId)}s beslut registrerades en andra gång; en ändring ska vara en rättelse`,
            `a second registration of party ${String(data.party)}'s decision; a change must be a correction`);
        break;
      case 'InitiativeCancelled': {
        const granted = moneyOf(this.state.fund(id), id).grantedOre;
        const reserved = before ? reservedOreOf(before) : 0;
        if (granted > 0 || reserved > 0)
          this.violation(e, 'cancelled-after-grant', id, yearOfDate(data.cancelledOn),
            `initiativet återkallades fast det redan hade beviljats ${kr(Math.max(granted, reserved))} ur fonden`,
            `the initiative was cancelled after ${Math.max(granted, reserved)} öre had been granted to it`);
        break;
      }
      case 'GrantReserved':
        this.state.setReservation(String(data.reservationId), before);
        break;
    }
    this.state.setInitiative(id, after);
  }

  private addFundEvent(e: ScannedEvent): void {
    const event = e as unknown as FundEvent;
    const named = (e.data as { initiativeId?: unknown } | null)?.initiativeId;
    const initiativeId = typeof named === 'string' ? named : null;
    const fund = this.state.fund(initiativeId);
    // Applied first: an event that cannot be applied is reported as such, and nothing else is recorded of it.
    const next = evolveFund(fund, event);
    if (isBooking(event) && !isCalendarDate(event.data.bookedOn)) throw new Error(`bookedOn ${String(event.data.bookedOn)} is not a date`);
    switch (event.type) {
      case 'GrantAwarded':
        this.checkGrant(e, event.data, fund);
        break;
      case 'FundWithdrawn': {
        const { initiativeId, amountOre } = event.data;
        const m = moneyOf(fund, initiativeId);
        const remaining = m.grantedOre - m.withdrawnOre;
        if (amountOre > remaining)
          this.violation(e, 'withdrawal-exceeds-grant', initiativeId, yearOf(event.data.bookedOn),
            `utbetalningen ${kr(amountOre)} överstiger det återstående beviljade beloppet ${kr(remaining)} (beviljat ${kr(m.grantedOre)}, utbetalt ${kr(m.withdrawnOre)})`,
            `the payout of ${amountOre} öre exceeds the ${remaining} öre granted and not yet paid out`);
        if (this.state.initiative(initiativeId)?.cancellation)
          this.violation(e, 'payout-on-cancelled-initiative', initiativeId, yearOf(event.data.bookedOn),
            'utbetalning till ett återkallat initiativ', 'a payout to a cancelled initiative');
        break;
      }
      case 'FundReturned': {
        const { initiativeId, amountOre } = event.data;
        const m = moneyOf(fund, initiativeId);
        const returnable = m.withdrawnOre - m.returnedOre;
        if (amountOre > returnable)
          this.violation(e, 'return-exceeds-withdrawn', initiativeId, yearOf(event.data.bookedOn),
            `återföringen ${kr(amountOre)} överstiger det utbetalda och ännu inte återförda ${kr(returnable)}`,
            `the return of ${amountOre} öre exceeds the ${returnable} öre paid out and not yet returned`);
        break;
      }
      case 'YearClosed':
        if (fund.lastClosedYear !== null && event.data.year !== fund.lastClosedYear + 1)
          this.violation(e, 'year-closed-out-of-order', null, event.data.year,
            `år ${event.data.year} stängdes när år ${fund.lastClosedYear} var det senast stängda`,
            `year ${event.data.year} was closed when the last closed year was ${fund.lastClosedYear}`);
        break;
    }
    if (isBooking(event)) {
      const { bookedOn } = event.data;
      const bookingFor = event.type === 'FundDeposited' ? null : event.data.initiativeId;
      if (fund.lastClosedYear !== null && yearOf(bookedOn) <= fund.lastClosedYear)
        this.violation(e, 'booking-in-closed-year', bookingFor, yearOf(bookedOn),
          `bokningen daterad ${bookedOn} registrerades efter att år ${fund.lastClosedYear} och tidigare hade stängts`,
          `the booking dated ${bookedOn} was recorded after year ${fund.lastClosedYear} and earlier had been closed`);
      this.state.addBooking({
        position: e.position,
        stream: e.stream,
        revision: e.revision,
        type: e.type,
        bookedOn,
        deltaOre: event.type === 'FundWithdrawn' ? -event.data.amountOre : event.data.amountOre,
      });
    }
    this.state.setFund(next, initiativeId);
  }

  private checkGrant(
    e: ScannedEvent,
    data: { initiativeId: string; amountOre: number; decidedOn: CalendarDate; reservationId?: string },
    fund: Fund,
  ): void {
    const { initiativeId, amountOre, decidedOn } = data;
    const year = yearOf(decidedOn);
    // What the grant relied on: the initiative as its reservation found it, or (a grant recorded before
    // reservations existed) as it stood when the grant was recorded.
    const relied = data.reservationId === undefined ? undefined : this.state.reservation(data.reservationId);
    const initiative = relied !== undefined ? relied : this.state.initiative(initiativeId);
    if (!initiative) {
      this.violation(e, 'grant-on-unknown-initiative', initiativeId, year, 'beviljande till ett initiativ som inte finns', 'a grant to an initiative that does not exist');
      return;
    }
    if (initiative.cancellation)
      this.violation(e, 'grant-on-cancelled-initiative', initiativeId, year,
        `beviljande av ${kr(amountOre)} till ett initiativ som återkallades ${initiative.cancellation.cancelledOn}`,
        `a grant of ${amountOre} öre to an initiative cancelled on ${initiative.cancellation.cancelledOn}`);
    const consensus = consensusAsOf(initiative, decidedOn);
    if (consensus.approved.length !== PARTY_IDS.length)
      this.violation(e, 'grant-without-consensus', initiativeId, year,
        `beviljande utan konsensus per ${decidedOn} (${consensus.rejected.length} avslag, ${consensus.missing.length} beslut saknas)`,
        `a grant without consensus as of ${decidedOn} (${consensus.rejected.length} rejected, ${consensus.missing.length} missing)`);
    const already = moneyOf(fund, initiativeId).grantedOre;
    if (already + amountOre > initiative.requestedAmountOre)
      this.violation(e, 'grant-exceeds-request', initiativeId, year,
        `beviljat totalt ${kr(already + amountOre)} överstiger det sökta ${kr(initiative.requestedAmountOre)}`,
        `granted in all ${already + amountOre} öre, more than the ${initiative.requestedAmountOre} öre requested`);
    const available = availableOre(fund);
    if (amountOre > available)
      this.violation(e, 'grant-exceeds-available', initiativeId, year,
        `beviljande av ${kr(amountOre)} när fonden hade ${kr(available)} disponibelt`,
        `a grant of ${amountOre} öre when ${available} öre was available`);
  }

  private violation(
    e: { position: number; stream: string; revision: number; type: string },
    rule: RuleCode,
    initiativeId: string | null,
    year: number | null,
    description: string,
    english: string,
  ): void {
    const v = violationOf(e, rule, initiativeId, year, description, english);
    this.state.addViolation(v);
    this.added.push(v);
  }
}

const violationOf = (
  e: { position: number; stream: string; revision: number; type: string },
  rule: RuleCode,
  initiativeId: string | null,
  year: number | null,
  description: string,
  english: string,
): RuleViolation => ({ position: e.position, stream: e.stream, revision: e.revision, type: e.type, rule, initiativeId, year, description, english });

/**
 * The balance at the end of every business day, over every booking (given by business date): never below
 * zero. The first day below zero is reported, at the booking that made it negative (the last recorded among
 * those dated up to that day); every later one follows from it.
 */
export const balanceByDate = (byDate: Iterable<BookingSeen>): RuleViolation | null => {
  let running = 0;
  let culprit: BookingSeen | null = null;
  let day: BookingSeen | null = null;
  const negative = (): RuleViolation =>
    violationOf(culprit!, 'negative-balance', null, yearOf(day!.bookedOn),
      `fondens saldo per ${day!.bookedOn} är ${kr(running)}, under noll`,
      `the fund's balance on ${day!.bookedOn} is ${running} öre, below zero`);
  for (const b of byDate) {
    if (day !== null && b.bookedOn !== day.bookedOn && running < 0) return negative();
    running += b.deltaOre;
    if (culprit === null || b.position > culprit.position) culprit = b;
    day = b;
  }
  return day !== null && running < 0 ? negative() : null;
};

const yearOfDate = (value: unknown): number | null =>
  typeof value === 'string' && /^\d{4}-/.test(value) ? yearOf(value as CalendarDate) : null;

/** Every violation of a whole log, given in global order. */
export const checkRules = (events: Iterable<ScannedEvent>): RuleViolation[] => {
  const checker = new RuleChecker();
  for (const e of events) checker.add(e);
  return checker.all();
};

/** One violation, as `dgr verify` prints it. */
export const describeRuleViolation = (v: RuleViolation): string =>
  `event at position ${v.position} (stream ${v.stream}, revision ${v.revision}, ${v.type}): ${v.rule}: ${v.english}`;

/** One violation in Swedish, for the pages and the annual report. */
export const describeRuleViolationInSwedish = (v: RuleViolation): string =>
  `Händelsen på position ${v.position} (${v.type}, ström ${v.stream}): ${v.description}.`;
