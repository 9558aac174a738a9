import type { CalendarDate } from '../calendar';
import type { Ore } from '../money';
import type { PartyId } from '../parties';
import type { StrategyLink } from '../strategy';
import type {
  AppealOutcome,
  CoFinancingLine,
  DecisionFacts,
  InitiativeEvent,
  PreparingBody,
  Recommendation,
} from './initiative.events';
import { BASIS_FIELDS, basisOf, versionsOf, type DecisionBasis, type ProposalVersion } from './proposal-versions';
import type { DecisionEvidence } from './evidence';

export interface Preparation {
  readonly preparedBy: PreparingBody;
  readonly preparedOn: CalendarDate;
  readonly recommendation: Recommendation;
  readonly notes: string | null;
}

export interface Correction {
  readonly reason: string;
  readonly correctedAt: string;
  /** The decision as it stood before this correction. */
  readonly previous: DecisionFacts;
}

/** An appeal (laglighetsprövning) of a party's decision; `outcome` and `decidedOn` are null while pending. */
export interface Appeal {
  readonly court: string;
  readonly caseNumber: string;
  readonly lodgedOn: CalendarDate;
  readonly outcome: AppealOutcome | null;
  readonly decidedOn: CalendarDate | null;
}

/** A party's current decision: the registration with every correction applied. */
export interface PartyDecision extends DecisionFacts {
  readonly registeredAt: string;
  readonly corrections: readonly Correction[];
  /** The day the minutes were approved (justering), null until recorded. */
  readonly minutesApprovedOn: CalendarDate | null;
  /** The day the approval of the minutes was posted on the notice board (anslag), null until recorded. */
  readonly noticePostedOn: CalendarDate | null;
  /** Appeals in the order lodged. */
  readonly appeals: readonly Appeal[];
  // Versions (issue 15, ADR 0015): absent on decisions of version 1 recorded before versions existed, so an
  // old log folds to the very state older releases computed. Read the version with proposalVersionOfDecision.
  readonly proposalVersion?: number;
  readonly textHash?: string;
  /** The party's decisions on earlier versions, replaced by this one (oldest first); absent when none. */
  readonly earlier?: readonly PartyDecision[];
  /** The minutes extract last attached (docs/evidence.md); absent until one is, so older logs fold as before. */
  readonly evidence?: DecisionEvidence;
}

export interface OutcomeReport {
  readonly year: number;
  readonly summary: string;
  readonly reportedAt: string;
}

export interface Initiative {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly proposedBy: PartyId;
  readonly proposedOn: CalendarDate;
  readonly requestedAmountOre: Ore;
  readonly strategyLinks: readonly StrategyLink[];
  readonly transportProgramme: boolean;
  readonly coFinancing: readonly CoFinancingLine[];
  readonly decisionDeadline: CalendarDate;
  readonly preparations: readonly Preparation[];
  /**
   * Each party's current decision. A Map, not an object keyed by SCB code: codes such as "1715" are
   * array indices to the JavaScript engine, which makes copying such objects many times slower.
   */
  readonly decisions: ReadonlyMap<PartyId, PartyDecision>;
  readonly cancellation: { readonly reason: string; readonly cancelledOn: CalendarDate } | null;
  readonly outcomeReports: readonly OutcomeReport[];
  /**
   * Grants reserved in this stream and not released, in öre (ADR 0010). A reservation blocks a cancellation
   * as a grant does. Absent in states built by older code; read it with `reservedOreOf`.
   */
  readonly reservedOre?: Ore;
  /** Every version of the proposal once it has been revised (issue 15); absent before: versionsOf. */
  readonly versions?: readonly ProposalVersion[];
}

export const reservedOreOf = (s: Initiative): Ore => s.reservedOre ?? 0;

/** Before its first event an initiative does not exist. */
export type InitiativeState = Initiative | null;

const factsOf = (d: DecisionFacts): DecisionFacts => ({
  party: d.party,
  outcome: d.outcome,
  decidedOn: d.decidedOn,
  body: d.body,
  minuteReference: d.minuteReference,
  caseNumber: d.caseNumber,
});

/** A decision's version fields, only when they say more than "version 1, recorded before versions" (ADR 0015). */
const versionFields = (d: { proposalVersion: number; textHash: string | null }): Pick<PartyDecision, 'proposalVersion' | 'textHash'> =>
  d.proposalVersion === 1 && d.textHash === null
    ? {}
    : d.textHash === null
      ? { proposalVersion: d.proposalVersion }
      : { proposalVersion: d.proposalVersion, textHash: d.textHash };

const revised = (s: Initiative, data: InitiativeRevisedData): Initiative => {
  const before = versionsOf(s);
  const basis: DecisionBasis = { ...basisOf(s), ...data.changes };
  const changes = BASIS_FIELDS.filter((f) => data.changes[f] !== undefined);
  const version: ProposalVersion = {
    version: data.version,
    basis,
    textHash: data.textHash,
    revisedOn: data.revisedOn,
    revisedAt: data.revisedAt,
    reason: data.reason,
    changes,
  };
  return { ...s, ...basis, versions: [...before, version] };
};

type InitiativeRevisedData = Extract<InitiativeEvent, { type: 'InitiativeRevised' }>['data'];

const mustExist = (state: InitiativeState, type: string): Initiative => {
  if (!state) throw new Error(`${type} applied to an initiative that was never proposed`);
  return state;
};

const decisionOf = (s: Initiative, event: { type: string; data: { party: PartyId } }): PartyDecision => {
  const decision = s.decisions.get(event.data.party);
  if (!decision) throw new Error(`${event.type} for ${event.data.party} without a decision`);
  return decision;
};

