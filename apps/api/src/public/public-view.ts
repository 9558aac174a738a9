/**
 * What the public view shows (docs/public.md): the read models' answers with everything the purpose
 * does not need left out. Pure functions; every public answer (JSON, CSV, HTML) is made from these
 * shapes and nothing else, so the minimisation rule is written once, here.
 *
 * Shown: organisations and roles, dates, amounts, codes, the initiative's title and summary (the matter
 * decided on), the references of the minutes (body, §, case number) and of the books (verification
 * numbers), co-financing and deposit sources (organisations).
 * Never shown: who recorded anything (names, subjects, e-mail addresses), correlation ids, registration
 * instants, and the free-text fields that may hold names: correction and change reasons, preparation
 * notes, cancellation and return reasons, outcome report texts.
 */
import { isPartyId, stockholmDateOf, type PartyId } from '@dgr/domain';
import { DECISION_COLUMNS, decisionFactCells, yesNo, type ReadView } from '@dgr/application';
import type { EventMetadata } from '@dgr/event-store';

type InitiativeSummary = ReturnType<ReadView['summaryOf']>;
type InitiativeDetail = ReturnType<ReadView['getInitiative']>;
type LedgerRow = ReturnType<ReadView['ledger']>[number];
type FundYear = ReturnType<ReadView['fundYears']>[number];

/** The parties as organisations, by their own names ("Karlstads kommun"). */
const ORGANISATIONS: Record<PartyId, string> = {
  '17': 'Region Värmland',
  '1715': 'Kils kommun',
  '1730': 'Eda kommun',
  '1737': 'Torsby kommun',
  '1760': 'Storfors kommun',
  '1761': 'Hammarö kommun',
  '1762': 'Munkfors kommun',
  '1763': 'Forshaga kommun',
  '1764': 'Grums kommun',
  '1765': 'Årjängs kommun',
  '1766': 'Sunne kommun',
  '1780': 'Karlstads kommun',
  '1781': 'Kristinehamns kommun',
  '1782': 'Filipstads kommun',
  '1783': 'Hagfors kommun',
  '1784': 'Arvika kommun',
  '1785': 'Säffle kommun',
};

export const organisationOf = (party: PartyId): string => ORGANISATIONS[party];

/**
 * Who recorded an event, as an organisation and a role ("Karlstads kommun, registrator"): never the
 * person's name or subject, which the metadata also holds.
 */
export const recordedByOf = (actor: EventMetadata['actor']): string => {
  if (!actor) return 'okänd';
  switch (actor.role) {
    case 'clerk':
      return isPartyId(actor.party) ? `${organisationOf(actor.party)}, registrator` : 'registrator';
    case 'secretariat':
      return 'Värmlandsrådets sekretariat';
    case 'finance':
      return 'Region Värmland, ekonomi';
    case 'auditor':
      return 'revisor';
    default:
      return 'Region Värmland, DGR-tjänsten';
  }
};

export interface PublicInitiativeSummary {
  readonly id: string;
  readonly title: string;
  readonly proposedBy: PartyId;
  readonly proposedByName: string;
  readonly proposedOn: string;
  readonly decisionDeadline: string;
  readonly daysLeft: number;
  readonly status: InitiativeSummary['status'];
  readonly consensus: InitiativeSummary['consensus'];
  readonly finality: InitiativeSummary['finality'];
  /** Parties whose decision is on an earlier version of the proposal (issue 15): decision facts, public as such. */
  readonly mustDecideAgain: InitiativeSummary['mustDecideAgain'];
  readonly requestedAmountOre: number;
  readonly grantedOre: number;
  readonly withdrawnOre: number;
  readonly returnedOre: number;
}

