import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  consensusAsOf,
  daysBetween,
  decisionAsOf,
  mustDecideAgainAsOf,
  versionAsOf,
  decisionFinalityAsOf,
  FUND_STREAM,
  InitiativeNotFound,
  initiativeStream,
  partyName,
  stockholmDateOf,
  yearOf,
  type CalendarDate,
  type Initiative,
  type InitiativeStatus,
  type PartyId,
} from '@dgr/domain';
import type { EventStore } from '@dgr/event-store';
import { FundProjection, type LedgerRow } from './projections/fund.projection';
import { InitiativesProjection } from './projections/initiatives.projection';
import { ReadModels } from './projections/read-models';
import { RuleViolationsProjection } from './projections/rule-violations.projection';
import type { RuleViolation } from './audit/rule-check';
import { decisionVersionOf, ProposalVersionNotFound, versionsView, versionTextOf } from './initiatives/proposal-text';
import { CLOCK, EVENT_STORE, type Clock } from './tokens';

export type InitiativeSummary = ReturnType<ReadView['summaryOf']>;

export interface InitiativePageQuery {
  readonly asOf?: CalendarDate;
  readonly status?: InitiativeStatus;
  readonly year?: number;
  readonly offset?: number;
  readonly limit?: number;
}

export interface InitiativePage<T> {
  /** The initiatives that match the filters. */
  readonly total: number;
  /** Every initiative proposed by asOf, whatever the filters. */
  readonly all: number;
  /** The years in which initiatives were proposed (by asOf), newest first. */
  readonly years: number[];
  readonly items: T[];
}

/** Granted initiatives summarised per turn of the event loop (finance's forms). */
const GRANTED_CHUNK = 100;

/** Initiatives looked at per turn of the event loop by a status filter known at a position. */
const KNOWN_AT_STATUS_CHUNK = 50;

/** A rule violation as the API shows it: where, which rule, and what is wrong in Swedish. */
const ruleViolationView = (v: RuleViolation) => ({
  position: v.position,
  stream: v.stream,
  revision: v.revision,
  type: v.type,
  rule: v.rule,
  initiativeId: v.initiativeId,
  year: v.year,
  description: v.description,
});

/**
 * Answers from the persistent read models (ADR 0018): now, or as known at a log position (`untilPosition`,
 * the last event recorded by a `knownAt` instant) by indexed queries. `asOf` is a calendar day in Sweden,
 * by default today.
 */
export class ReadView {
  private readonly initiatives: InitiativesProjection;
  private readonly fund: FundProjection;
  private readonly rules: RuleViolationsProjection;

  constructor(
    models: ReadModels,
    private readonly store: EventStore,
    private readonly clock: Clock,
    /** Only what the log held up to this position (known-at); undefined: everything the read models hold. */
    readonly untilPosition?: number,
  ) {
    this.initiatives = models.initiatives;
    this.fund = models.fund;
    this.rules = models.rules;
  }

  /** Every business rule the log breaks, by position (ADR 0010; the scan of `dgr verify`). */
  ruleViolations() {
    return this.rules.all(this.untilPosition).map(ruleViolationView);
  }

  today(): CalendarDate {
    return stockholmDateOf(this.clock.now());
  }

  /** Every initiative proposed by `asOf`, summarised, in the order proposed (all of them: prefer initiativePage). */
  listInitiatives(asOf: CalendarDate = this.today()): InitiativeSummary[] {
    return this.initiativePage({ asOf }).items;
  }

  /**
   * Every initiative proposed by `asOf`, summarised, a page at a time in the order proposed; between pages the
   * event loop serves other requests (ADR 0018). For the reports that must look at every initiative.
   */
  async *summaryPages(asOf: CalendarDate, size = 25): AsyncGenerator<InitiativeSummary[]> {
    const filter = { proposedBy: asOf, untilPosition: this.untilPosition };
    if (this.untilPosition === undefined)
      for (const page of this.initiatives.statePages(filter, size)) {
        yield page.map((i) => this.summaryOf(i, asOf));
        await new Promise((resolve) => setImmediate(resolve));
      }
    else
      for (const ids of this.initiatives.idChunks(filter, size)) {
        yield ids.map((id) => this.initiativeAt(id)).filter((i): i is Initiative => i !== null).map((i) => this.summaryOf(i, asOf));
        await new Promise((resolve) => setImmediate(resolve));
      }
  }

