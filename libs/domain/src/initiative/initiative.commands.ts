import type { CalendarDate } from '../calendar';
import type { Ore } from '../money';
import type { PartyId } from '../parties';
import type { StrategyLink } from '../strategy';
import type { CoFinancingLine, DecisionFacts, PreparingBody, Recommendation } from './initiative.events';

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
  Omit<DecisionFacts, 'caseNumber'> & { initiativeId: string; caseNumber?: string | null }
>;

export type CorrectPartyDecision = Command<
  'CorrectPartyDecision',
  Omit<DecisionFacts, 'caseNumber'> & { initiativeId: string; reason: string; caseNumber?: string | null }
>;

export type CancelInitiative = Command<
  'CancelInitiative',
  { initiativeId: string; reason: string; cancelledOn: CalendarDate }
>;

export type ReportOutcome = Command<
  'ReportOutcome',
  { initiativeId: string; year: number; summary: string }
>;