export const publicSummary = (i: InitiativeSummary): PublicInitiativeSummary => ({
  id: i.id,
  title: i.title,
  proposedBy: i.proposedBy,
  proposedByName: organisationOf(i.proposedBy),
  proposedOn: i.proposedOn,
  decisionDeadline: i.decisionDeadline,
  daysLeft: i.daysLeft,
  status: i.status,
  consensus: { approved: [...i.consensus.approved], rejected: [...i.consensus.rejected], missing: [...i.consensus.missing], reachedOn: i.consensus.reachedOn },
  finality: { final: i.finality.final, finalOn: i.finality.finalOn, notFinal: i.finality.notFinal.map((n) => ({ party: n.party, reason: n.reason, until: n.until })) },
  mustDecideAgain: i.mustDecideAgain.map((m) => ({ party: m.party, decidedVersion: m.decidedVersion, currentVersion: m.currentVersion, outcome: m.outcome })),
  requestedAmountOre: i.requestedAmountOre,
  grantedOre: i.grantedOre,
  withdrawnOre: i.withdrawnOre,
  returnedOre: i.returnedOre,
});

type Decision = InitiativeDetail['decisions'][number];

/** A decision as it stood before a correction: the facts of the minutes, and the day it was replaced. */
export interface PublicDecisionVersion {
  readonly outcome: Decision['outcome'];
  readonly decidedOn: string;
  readonly body: string;
  readonly minuteReference: string;
  readonly caseNumber: string | null;
  readonly replacedOn: string;
}

export interface PublicDecision {
  readonly party: PartyId;
  readonly partyName: string;
  readonly outcome: Decision['outcome'];
  readonly decidedOn: string;
  readonly body: string;
  readonly minuteReference: string;
  readonly caseNumber: string | null;
  readonly countsTowardsConsensus: boolean;
  readonly minutesApprovedOn: string | null;
  readonly noticePostedOn: string | null;
  readonly appealEndsOn: string | null;
  readonly final: boolean;
  readonly finalOn: string | null;
  readonly notFinal: Decision['notFinal'];
  readonly annulledOn: string | null;
  readonly appeals: readonly { court: string; caseNumber: string; lodgedOn: string; outcome: 'upheld' | 'annulled' | null; decidedOn: string | null }[];
  /** The earlier versions of this decision, oldest first (each correction keeps the one it replaced). */
  readonly earlierVersions: readonly PublicDecisionVersion[];
}

export const publicDecision = (d: Decision): PublicDecision => ({
  party: d.party,
  partyName: organisationOf(d.party),
  outcome: d.outcome,
  decidedOn: d.decidedOn,
  body: d.body,
  minuteReference: d.minuteReference,
  caseNumber: d.caseNumber,
  countsTowardsConsensus: d.countsTowardsConsensus,
  minutesApprovedOn: d.minutesApprovedOn,
  noticePostedOn: d.noticePostedOn,
  appealEndsOn: d.appealEndsOn,
  final: d.final,
  finalOn: d.finalOn,
  notFinal: d.notFinal === null ? null : { reason: d.notFinal.reason, until: d.notFinal.until },
  annulledOn: d.annulledOn,
  appeals: d.appeals.map((a) => ({ court: a.court, caseNumber: a.caseNumber, lodgedOn: a.lodgedOn, outcome: a.outcome, decidedOn: a.decidedOn })),
  earlierVersions: d.corrections.map((c) => ({
    outcome: c.previous.outcome,
    decidedOn: c.previous.decidedOn,
    body: c.previous.body,
    minuteReference: c.previous.minuteReference,
    caseNumber: c.previous.caseNumber,
    replacedOn: stockholmDateOf(c.correctedAt),
  })),
});

/** A booking of the fund: what moved, when, how much, and its verification number (no reasons). */
export interface PublicBooking {
  readonly position: number;
  readonly type: LedgerRow['type'];
  readonly bookedOn: string;
  readonly amountOre: number;
  readonly balanceAfterOre: number;
  readonly initiativeId: string | null;
  /** Where a deposit came from (an organisation). */
  readonly source: string | null;
  /** The verification number of a deposit or payout; returns have none (their reason is not shown). */
  readonly reference: string | null;
}

export const publicBooking = (b: LedgerRow): PublicBooking => ({
  position: b.position,
  type: b.type,
  bookedOn: b.bookedOn,
  amountOre: b.amountOre,
  balanceAfterOre: b.balanceAfterOre,
  initiativeId: b.initiativeId,
  source: b.type === 'FundDeposited' ? b.source : null,
  reference: b.type === 'FundReturned' ? null : b.reference,
});