  /** What was granted, paid out and returned for one initiative up to and including `asOf`. */
  initiativeMoney(id: string, asOf: CalendarDate) {
    return this.fund.moneyOf(id, asOf, this.untilPosition);
  }

  /** The years in which initiatives were proposed by `asOf`, newest first (an index scan). */
  proposedYears(asOf: CalendarDate = this.today()): number[] {
    return this.initiatives.years({ proposedBy: asOf, untilPosition: this.untilPosition });
  }

  private initiativeAt(id: string): Initiative | null {
    return this.initiatives.get(id, this.untilPosition);
  }

  /**
   * One page of initiatives, paged in SQL before it is summarised: COUNT and LIMIT/OFFSET on indexes (proposed
   * by `asOf`, the year proposed), then only the page's own rows are read and summarised (consensus, finality,
   * money). `total` counts every match. Synchronous, so it takes no status filter: `filterInitiatives` does.
   */
  initiativePage(options: InitiativePageQuery & { readonly status?: undefined } = {}): InitiativePage<InitiativeSummary> {
    if (options.status !== undefined) throw new TypeError('initiativePage takes no status: filterInitiatives does');
    const asOf = options.asOf ?? this.today();
    const proposed = { proposedBy: asOf, untilPosition: this.untilPosition };
    const filter = { ...proposed, year: options.year };
    const all = this.initiatives.count(proposed);
    const total = options.year === undefined ? all : this.initiatives.count(filter);
    const ids = this.initiatives.pageIds(filter, options.offset ?? 0, options.limit);
    return { total, all, years: this.initiatives.years(proposed), items: this.summariesOf(ids, asOf) };
  }

