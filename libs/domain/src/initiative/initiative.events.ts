import type { CalendarDate } from '../calendar';
import type { Ore } from '../money';
import type { PartyId } from '../parties';
import type { StrategyLink } from '../strategy';

/** Events of one initiative's stream (`initiative-<id>`). Payloads hold business facts only. */

export interface CoFinancingLine {
  readonly source: string;
  readonly amountOre: Ore;
}

export interface InitiativeProposed {
  readonly type: 'InitiativeProposed';
  readonly data: {
    readonly initiativeId: string;
    readonly title: string;
    readonly summary: string;
    readonly proposedBy: PartyId;
    readonly proposedOn: CalendarDate;
    readonly requestedAmountOre: Ore;
    readonly strategyLinks: readonly StrategyLink[];
    readonly transportProgramme: boolean;
    readonly coFinancing: readonly CoFinancingLine[];
    readonly decisionDeadline: CalendarDate;
  };
}

export type PreparingBody = 'VRAU' | 'VRAG';
export type Recommendation = 'approve' | 'reject' | 'none';

export interface InitiativePrepared {
  readonly type: 'InitiativePrepared';
  readonly data: {
    readonly initiativeId: string;
    readonly preparedBy: PreparingBody;
    readonly preparedOn: CalendarDate;
    readonly recommendation: Recommendation;
    readonly notes: string | null;
  };
}

export type Outcome = 'approved' | 'rejected';

/** What a party's council decided, as written in its minutes. */
export interface DecisionFacts {
  readonly party: PartyId;
  readonly outcome: Outcome;
  /** The day the deciding body met (the decision date). */
  readonly decidedOn: CalendarDate;
  /** The deciding body, e.g. `kommunfullmäktige`. */
  readonly body: string;
  /** The minute reference, e.g. `§ 112`. */
  readonly minuteReference: string;
  /** The party's diarienummer, when given. */
  readonly caseNumber: string | null;
}

export interface PartyDecisionRegistered {
  readonly type: 'PartyDecisionRegistered';
  readonly data: DecisionFacts & {
    readonly initiativeId: string;
    /** When the decision was typed in (the registration time), as an ISO instant. */
    readonly registeredAt: string;
  };
}

export interface PartyDecisionCorrected {
  readonly type: 'PartyDecisionCorrected';
  readonly data: DecisionFacts & {
    readonly initiativeId: string;
    /** Why the earlier registration was wrong. */
    readonly reason: string;
    readonly correctedAt: string;
  };
}

export interface InitiativeCancelled {
  readonly type: 'InitiativeCancelled';
  readonly data: {
    readonly initiativeId: string;
    readonly reason: string;
    readonly cancelledOn: CalendarDate;
  };
}

export interface OutcomeReported {
  readonly type: 'OutcomeReported';
  readonly data: {
    readonly initiativeId: string;
    readonly year: number;
    readonly summary: string;
    readonly reportedAt: string;
  };
}

export type InitiativeEvent =
  | InitiativeProposed
  | InitiativePrepared
  | PartyDecisionRegistered
  | PartyDecisionCorrected
  | InitiativeCancelled
  | OutcomeReported;

export type InitiativeEventType = InitiativeEvent['type'];

export const INITIATIVE_EVENT_TYPES: readonly InitiativeEventType[] = [
  'InitiativeProposed',
  'InitiativePrepared',
  'PartyDecisionRegistered',
  'PartyDecisionCorrected',
  'InitiativeCancelled',
  'OutcomeReported',
];

export const initiativeStream = (initiativeId: string): string => `initiative-${initiativeId}`;
