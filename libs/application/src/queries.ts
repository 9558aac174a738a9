import { Inject, Injectable } from '@nestjs/common';
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
  availableOre,
  type CalendarDate,
  type Initiative,
  type InitiativeStatus,
  type PartyId,
} from '@dgr/domain';
import type { EventStore } from '@dgr/event-store';
import { FundProjection } from './projections/fund.projection';
import { InitiativesProjection } from './projections/initiatives.projection';
import { ReadModels, replay } from './projections/read-models';
import { RuleViolationsProjection } from './projections/rule-violations.projection';
import type { RuleViolation } from './audit/rule-check';
import { decisionVersionOf, ProposalVersionNotFound, versionsView, versionTextOf } from './initiatives/proposal-text';
import { CLOCK, EVENT_STORE, type Clock } from './tokens';

export type InitiativeSummary = ReturnType<ReadView['listInitiatives']>[number];

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
 * Answers from one set of read models (the live ones, or ones rebuilt with only what was known at an
 * instant); `asOf` is a calendar day in Sweden, by default today.
 */
export class ReadView {
  private readonly initiatives: InitiativesProjection;
  private readonly fund: FundProjection;
  private readonly rules: RuleViolationsProjection;

  constructor(
    models: ReadModels,
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {
    this.initiatives = models.initiatives;
    this.fund = models.fund;
    this.rules = models.rules;
  }

  /** Every business rule the log breaks, by position (ADR 0010; the scan of `dgr verify`). */
  ruleViolations() {
    return this.rules.all().map(ruleViolationView);
  }

  today(): CalendarDate {
    return stockholmDateOf(this.clock.now());
  }

  listInitiatives(asOf: CalendarDate = this.today()) {
    return this.initiatives
      .all()
      .filter((i) => i.proposedOn <= asOf)
      .map((i) => this.summaryOf(i, asOf));
  }

  /**
   * One page of initiatives, paged before it is summarised: what is cheap is filtered first (proposed by
   * `asOf`, the year proposed), a status filter computes each candidate's consensus status only, and only the
   * page's own rows get the full summary (consensus, finality, money). `total` counts every match.
   */
  initiativePage(options: InitiativePageQuery = {}): InitiativePage<InitiativeSummary> {
    const asOf = options.asOf ?? this.today();
    const proposed = this.initiatives.all().filter((i) => i.proposedOn <= asOf);
    const years = [...new Set(proposed.map((i) => yearOf(i.proposedOn)))].sort((a, b) => b - a);
    let matching = options.year === undefined ? proposed : proposed.filter((i) => yearOf(i.proposedOn) === options.year);
    if (options.status !== undefined) matching = matching.filter((i) => consensusAsOf(i, asOf).status === options.status);
    const offset = options.offset ?? 0;
    const rows = options.limit === undefined ? matching.slice(offset) : matching.slice(offset, offset + options.limit);
    return { total: matching.length, all: proposed.length, years, items: rows.map((i) => this.summaryOf(i, asOf)) };
  }

  getInitiative(id: string, asOf: CalendarDate = this.today()) {
    const i = this.initiatives.get(id);
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
      ruleViolations: this.rules.forInitiative(i.id).map(ruleViolationView),
      // Versions of the proposal (issue 15): version, textHash, versions, mustDecideAgain.
      ...versionsView(i, asOf),
    };
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
    const money = (await this.store.readStream(FUND_STREAM))
      .filter((e) => (e.data as { initiativeId?: unknown } | null)?.initiativeId === id)
      .map(({ position, revision, type, data, metadata, hash, previousHash }) => ({ position, revision, type, data, metadata, hash, previousHash }));
    // A grant's reservation (ADR 0010) says the same as the grant it made: shown once, as the grant.
    const granted = new Set<unknown>(money.map((e) => (e.data as { reservationId?: unknown } | null)?.reservationId).filter((r) => r !== undefined));
    const shown = own.filter((e) => !(e.type === 'GrantReserved' && granted.has((e.data as { reservationId?: unknown }).reservationId)));
    return [...shown, ...money].sort((a, b) => a.position - b.position);
  }

  fundStatus() {
    const f = this.fund.state();
    return { balanceOre: f.balanceOre, committedOre: f.committedOre, availableOre: availableOre(f) };
  }

  /** One row per year from the first booking's year to this year, without gaps. */
  fundYears() {
    const f = this.fund.state();
    if (f.firstBookingYear === null) return [];
    const thisYear = yearOf(this.today());
    const lastYear = thisYear;
    const rows = [];
    let opening = 0;
    for (let year = f.firstBookingYear; year <= lastYear; year++) {
      const m = this.fund.movementsOf(year);
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
    return this.fund.yearClosedAt(year);
  }

  ledger() {
    return this.fund.bookings();
  }

  private summaryOf(i: Initiative, asOf: CalendarDate) {
    const c = consensusAsOf(i, asOf);
    const money = this.fund.moneyOf(i.id, asOf);
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
export class Queries extends ReadView {
  constructor(
    initiatives: InitiativesProjection,
    fund: FundProjection,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(CLOCK) private readonly time: Clock,
    rules: RuleViolationsProjection,
  ) {
    super(new ReadModels(initiatives, fund, rules), eventStore, time);
  }

  /**
   * The view for `knownAt`: without it, the live read models; with it, read models rebuilt from only
   * the events the service had recorded by then ("what did we know on 2024-02-01?").
   */
  async view(knownAt?: string): Promise<ReadView> {
    if (knownAt === undefined) return this;
    const head = await this.eventStore.headPosition();
    const key = `${knownAt}@${head}`;
    const running = this.replays.get(key);
    if (running) return running;
    // One replay at a time (each holds a whole set of read models in memory); the same question asked
    // again while it runs shares its answer.
    const view = this.replayQueue.then(async () => {
      const { models } = await replay(this.eventStore, { knownAt, untilPosition: head });
      return new ReadView(models, this.eventStore, this.time);
    });
    this.replayQueue = view.then(
      () => undefined,
      () => undefined,
    );
    this.replays.set(key, view);
    try {
      return await view;
    } finally {
      this.replays.delete(key);
    }
  }

  private replayQueue: Promise<void> = Promise.resolve();
  private readonly replays = new Map<string, Promise<ReadView>>();
}