/** One event of an initiative's history: its place in the log, when, what kind, and who by organisation and role. */
export interface PublicHistoryEntry {
  readonly position: number;
  readonly type: string;
  readonly recordedOn: string;
  readonly recordedBy: string;
}

export const publicHistoryEntry = (e: { position: number; type: string; metadata: EventMetadata }): PublicHistoryEntry => ({
  position: e.position,
  type: e.type,
  recordedOn: stockholmDateOf(e.metadata.recordedAt),
  recordedBy: recordedByOf(e.metadata.actor),
});

export interface PublicInitiative extends PublicInitiativeSummary {
  readonly summary: string;
  readonly strategyLinks: InitiativeDetail['strategyLinks'];
  readonly transportProgramme: boolean;
  readonly coFinancing: InitiativeDetail['coFinancing'];
  readonly preparations: readonly { preparedBy: string; preparedOn: string; recommendation: string }[];
  readonly decisions: readonly PublicDecision[];
  /** The years VRAG has reported the outcome for (the reports themselves are asked for from the secretariat). */
  readonly outcomeReportYears: readonly number[];
  readonly cancelledOn: string | null;
  /** The initiative's payouts and returns. */
  readonly bookings: readonly PublicBooking[];
  readonly history: readonly PublicHistoryEntry[];
}

export const publicInitiative = (
  i: InitiativeDetail,
  bookings: readonly LedgerRow[],
  history: readonly { position: number; type: string; metadata: EventMetadata }[],
): PublicInitiative => ({
  ...publicSummary(i),
  summary: i.summary,
  strategyLinks: i.strategyLinks.map((l) => ({ ...l })),
  transportProgramme: i.transportProgramme,
  coFinancing: i.coFinancing.map((c) => ({ source: c.source, amountOre: c.amountOre })),
  preparations: i.preparations.map((p) => ({ preparedBy: p.preparedBy, preparedOn: p.preparedOn, recommendation: p.recommendation })),
  decisions: i.decisions.map(publicDecision),
  outcomeReportYears: i.outcomeReports.map((r) => r.year),
  cancelledOn: i.cancellation?.cancelledOn ?? null,
  bookings: bookings.filter((b) => b.initiativeId === i.id).map(publicBooking),
  history: history.map(publicHistoryEntry),
});

export interface PublicFund {
  readonly balanceOre: number;
  readonly committedOre: number;
  readonly availableOre: number;
  readonly ledger: readonly PublicBooking[];
}

export const publicFund = (status: ReturnType<ReadView['fundStatus']>, ledger: readonly LedgerRow[]): PublicFund => ({
  balanceOre: status.balanceOre,
  committedOre: status.committedOre,
  availableOre: status.availableOre,
  ledger: ledger.map(publicBooking),
});

export type PublicFundYear = FundYear;

export const publicFundYear = (y: FundYear): PublicFundYear => ({ ...y });

/**
 * The columns of /api/public/decisions.csv: one row per decision, for programs (comma, decimal point, no BOM).
 * The first ten are the decisions export's (DECISION_COLUMNS, docs/api.md) without `registrerad` (when and so by
 * whom is not shown), then the legal clock's.
 */
export const PUBLIC_DECISION_COLUMNS = [
  ...DECISION_COLUMNS.slice(0, DECISION_COLUMNS.indexOf('räknas_mot_konsensus') + 1).filter((c) => c !== 'registrerad'),
  'justerat',
  'anslaget',
  'laga_kraft',
  'laga_kraft_från',
  'upphävt',
  'antal_tidigare_versioner',
] as const;

/** The rows of the public decisions CSV, in the order of `PUBLIC_DECISION_COLUMNS`. */
export const publicDecisionRows = (initiatives: readonly { id: string; title: string; decisions: readonly PublicDecision[] }[]): (string | number | null)[][] =>
  initiatives.flatMap((i) =>
    i.decisions.map((d) => [
      ...decisionFactCells(i, d),
      yesNo(d.countsTowardsConsensus),
      d.minutesApprovedOn,
      d.noticePostedOn,
      yesNo(d.final),
      d.finalOn,
      d.annulledOn,
      d.earlierVersions.length,
    ]),
  );
