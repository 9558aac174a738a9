/**
 * Shared builders for the domain's given/when/then specs: events (the "given"), commands (the
 * "when") and a fixed clock. Every builder takes overrides so a test states only what matters to it.
 */
import type { CalendarDate } from '../calendar';
import type { AwardGrant, CloseYear, DepositToFund, ReturnToFund, WithdrawFromFund } from '../fund/fund.commands';
import type { FundDeposited, FundReturned, FundWithdrawn, GrantAwarded, YearClosed } from '../fund/fund.events';
import type {
  CancelInitiative,
  CommandMetadata,
  CorrectPartyDecision,
  PrepareInitiative,
  ProposeInitiative,
  RegisterPartyDecision,
  ReportOutcome,
  ReviseInitiative,
} from '../initiative/initiative.commands';
import { basisOf, type DecisionBasis, type TextHasher } from '../initiative/proposal-versions';
import type {
  DecisionFacts,
  InitiativeCancelled,
  InitiativeEvent,
  InitiativePrepared,
  InitiativeProposed,
  OutcomeReported,
  PartyDecisionCorrected,
  PartyDecisionRegistered,
  InitiativeRevised,
} from '../initiative/initiative.events';
import { foldInitiative, type Initiative, type InitiativeState } from '../initiative/initiative.state';
import type { FundEvent } from '../fund/fund.events';
import { foldFund, type Fund } from '../fund/fund.state';
import { specFor } from './given-when-then';
import { MSEK } from '../money';
import { PARTY_IDS, type PartyId } from '../parties';

// ---------------------------------------------------------------------------------------------
// Given/when/then for the two streams, typed so that any of the stream's events can be given
// ---------------------------------------------------------------------------------------------

export const initiativeSpec = <C>(decide: (command: C, state: InitiativeState) => InitiativeEvent | InitiativeEvent[]) =>
  specFor<InitiativeState, InitiativeEvent, C>(foldInitiative, decide);

export const fundSpec = <C>(decide: (command: C, fund: Fund) => FundEvent | FundEvent[]) =>
  specFor<Fund, FundEvent, C>(foldFund, decide);

// ---------------------------------------------------------------------------------------------
// The clock
// ---------------------------------------------------------------------------------------------

/** "Now" for every command unless a test says otherwise: mid-June 2026, a plain summer day. */
export const NOW = '2026-06-15T10:00:00Z';
/** The calendar day in Sweden at NOW. */
export const TODAY: CalendarDate = '2026-06-15';
export const TOMORROW: CalendarDate = '2026-06-16';

export const metadata: CommandMetadata = { now: NOW };
export const at = (now: string): CommandMetadata => ({ now });

// ---------------------------------------------------------------------------------------------
// Parties used by name in the tests (SCB codes)
// ---------------------------------------------------------------------------------------------

export const REGION: PartyId = '17';
export const KIL: PartyId = '1715';
export const EDA: PartyId = '1730';
export const KARLSTAD: PartyId = '1780';
export const ARVIKA: PartyId = '1784';
export const SAFFLE: PartyId = '1785';

/** A value that is not a party, for tests of untyped input reaching the domain. */
export const UNKNOWN_PARTY = '9999' as unknown as PartyId;

// ---------------------------------------------------------------------------------------------
// Initiative events
// ---------------------------------------------------------------------------------------------

export const INITIATIVE_ID = 'init-1';
export const OTHER_INITIATIVE_ID = 'init-2';

/** The default initiative: proposed by Karlstad on 2026-02-01, 5 MSEK, deadline 2026-12-31. */
export const PROPOSED_ON: CalendarDate = '2026-02-01';
export const DEADLINE: CalendarDate = '2026-12-31';
export const REQUESTED_ORE = 5 * MSEK;