  /**
   * One page of initiatives, with any filter the overview offers, the status too (issue 13: no request holds the
   * event loop). Now: the statuses kept per row as of a day, awaited when the day's are not prepared yet
   * (`InitiativesProjection.statusPage`: other requests are served meanwhile; 503 with Retry-After past its wait).
   * Known at a position: the rows whose stored status holds at that position (no event after it, status kept for
   * `asOf`) are taken from the index, the others folded again, 50 at a time with a turn of the event loop
   * between chunks. Without a status, `initiativePage`.
   */
  async filterInitiatives(options: InitiativePageQuery = {}): Promise<InitiativePage<InitiativeSummary>> {
    const status = options.status;
    if (status === undefined) return this.initiativePage({ ...options, status: undefined });
    const asOf = options.asOf ?? this.today();
    const offset = options.offset ?? 0;
    const proposed = { proposedBy: asOf, untilPosition: this.untilPosition };
    const filter = { ...proposed, year: options.year };
    let total: number;
    let ids: string[];
    if (this.untilPosition === undefined) {
      ({ total, ids } = await this.initiatives.statusPage(filter, status, offset, options.limit));
    } else {
      const matching: string[] = [];
      for (const chunk of this.initiatives.statusChunks(filter, KNOWN_AT_STATUS_CHUNK)) {
        for (const row of chunk) {
          if (row.status !== null) {
            if (row.status === status) matching.push(row.id);
            continue;
          }
          const i = this.initiativeAt(row.id);
          if (i && consensusAsOf(i, asOf).status === status) matching.push(row.id);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      total = matching.length;
      ids = options.limit === undefined ? matching.slice(offset) : matching.slice(offset, offset + options.limit);
    }
    return { total, all: this.initiatives.count(proposed), years: this.initiatives.years(proposed), items: this.summariesOf(ids, asOf) };
  }

  private summariesOf(ids: readonly string[], asOf: CalendarDate): InitiativeSummary[] {
    return ids
      .map((id) => this.initiativeAt(id))
      .filter((i): i is Initiative => i !== null)
      .map((i) => this.summaryOf(i, asOf));
  }

  getInitiative(id: string, asOf: CalendarDate = this.today()) {
    const i = this.initiativeAt(id);
    if (!i || i.proposedOn > asOf) throw new InitiativeNotFound(id);
    const inForce = versionAsOf(i, asOf);
    const decisions = [...i.decisions.values()]
      // Each party's decision as of `asOf` (an earlier version's when it decided the current one later: issue 15).
      .map((d) => decisionAsOf(d, asOf))
      .filter((d) => d !== undefined)
      .map((d) => {
        // The legal clock as of `asOf`: justering, anslag, the appeal window, appeals (finality.ts).
        const legal = decisionFinalityAsOf(d, asOf);
        const version = decisionVersionOf(i, d, inForce);
        const notCountedReason = !version.onCurrentVersion
          ? ('earlier-version' as const)
          : d.decidedOn > i.decisionDeadline
            ? ('after-deadline' as const)
            : legal.annulledOn !== null
              ? ('annulled' as const)
              : null;
        return {
          party: d.party,
          partyName: partyName(d.party),
          outcome: d.outcome,
          decidedOn: d.decidedOn,
          body: d.body,
          minuteReference: d.minuteReference,
          caseNumber: d.caseNumber,
          registeredAt: d.registeredAt,
          countsTowardsConsensus: notCountedReason === null,
          notCountedReason,
          proposalVersion: version.proposalVersion,
          textHash: version.textHash,
          corrections: d.corrections,
          minutesApprovedOn: legal.minutesApprovedOn,
          noticePostedOn: legal.noticePostedOn,
          appealEndsOn: legal.appealEndsOn,
          finalOn: legal.finalOn,
          final: legal.final,
          notFinal: legal.notFinal,
          annulledOn: legal.annulledOn,
          minutesLate: legal.minutesLate,
          appeals: legal.appeals,
          /** The minutes extract last attached (docs/evidence.md): its SHA-256 (hex), size, type and time; null when none. */
          evidence: d.evidence ?? null,
        };
      })
      .sort((a, b) => (a.decidedOn < b.decidedOn ? -1 : a.decidedOn > b.decidedOn ? 1 : 0));
    const preparations = i.preparations.filter((p) => p.preparedOn <= asOf);
    return {
      ...this.summaryOf(i, asOf),
      summary: i.summary,
      strategyLinks: i.strategyLinks,
      transportProgramme: i.transportProgramme,
      coFinancing: i.coFinancing,
      decisions,
      preparation: preparations.length > 0 ? preparations[preparations.length - 1] : null,
      preparations,
      outcomeReports: i.outcomeReports.filter((r) => r.year <= yearOf(asOf)),
      cancellation: i.cancellation && i.cancellation.cancelledOn <= asOf ? i.cancellation : null,
      /** Rules the log breaks about this initiative (a grant recorded after its cancellation…), by position. */
      ruleViolations: this.rules.forInitiative(i.id, this.untilPosition).map(ruleViolationView),
      // Versions of the proposal (issue 15): version, textHash, versions, mustDecideAgain.
      ...versionsView(i, asOf),
    };
  }

  /** The outcome reports of an initiative up to `asOf`'s year, as `getInitiative` lists them (none when it is unknown by then). */
  outcomeReportsOf(id: string, asOf: CalendarDate): Initiative['outcomeReports'] {
    const i = this.initiativeAt(id);
    return i && i.proposedOn <= asOf ? i.outcomeReports.filter((r) => r.year <= yearOf(asOf)) : [];
  }

  /** One version's full text (issue 15); 404 when the initiative or the version does not exist by `asOf`. */
  getInitiativeVersion(id: string, version: number, asOf: CalendarDate = this.today()) {
    const i = this.initiatives.get(id);
    if (!i || i.proposedOn > asOf) throw new InitiativeNotFound(id);
    const text = versionTextOf(i, version, asOf);
    if (!text) throw new ProposalVersionNotFound(id, version);
    return text;
  }

  async initiativeEvents(id: string) {
    const events = await this.store.readStream(initiativeStream(id));
    if (events.length === 0) throw new InitiativeNotFound(id);
    return events.map(({ position, revision, type, data, metadata, hash, previousHash }) => ({
      position,
      revision,
      type,
      data,
      metadata,
      hash,
      previousHash,
    }));
  }

  /**
   * The initiative's whole history in log order: its own stream, and the fund's events that name it (its
   * grant, payouts and returns live in the fund stream, ADR 0002).
   */
  async initiativeHistory(id: string) {
    const own = await this.initiativeEvents(id);
    const money = (await this.fundEventsOf(id)).map(({ position, revision, type, data, metadata, hash, previousHash }) => ({ position, revision, type, data, metadata, hash, previousHash }));
    // A grant's reservation (ADR 0010) says the same as the grant it made: shown once, as the grant.
    const granted = new Set<unknown>(money.map((e) => (e.data as { reservationId?: unknown } | null)?.reservationId).filter((r) => r !== undefined));
    const shown = own.filter((e) => !(e.type === 'GrantReserved' && granted.has((e.data as { reservationId?: unknown }).reservationId)));
    return [...shown, ...money].sort((a, b) => a.position - b.position);
  }

  /**
   * The fund's events that name the initiative, as stored: their positions from the fund read model (an indexed
   * read), then each event read at its position — not the whole fund stream, which holds every initiative's
   * bookings (tens of thousands of events at a million). Should the log not answer an event at a position it
   * names (it always does: positions never move), the whole stream is read and filtered, as before.
   */
  private async fundEventsOf(id: string) {
    const events = [];
    for (const position of this.fund.positionsOf(id)) {
      const [event] = await this.store.readAll(position - 1, 1);
      if (!event || event.position !== position || event.stream !== FUND_STREAM) return this.fundEventsByScan(id);
      events.push(event);
    }
    return events;
  }

  private async fundEventsByScan(id: string) {
    return (await this.store.readStream(FUND_STREAM)).filter((e) => (e.data as { initiativeId?: unknown } | null)?.initiativeId === id);
  }

  fundStatus() {
    const f = this.fund.scalars(this.untilPosition);
    return { balanceOre: f.balanceOre, committedOre: f.committedOre, availableOre: f.balanceOre - f.committedOre };
  }

  /** One row per year from the first booking's year to this year, without gaps. */
  fundYears() {
    const f = this.fund.scalars(this.untilPosition);
    if (f.firstBookingYear === null) return [];
    const thisYear = yearOf(this.today());
    const lastYear = thisYear;
    const rows = [];
    let opening = 0;
    for (let year = f.firstBookingYear; year <= lastYear; year++) {
      const m = this.fund.movementsOf(year, this.untilPosition);
      const closing = opening + m.depositsOre - m.withdrawalsOre + m.returnsOre;
      rows.push({
        year,
        openingOre: opening,
        ...m,
        closingOre: closing,
        changeOre: closing - opening,
        closed: f.lastClosedYear !== null && year <= f.lastClosedYear,
      });
      opening = closing;
    }
    return rows;
  }

  /** The global position of the event that closed `year` (its figures are final from there on), or null. */
  yearClosedAt(year: number): number | null {
    return this.fund.yearClosedAt(year, this.untilPosition);
  }

  ledger() {
    return this.fund.bookings(this.untilPosition);
  }

  /** One page of the ledger, paged in the query; `total` counts every booking. */
  ledgerPage(offset: number, limit: number) {
    return this.fund.bookingsPage(this.untilPosition ?? Number.MAX_SAFE_INTEGER, offset, limit);
  }

  /**
   * The ledger in business-date order, from `fromDay` (default: the first booking), a page of `size` bookings at
   * a time (keyset on the day and position, the balance carried from page to page): what an export walks, in
   * constant memory. It reads the ledger as it stood when asked (bookings recorded later are left out),
   * so pages never overlap or skip a booking however the read model moves on meanwhile.
   */
  ledgerPages(size = 500, fromDay?: CalendarDate): Generator<LedgerRow[]> {
    // Taken now, not at the first page: the ledger as it stands when the export is asked for.
    const until = this.untilPosition ?? this.fund.position;
    const fund = this.fund;
    return (function* () {
      let after = { bookedOn: fromDay ?? '', position: 0 };
      let balance: number | undefined = fromDay === undefined ? 0 : undefined;
      for (;;) {
        const rows = fund.bookingsAfter(until, after, size, balance);
        if (rows.length === 0) return;
        yield rows;
        const last = rows[rows.length - 1]!;
        after = { bookedOn: last.bookedOn, position: last.position };
        balance = last.balanceAfterOre;
      }
    })();
  }

  /** One initiative's payouts and returns in business-date order, each with the fund's balance after it. */
  initiativeBookings(id: string): LedgerRow[] {
    return this.fund.bookingsOf(id, this.untilPosition);
  }

  /**
   * The initiatives granted money by `asOf`, summarised, in the order of their first grant (finance's forms): a
   * hundred at a time with a turn of the event loop between them (some 900 at a million events: 120–390 ms in one
   * piece, issue 13).
   */
  async grantedInitiatives(asOf: CalendarDate = this.today(), chunk = GRANTED_CHUNK): Promise<InitiativeSummary[]> {
    const ids = this.fund.grantedIds(asOf, this.untilPosition);
    const summaries: InitiativeSummary[] = [];
    for (let from = 0; from < ids.length; from += chunk) {
      if (from > 0) await new Promise((resolve) => setImmediate(resolve));
      for (const id of ids.slice(from, from + chunk)) {
        const i = this.initiativeAt(id);
        if (i !== null && i.proposedOn <= asOf) summaries.push(this.summaryOf(i, asOf));
      }
    }
    return summaries;
  }

  /** The current titles of the given initiatives (those known to this view): for the ledger's rows of one page. */
  initiativeTitles(ids: Iterable<string | null>): Map<string, string> {
    const titles = new Map<string, string>();
    for (const id of new Set(ids)) {
      if (id === null) continue;
      const i = this.initiativeAt(id);
      if (i) titles.set(id, i.title);
    }
    return titles;
  }

  /** One initiative's summary as of a day: consensus, finality, money. */
  summaryOf(i: Initiative, asOf: CalendarDate) {
    const c = consensusAsOf(i, asOf);
    const money = this.fund.moneyOf(i.id, asOf, this.untilPosition);
    return {
      id: i.id,
      title: i.title,
      proposedBy: i.proposedBy,
      proposedByName: partyName(i.proposedBy as PartyId),
      proposedOn: i.proposedOn,
      requestedAmountOre: i.requestedAmountOre,
      decisionDeadline: i.decisionDeadline,
      daysLeft: Math.max(0, daysBetween(asOf, i.decisionDeadline)),
      status: c.status,
      consensus: { approved: c.approved, rejected: c.rejected, missing: c.missing, reachedOn: c.reachedOn },
      finality: c.finality,
      // Versions (issue 15): the version in force, and who decided an earlier one (not counted; to decide again).
      version: versionAsOf(i, asOf),
      mustDecideAgain: mustDecideAgainAsOf(i, asOf),
      grantedOre: money.grantedOre,
      withdrawnOre: money.withdrawnOre,
      returnedOre: money.returnedOre,
    };
  }
}

/** The queries of the API and the CLI: the live read models, or those known at an instant (`knownAt`). */
@Injectable()
export class Queries extends ReadView implements OnApplicationBootstrap {
  constructor(
    initiatives: InitiativesProjection,
    fund: FundProjection,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(CLOCK) private readonly time: Clock,
    rules: RuleViolationsProjection,
  ) {
    const models = new ReadModels(initiatives, fund, rules);
    super(models, eventStore, time);
    this.models = models;
  }

  private readonly models: ReadModels;

  /**
   * Prepares, in the background and in chunks that yield, what the first lists would otherwise compute on the event
   * loop (ADR 0018, issue 13): the page index, and today's statuses for the status filter.
   */
  onApplicationBootstrap(): void {
    void this.models.initiatives.preparePageIndex();
    void this.models.initiatives.prepareStatuses(this.today());
  }

  /**
   * The view for `knownAt`: without it, the live read models; with it, the same read models read as known at
   * the last position the service had recorded by then ("what did we know on 2024-02-01?"): an indexed lookup
   * of that position, then indexed reads at it (ADR 0018) — no replay.
   */
  async view(knownAt?: string): Promise<ReadView> {
    if (knownAt === undefined) return this;
    const position = this.models.initiatives.positionKnownAt(Date.parse(knownAt));
    return new ReadView(this.models, this.eventStore, this.time, position);
  }
}
