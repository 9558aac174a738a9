import type { CalendarDate } from '../calendar';
import type { Ore } from '../money';
import type { PartyId } from '../parties';
import type { StrategyLink } from '../strategy';
import type { DecisionBasis } from './proposal-versions';
import type { DecisionEvidenceAttached } from './evidence';

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
    /**
     * The day the minutes were approved (justering), when known at registration; null when not given.
     * Since version 2 (event-versions.ts); version 1 events recorded before the field existed are upcast to null.
     */
    readonly minutesApprovedOn: CalendarDate | null;
    /** The day the approval was posted on the party's notice board (anslag), when known; as above. */
    readonly noticePostedOn: CalendarDate | null;
  } & DecidedVersion;
}

/**
 * The minutes' approval (justering) and its notice (anslag) of a registered decision, recorded after the
 * registration by the party's clerk. A date given replaces the one recorded before only with a `reason`
 * (a correction, never silently); a date not given (null) leaves the recorded one as it is.
 */
export interface DecisionMinutesRecorded {
  readonly type: 'DecisionMinutesRecorded';
  readonly data: {
    readonly initiativeId: string;
    readonly party: PartyId;
    readonly minutesApprovedOn: CalendarDate | null;
    readonly noticePostedOn: CalendarDate | null;
    /** Why an already recorded date is changed; null when the dates are new. */
    readonly reason: string | null;
    readonly recordedAt: string;
  };
}

/** A request for laglighetsprövning (kommunallagen 13 kap.) of a party's decision, lodged with a court. */
export interface AppealLodged {
  readonly type: 'AppealLodged';
  readonly data: {
    readonly initiativeId: string;
    readonly party: PartyId;
    /** The court, e.g. `Förvaltningsrätten i Karlstad`. */
    readonly court: string;
    /** The court's case number (målnummer), unique among the appeals of this decision. */
    readonly caseNumber: string;
    /** The day the appeal reached the court. */
    readonly lodgedOn: CalendarDate;
  };
}

/**
 * The court's judgment: `upheld`, the decision stands (the appeal is rejected, överklagandet avslås);
 * `annulled`, the decision is annulled (upphävs) and no longer counts from `decidedOn`.
 */
export type AppealOutcome = 'upheld' | 'annulled';

export interface AppealDecided {
  readonly type: 'AppealDecided';
  readonly data: {
    readonly initiativeId: string;
    readonly party: PartyId;
    readonly caseNumber: string;
    readonly outcome: AppealOutcome;
    readonly decidedOn: CalendarDate;
  };
}

export interface PartyDecisionCorrected {
  readonly type: 'PartyDecisionCorrected';
  readonly data: DecisionFacts & {
    readonly initiativeId: string;
    /** Why the earlier registration was wrong. */
    readonly reason: string;
    readonly correctedAt: string;
  } & DecidedVersion;
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

/**
 * A grant's reservation in the initiative's stream (ADR 0010): the fund's `GrantAwarded` relies on this
 * initiative's state (not cancelled, consensus as of the grant's date), so the grant also appends this fact
 * here with the revision it read. A cancellation, correction or appeal recorded meanwhile makes that append
 * fail, and the grant is decided again on what is now true. Written in the same transaction as the grant
 * where the store allows it (SQLite), before it otherwise (EventStoreDB).
 */
export interface GrantReserved {
  readonly type: 'GrantReserved';
  readonly data: {
    readonly initiativeId: string;
    /** One id per grant; the fund's `GrantAwarded` and a release name the same reservation. */
    readonly reservationId: string;
    readonly amountOre: Ore;
    /** The grant's decision date. */
    readonly decidedOn: CalendarDate;
    readonly reference: string;
  };
}

/**
 * The compensating event of a reservation whose grant was not written (EventStoreDB's two-step write:
 * the fund refused it or moved on). The reservation then no longer counts.
 */
export interface GrantReservationReleased {
  readonly type: 'GrantReservationReleased';
  readonly data: {
    readonly initiativeId: string;
    readonly reservationId: string;
    readonly amountOre: Ore;
    /** Why the grant was not written, in Swedish. */
    readonly reason: string;
  };
}

// --- Versions of the proposal (issue 15, ADR 0015) -------------------------------------------------

/**
 * The version of the proposal a decision was taken on (since PartyDecisionRegistered 3 and
 * PartyDecisionCorrected 2). Events recorded before are upcast to version 1 with `textHash` null: the upcaster
 * sees only the event, not the proposal's text, so the hash of version 1 is computed where it is shown.
 */
export interface DecidedVersion {
  readonly proposalVersion: number;
  /** The decided version's text hash (proposal-versions.ts); null only in events upcast from before versions. */
  readonly textHash: string | null;
}

/** A new version of the proposal: the fields changed (their new values), why, and the new text's hash. */
export interface InitiativeRevised {
  readonly type: 'InitiativeRevised';
  readonly data: {
    readonly initiativeId: string;
    /** The new version: the one before plus one (version 1 is the proposal as made). */
    readonly version: number;
    readonly changes: Partial<DecisionBasis>;
    readonly reason: string;
    readonly textHash: string;
    readonly revisedOn: CalendarDate;
    readonly revisedAt: string;
  };
}

export type InitiativeEvent =
  | InitiativeProposed
  | InitiativePrepared
  | PartyDecisionRegistered
  | PartyDecisionCorrected
  | InitiativeCancelled
  | OutcomeReported
  | DecisionMinutesRecorded
  | AppealLodged
  | AppealDecided
  | GrantReserved
  | GrantReservationReleased
  | InitiativeRevised
  | DecisionEvidenceAttached;

export type InitiativeEventType = InitiativeEvent['type'];

export const INITIATIVE_EVENT_TYPES: readonly InitiativeEventType[] = [
  'InitiativeProposed',
  'InitiativePrepared',
  'PartyDecisionRegistered',
  'PartyDecisionCorrected',
  'InitiativeCancelled',
  'OutcomeReported',
  'DecisionMinutesRecorded',
  'AppealLodged',
  'AppealDecided',
  'GrantReserved',
  'GrantReservationReleased',
  'InitiativeRevised',
  'DecisionEvidenceAttached',
];

export const initiativeStream = (initiativeId: string): string => `initiative-${initiativeId}`;
