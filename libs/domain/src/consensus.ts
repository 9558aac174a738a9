import type { CalendarDate } from './calendar';
import { decisionFinalityAsOf, type NotFinalReason } from './finality';
import { PARTY_IDS, type PartyId } from './parties';
import type { Initiative, PartyDecision } from './initiative/initiative.state';
import { proposalVersionOfDecision, versionAsOf, type MustDecideAgain } from './initiative/proposal-versions';

/**
 * Consensus of all 17 parties, judged on decision dates (never on registration times), as of a day.
 *
 * - A decision counts when it is dated on or before `asOf` (later ones have not happened yet)
 *   and on or before the initiative's decision deadline (later ones are kept but do not count),
 *   unless a court annulled it on or before `asOf` (laglighetsprövning; see finality.ts).
 * - `cancelled`: withdrawn on or before `asOf`.
 * - `consensus`: every party's counting decision is an approval.
 * - `blocked`: a counting decision is a rejection.
 * - `lapsed`: `asOf` is past the deadline without consensus.
 * - `open`: otherwise.
 */
export type InitiativeStatus = 'open' | 'consensus' | 'blocked' | 'lapsed' | 'cancelled';

export interface ConsensusView {
  readonly status: InitiativeStatus;
  readonly approved: PartyId[];
  readonly rejected: PartyId[];
  readonly missing: PartyId[];
  /** The day the last approval needed was taken, when consensus is reached. */
  readonly reachedOn: CalendarDate | null;
  /** Whether the consensus stands (laga kraft); see finality.ts. */
  readonly finality: FinalityView;
}

/**
 * `final`: there is consensus and every approval is final (its appeal window has passed, no appeal
 * pending); `finalOn`: from then on, the latest of the approvals' final days. `notFinal`: the counting
 * approvals that are not final yet, with the reason and the last day they are not (also without consensus).
 */
export interface FinalityView {
  readonly final: boolean;
  readonly finalOn: CalendarDate | null;
  readonly notFinal: { readonly party: PartyId; readonly reason: NotFinalReason; readonly until: CalendarDate | null }[];
}

export const consensusAsOf = (initiative: Initiative, asOf: CalendarDate): ConsensusView => {
  const approved: PartyId[] = [];
  const rejected: PartyId[] = [];
  const missing: PartyId[] = [];
  let lastApproval: CalendarDate | null = null;
  const notFinal: FinalityView['notFinal'] = [];
  let finalOn: CalendarDate | null = null;

  // Only decisions on the version in force count (issue 15); the others are missing: mustDecideAgainAsOf.
  const version = versionAsOf(initiative, asOf);
  for (const party of PARTY_IDS) {
    const decision = decisionAsOf(initiative.decisions.get(party), asOf);
    const finality = decision !== undefined ? decisionFinalityAsOf(decision, asOf) : null;
    const onCurrent = decision !== undefined && proposalVersionOfDecision(decision) === version;
    const counts =
      decision !== undefined &&
      onCurrent &&
      finality !== null &&
      finality.annulledOn === null &&
      decision.decidedOn <= initiative.decisionDeadline;
    if (!counts) {
      missing.push(party);
    } else if (decision.outcome === 'approved') {
      approved.push(party);
      if (lastApproval === null || decision.decidedOn > lastApproval) lastApproval = decision.decidedOn;
      if (finality.notFinal) notFinal.push({ party, reason: finality.notFinal.reason, until: finality.notFinal.until });
      else if (finality.finalOn !== null && (finalOn === null || finality.finalOn > finalOn)) finalOn = finality.finalOn;
    } else {
      rejected.push(party);
    }
  }

  const reached = approved.length === PARTY_IDS.length;
  const status: InitiativeStatus =
    initiative.cancellation !== null && initiative.cancellation.cancelledOn <= asOf
      ? 'cancelled'
      : reached
        ? 'consensus'
        : rejected.length > 0
          ? 'blocked'
          : asOf > initiative.decisionDeadline
            ? 'lapsed'
            : 'open';

  const final = status === 'consensus' && notFinal.length === 0;
  return {
    status,
    approved,
    rejected,
    missing,
    reachedOn: reached ? lastApproval : null,
    finality: { final, finalOn: final ? finalOn : null, notFinal },
  };
};

/**
 * The parties whose decision by `asOf` is on an earlier version than the one in force then (issue 15): it no
 * longer counts (they are missing in the consensus) and they must decide again on the current text.
 */
export const mustDecideAgainAsOf = (initiative: Initiative, asOf: CalendarDate): MustDecideAgain[] => {
  const currentVersion = versionAsOf(initiative, asOf);
  const out: MustDecideAgain[] = [];
  for (const party of PARTY_IDS) {
    const decision = decisionAsOf(initiative.decisions.get(party), asOf);
    if (decision === undefined) continue;
    const decidedVersion = proposalVersionOfDecision(decision);
    if (decidedVersion !== currentVersion) out.push({ party, decidedVersion, currentVersion, outcome: decision.outcome });
  }
  return out;
};

/**
 * A party's decision as of a day: its current one when taken by then, else the latest of its decisions on
 * earlier versions taken by then (issue 15); undefined when it had decided nothing by then.
 */
export const decisionAsOf = (decision: PartyDecision | undefined, asOf: CalendarDate): PartyDecision | undefined => {
  if (decision === undefined || decision.decidedOn <= asOf) return decision;
  const earlier = decision.earlier ?? [];
  for (let i = earlier.length - 1; i >= 0; i--) if (earlier[i]!.decidedOn <= asOf) return earlier[i];
  return undefined;
};