/** Folds one event into the state. Pure; events are facts, so it never refuses. */
export const evolve = (state: InitiativeState, event: InitiativeEvent): Initiative => {
  switch (event.type) {
    case 'InitiativeProposed': {
      const d = event.data;
      return {
        id: d.initiativeId,
        title: d.title,
        summary: d.summary,
        proposedBy: d.proposedBy,
        proposedOn: d.proposedOn,
        requestedAmountOre: d.requestedAmountOre,
        strategyLinks: d.strategyLinks,
        transportProgramme: d.transportProgramme,
        coFinancing: d.coFinancing,
        decisionDeadline: d.decisionDeadline,
        preparations: [],
        decisions: new Map(),
        cancellation: null,
        outcomeReports: [],
        // reservedOre stays absent until a grant is reserved: a log without reservations folds to the very state
        // older releases computed (the golden logs' state hashes).
      };
    }
    case 'InitiativePrepared': {
      const s = mustExist(state, event.type);
      const { preparedBy, preparedOn, recommendation, notes } = event.data;
      return { ...s, preparations: [...s.preparations, { preparedBy, preparedOn, recommendation, notes }] };
    }
    case 'PartyDecisionRegistered': {
      const s = mustExist(state, event.type);
      // A party decides again on a newer version: its earlier decision is kept beside the new one.
      const replaced = s.decisions.get(event.data.party);
      const decision: PartyDecision = {
        ...factsOf(event.data),
        registeredAt: event.data.registeredAt,
        corrections: [],
        minutesApprovedOn: event.data.minutesApprovedOn,
        noticePostedOn: event.data.noticePostedOn,
        appeals: [],
        ...versionFields(event.data),
        ...(replaced ? { earlier: [...(replaced.earlier ?? []), { ...replaced, earlier: undefined }] } : {}),
      };
      return { ...s, decisions: new Map(s.decisions).set(event.data.party, decision) };
    }
    case 'PartyDecisionCorrected': {
      const s = mustExist(state, event.type);
      const before = s.decisions.get(event.data.party);
      if (!before) throw new Error(`PartyDecisionCorrected for ${event.data.party} without a decision`);
      const corrected: PartyDecision = {
        ...before,
        ...factsOf(event.data),
        proposalVersion: undefined,
        textHash: undefined,
        ...versionFields(event.data),
        registeredAt: before.registeredAt,
        corrections: [
          ...before.corrections,
          { reason: event.data.reason, correctedAt: event.data.correctedAt, previous: factsOf(before) },
        ],
      };
      return { ...s, decisions: new Map(s.decisions).set(event.data.party, corrected) };
    }
    case 'InitiativeCancelled': {
      const s = mustExist(state, event.type);
      return { ...s, cancellation: { reason: event.data.reason, cancelledOn: event.data.cancelledOn } };
    }
    case 'OutcomeReported': {
      const s = mustExist(state, event.type);
      const { year, summary, reportedAt } = event.data;
      return { ...s, outcomeReports: [...s.outcomeReports, { year, summary, reportedAt }] };
    }
    case 'DecisionMinutesRecorded': {
      const s = mustExist(state, event.type);
      const before = decisionOf(s, event);
      const { minutesApprovedOn, noticePostedOn } = event.data;
      const after: PartyDecision = {
        ...before,
        minutesApprovedOn: minutesApprovedOn ?? before.minutesApprovedOn,
        noticePostedOn: noticePostedOn ?? before.noticePostedOn,
      };
      return { ...s, decisions: new Map(s.decisions).set(event.data.party, after) };
    }
    case 'AppealLodged': {
      const s = mustExist(state, event.type);
      const before = decisionOf(s, event);
      const { court, caseNumber, lodgedOn } = event.data;
      const after: PartyDecision = {
        ...before,
        appeals: [...before.appeals, { court, caseNumber, lodgedOn, outcome: null, decidedOn: null }],
      };
      return { ...s, decisions: new Map(s.decisions).set(event.data.party, after) };
    }
    case 'AppealDecided': {
      const s = mustExist(state, event.type);
      const before = decisionOf(s, event);
      const { caseNumber, outcome, decidedOn } = event.data;
      const after: PartyDecision = {
        ...before,
        appeals: before.appeals.map((a) => (a.caseNumber === caseNumber ? { ...a, outcome, decidedOn } : a)),
      };
      return { ...s, decisions: new Map(s.decisions).set(event.data.party, after) };
    }
    case 'GrantReserved': {
      const s = mustExist(state, event.type);
      return { ...s, reservedOre: reservedOreOf(s) + event.data.amountOre };
    }
    case 'GrantReservationReleased': {
      const s = mustExist(state, event.type);
      return { ...s, reservedOre: reservedOreOf(s) - event.data.amountOre };
    }
    case 'InitiativeRevised':
      return revised(mustExist(state, event.type), event.data);
    case 'DecisionEvidenceAttached': {
      const s = mustExist(state, event.type);
      const { sha256, bytes, mediaType, attachedAt } = event.data;
      const after: PartyDecision = { ...decisionOf(s, event), evidence: { sha256, bytes, mediaType, attachedAt } };
      return { ...s, decisions: new Map(s.decisions).set(event.data.party, after) };
    }
    default: {
      const _never: never = event;
      throw new Error(`Unknown initiative event ${JSON.stringify(_never)}`);
    }
  }
};

export const foldInitiative = (events: readonly InitiativeEvent[]): InitiativeState =>
  events.reduce<InitiativeState>(evolve, null);
