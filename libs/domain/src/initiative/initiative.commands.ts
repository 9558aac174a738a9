import type { CalendarDate } from '../calendar';
import type { Ore } from '../money';
import type { PartyId } from '../parties';
import type { StrategyLink } from '../strategy';
import type { AppealOutcome, CoFinancingLine, DecisionFacts, PreparingBody, Recommendation } from './initiative.events';

/** What every command carries besides its facts: the time it is handled (an ISO instant). */
export interface CommandMetadata {
  readonly now: string;
}

export interface Command<T extends string, D> {
  readonly type: T;
  readonly data: D;
  readonly metadata: CommandMetadata;
}

export type ProposeInitiative = Command<
  'ProposeInitiative',
  {
    initiativeId: string;
    title: string;
    summary: string;
    proposedBy: PartyId;
    proposedOn: CalendarDate;
    requestedAmountOre: Ore;
    strategyLinks?: StrategyLink[];
    transportProgramme?: boolean;
    coFinancing?: CoFinancingLine[];
    decisionDeadline?: CalendarDate;
  }
>;

export type PrepareInitiative = Command<
  'PrepareInitiative',
  {
    initiativeId: string;
    preparedBy: PreparingBody;
    preparedOn: CalendarDate;
    recommendation: Recommendation;
    notes?: string;
  }
>;

export type RegisterPartyDecision = Command<
  'RegisterPartyDecision',
  Omit<DecisionFacts, 'caseNumber'> & {
    initiativeId: string;
    caseNumber?: string | null;
    /** Justering, when already done. */
    minutesApprovedOn?: CalendarDate | null;
    /** Anslag, when already done. */
    noticePostedOn?: CalendarDate | null;
  } & VersionStated
>;

export type CorrectPartyDecision = Command<
  'CorrectPartyDecision',
  Omit<DecisionFacts, 'caseNumber'> & { initiativeId: string; reason: string; caseNumber?: string | null } & VersionStated
>;

// --- Versions of the proposal (issue 15) -----------------------------------------------------------

/**
 * The version a decision is on, as the clerk states it: `proposalVersion` (default: the current one) and the
 * `textHash` the clerk was shown (optional; a stale one is refused with 409 proposal-revised).
 */
export interface VersionStated {
  proposalVersion?: number | null;
  textHash?: string | null;
}

/** A new version of the proposal: only the fields given change. */
export type ReviseInitiative = Command<
  'ReviseInitiative',
  {
    initiativeId: string;
    reason: string;
    /** The day the secretariat revised the proposal; default today. */
    revisedOn?: CalendarDate | null;
    title?: string;
    summary?: string;
    requestedAmountOre?: Ore;
    strategyLinks?: StrategyLink[];
    coFinancing?: CoFinancingLine[];
    decisionDeadline?: CalendarDate;
  }
>;

export type CancelInitiative = Command<
  'CancelInitiative',
  { initiativeId: string; reason: string; cancelledOn: CalendarDate }
>;

export type ReportOutcome = Command<
  'ReportOutcome',
  { initiativeId: string; year: number; summary: string }
>;

/** Justering and anslag of a registered decision; changing a recorded date needs a `reason`. */
export type RecordDecisionMinutes = Command<
  'RecordDecisionMinutes',
  {
    initiativeId: string;
    party: PartyId;
    minutesApprovedOn?: CalendarDate | null;
    noticePostedOn?: CalendarDate | null;
    reason?: string | null;
  }
>;

export type LodgeAppeal = Command<
  'LodgeAppeal',
  { initiativeId: string; party: PartyId; court: string; caseNumber: string; lodgedOn: CalendarDate }
>;

export type DecideAppeal = Command<
  'DecideAppeal',
  { initiativeId: string; party: PartyId; caseNumber: string; outcome: AppealOutcome; decidedOn: CalendarDate }
>;