export const proposed = (overrides: Partial<InitiativeProposed['data']> = {}): InitiativeProposed => ({
  type: 'InitiativeProposed',
  data: {
    initiativeId: INITIATIVE_ID,
    title: 'Gemensam kompetensplattform för Värmland',
    summary: 'En plattform där arbetsgivare och utbildare i hela länet möts.',
    proposedBy: KARLSTAD,
    proposedOn: PROPOSED_ON,
    requestedAmountOre: REQUESTED_ORE,
    strategyLinks: [{ area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad' }],
    transportProgramme: false,
    coFinancing: [],
    decisionDeadline: DEADLINE,
    ...overrides,
  },
});

// --- Versions of the proposal (issue 15) ---------------------------------------------------------

/**
 * A stand-in for the application's SHA-256 text hash (the domain does not hash): distinct for distinct titles,
 * summaries and amounts, which is all the specs change.
 */
export const TEST_TEXT_HASHER: TextHasher = (b) => `hash(${b.title}|${b.summary}|${b.requestedAmountOre})`;

/** The text hash of the default proposal (version 1). */
export const TEXT_HASH_V1 = TEST_TEXT_HASHER({
  title: 'Gemensam kompetensplattform för Värmland',
  summary: 'En plattform där arbetsgivare och utbildare i hela länet möts.',
  requestedAmountOre: 5 * MSEK,
  strategyLinks: [],
  coFinancing: [],
  decisionDeadline: '2026-12-31',
});

/** The default proposal revised: `changes` are the new values; the hash is the test hasher's of the new basis. */
export const revisedTo = (
  version: number,
  changes: Partial<DecisionBasis>,
  revisedOn: CalendarDate,
  overrides: Partial<InitiativeRevised['data']> = {},
  base: DecisionBasis = basisOf(proposed().data),
): InitiativeRevised => ({
  type: 'InitiativeRevised',
  data: {
    initiativeId: INITIATIVE_ID,
    version,
    changes,
    reason: 'Beloppet sänks efter beredningen.',
    textHash: TEST_TEXT_HASHER({ ...base, ...changes }),
    revisedOn,
    revisedAt: NOW,
    ...overrides,
  },
});

export const reviseCmd = (data: Partial<ReviseInitiative['data']> = {}, meta: CommandMetadata = metadata): ReviseInitiative => ({
  type: 'ReviseInitiative',
  data: { initiativeId: INITIATIVE_ID, reason: 'Beloppet sänks efter beredningen.', revisedOn: '2026-05-20', ...data },
  metadata: meta,
});

export const prepared = (overrides: Partial<InitiativePrepared['data']> = {}): InitiativePrepared => ({
  type: 'InitiativePrepared',
  data: {
    initiativeId: INITIATIVE_ID,
    preparedBy: 'VRAU',
    preparedOn: '2026-03-01',
    recommendation: 'approve',
    notes: null,
    ...overrides,
  },
});

/** The facts of a party's decision as written in its minutes. */
export const facts = (party: PartyId, overrides: Partial<DecisionFacts> = {}): DecisionFacts => ({
  party,
  outcome: 'approved',
  decidedOn: '2026-05-01',
  body: 'kommunfullmäktige',
  minuteReference: '§ 112',
  caseNumber: null,
  ...overrides,
});

export const decisionRegistered = (
  party: PartyId,
  overrides: Partial<PartyDecisionRegistered['data']> = {},
): PartyDecisionRegistered => ({
  type: 'PartyDecisionRegistered',
  data: {
    initiativeId: INITIATIVE_ID,
    ...facts(party),
    registeredAt: NOW,
    minutesApprovedOn: null,
    noticePostedOn: null,
    proposalVersion: 1,
    textHash: TEXT_HASH_V1,
    ...overrides,
  },
});

export const approvedBy = (
  party: PartyId,
  decidedOn: CalendarDate,
  overrides: Partial<PartyDecisionRegistered['data']> = {},
): PartyDecisionRegistered => decisionRegistered(party, { outcome: 'approved', decidedOn, ...overrides });

export const rejectedBy = (
  party: PartyId,
  decidedOn: CalendarDate,
  overrides: Partial<PartyDecisionRegistered['data']> = {},
): PartyDecisionRegistered => decisionRegistered(party, { outcome: 'rejected', decidedOn, ...overrides });

/** Every one of the 17 parties approves on `decidedOn`, except those listed. */
export const allApproveExcept = (
  except: readonly PartyId[],
  decidedOn: CalendarDate,
  initiativeId: string = INITIATIVE_ID,
): PartyDecisionRegistered[] =>
  PARTY_IDS.filter((p) => !except.includes(p)).map((p) => approvedBy(p, decidedOn, { initiativeId }));

export const allSeventeenApprove = (decidedOn: CalendarDate, initiativeId: string = INITIATIVE_ID) =>
  allApproveExcept([], decidedOn, initiativeId);

export const decisionCorrected = (
  party: PartyId,
  overrides: Partial<PartyDecisionCorrected['data']> = {},
): PartyDecisionCorrected => ({
  type: 'PartyDecisionCorrected',
  data: {
    initiativeId: INITIATIVE_ID,
    ...facts(party),
    reason: 'Fel datum angavs vid registreringen.',
    correctedAt: NOW,
    proposalVersion: 1,
    textHash: TEXT_HASH_V1,
    ...overrides,
  },
});

export const cancelled = (
  cancelledOn: CalendarDate,
  overrides: Partial<InitiativeCancelled['data']> = {},
): InitiativeCancelled => ({
  type: 'InitiativeCancelled',
  data: { initiativeId: INITIATIVE_ID, reason: 'Förslagsställaren drar tillbaka initiativet.', cancelledOn, ...overrides },
});

export const outcomeReported = (
  year: number,
  overrides: Partial<OutcomeReported['data']> = {},
): OutcomeReported => ({
  type: 'OutcomeReported',
  data: { initiativeId: INITIATIVE_ID, year, summary: '120 deltagare, 14 arbetsgivare.', reportedAt: NOW, ...overrides },
});

/** The initiative's state after the given events (folded with the real evolve). */
export const initiativeAfter = (...events: InitiativeEvent[]): Initiative => {
  const state = foldInitiative(events);
  if (!state) throw new Error('initiativeAfter needs an InitiativeProposed first');
  return state;
};

// ---------------------------------------------------------------------------------------------
// Initiative commands
// ---------------------------------------------------------------------------------------------

export const proposeCmd = (
  data: Partial<ProposeInitiative['data']> = {},
  meta: CommandMetadata = metadata,
): ProposeInitiative => ({
  type: 'ProposeInitiative',
  data: {
    initiativeId: INITIATIVE_ID,
    title: 'Gemensam kompetensplattform för Värmland',
    summary: 'En plattform där arbetsgivare och utbildare i hela länet möts.',
    proposedBy: KARLSTAD,
    proposedOn: PROPOSED_ON,
    requestedAmountOre: REQUESTED_ORE,
    strategyLinks: [{ area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad' }],
    ...data,
  },
  metadata: meta,
});

export const prepareCmd = (
  data: Partial<PrepareInitiative['data']> = {},
  meta: CommandMetadata = metadata,
): PrepareInitiative => ({
  type: 'PrepareInitiative',
  data: { initiativeId: INITIATIVE_ID, preparedBy: 'VRAU', preparedOn: '2026-03-01', recommendation: 'approve', ...data },
  metadata: meta,
});

export const registerCmd = (
  party: PartyId,
  data: Partial<RegisterPartyDecision['data']> = {},
  meta: CommandMetadata = metadata,
): RegisterPartyDecision => ({
  type: 'RegisterPartyDecision',
  data: {
    initiativeId: INITIATIVE_ID,
    party,
    outcome: 'approved',
    decidedOn: '2026-05-01',
    body: 'kommunfullmäktige',
    minuteReference: '§ 112',
    ...data,
  },
  metadata: meta,
});

export const correctCmd = (
  party: PartyId,
  data: Partial<CorrectPartyDecision['data']> = {},
  meta: CommandMetadata = metadata,
): CorrectPartyDecision => ({
  type: 'CorrectPartyDecision',
  data: {
    initiativeId: INITIATIVE_ID,
    party,
    outcome: 'approved',
    decidedOn: '2026-05-01',
    body: 'kommunfullmäktige',
    minuteReference: '§ 112',
    reason: 'Fel datum angavs vid registreringen.',
    ...data,
  },
  metadata: meta,
});

export const cancelCmd = (
  data: Partial<CancelInitiative['data']> = {},
  meta: CommandMetadata = metadata,
): CancelInitiative => ({
  type: 'CancelInitiative',
  data: {
    initiativeId: INITIATIVE_ID,
    reason: 'Förslagsställaren drar tillbaka initiativet.',
    cancelledOn: '2026-06-01',
    ...data,
  },
  metadata: meta,
});

export const reportCmd = (
  data: Partial<ReportOutcome['data']> = {},
  meta: CommandMetadata = metadata,
): ReportOutcome => ({
  type: 'ReportOutcome',
  data: { initiativeId: INITIATIVE_ID, year: 2026, summary: '120 deltagare, 14 arbetsgivare.', ...data },
  metadata: meta,
});

// ---------------------------------------------------------------------------------------------
// Fund events
// ---------------------------------------------------------------------------------------------

export const deposited = (
  amountOre: number,
  bookedOn: CalendarDate,
  overrides: Partial<FundDeposited['data']> = {},
): FundDeposited => ({
  type: 'FundDeposited',
  data: { amountOre, source: 'Kommunalförbundet Region Värmland', bookedOn, reference: 'VER-1', ...overrides },
});

export const granted = (
  amountOre: number,
  decidedOn: CalendarDate,
  initiativeId: string = INITIATIVE_ID,
  overrides: Partial<GrantAwarded['data']> = {},
): GrantAwarded => ({
  type: 'GrantAwarded',
  data: { initiativeId, amountOre, decidedOn, reference: 'RS 2026/12', ...overrides },
});

export const withdrawn = (
  amountOre: number,
  bookedOn: CalendarDate,
  initiativeId: string = INITIATIVE_ID,
  overrides: Partial<FundWithdrawn['data']> = {},
): FundWithdrawn => ({
  type: 'FundWithdrawn',
  data: { initiativeId, amountOre, bookedOn, reference: 'UTB-1', ...overrides },
});

export const returned = (
  amountOre: number,
  bookedOn: CalendarDate,
  initiativeId: string = INITIATIVE_ID,
  overrides: Partial<FundReturned['data']> = {},
): FundReturned => ({
  type: 'FundReturned',
  data: { initiativeId, amountOre, bookedOn, reason: 'Ej förbrukade medel.', ...overrides },
});

export const yearClosed = (year: number, closedAt: string = NOW): YearClosed => ({
  type: 'YearClosed',
  data: { year, closedAt },
});

// ---------------------------------------------------------------------------------------------
// Fund commands
// ---------------------------------------------------------------------------------------------

export const depositCmd = (
  data: Partial<DepositToFund['data']> = {},
  meta: CommandMetadata = metadata,
): DepositToFund => ({
  type: 'DepositToFund',
  data: { amountOre: 10 * MSEK, source: 'Kommunalförbundet Region Värmland', bookedOn: '2026-01-15', reference: 'VER-1', ...data },
  metadata: meta,
});

export const awardCmd = (data: Partial<AwardGrant['data']> = {}, meta: CommandMetadata = metadata): AwardGrant => ({
  type: 'AwardGrant',
  data: { initiativeId: INITIATIVE_ID, amountOre: 3 * MSEK, decidedOn: '2026-05-10', reference: 'RS 2026/12', ...data },
  metadata: meta,
});

export const withdrawCmd = (
  data: Partial<WithdrawFromFund['data']> = {},
  meta: CommandMetadata = metadata,
): WithdrawFromFund => ({
  type: 'WithdrawFromFund',
  data: { initiativeId: INITIATIVE_ID, amountOre: 1 * MSEK, bookedOn: '2026-05-20', reference: 'UTB-1', ...data },
  metadata: meta,
});

export const returnCmd = (
  data: Partial<ReturnToFund['data']> = {},
  meta: CommandMetadata = metadata,
): ReturnToFund => ({
  type: 'ReturnToFund',
  data: { initiativeId: INITIATIVE_ID, amountOre: 1 * MSEK, bookedOn: '2026-06-01', reason: 'Ej förbrukade medel.', ...data },
  metadata: meta,
});

export const closeYearCmd = (year: number, meta: CommandMetadata = metadata): CloseYear => ({
  type: 'CloseYear',
  data: { year },
  metadata: meta,
});

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** The error thrown by `fn`, to check its fields (e.g. InvalidInput.field); fails if nothing is thrown. */
export const errorFrom = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but nothing was thrown');
};
