/**
 * Builders for the legal clock of a decision (justering, anslag, appeals): events and commands, each
 * taking overrides like those in fixtures.ts.
 */
import type { CalendarDate } from '../calendar';
import type { CommandMetadata, DecideAppeal, LodgeAppeal, RecordDecisionMinutes } from '../initiative/initiative.commands';
import type { AppealDecided, AppealLodged, AppealOutcome, DecisionMinutesRecorded } from '../initiative/initiative.events';
import type { PartyId } from '../parties';
import { INITIATIVE_ID, metadata, NOW } from './fixtures';

export const COURT = 'Förvaltningsrätten i Karlstad';
export const CASE = '1234-26';

export const minutesRecorded = (
  party: PartyId,
  overrides: Partial<DecisionMinutesRecorded['data']> = {},
): DecisionMinutesRecorded => ({
  type: 'DecisionMinutesRecorded',
  data: {
    initiativeId: INITIATIVE_ID,
    party,
    minutesApprovedOn: null,
    noticePostedOn: null,
    reason: null,
    recordedAt: NOW,
    ...overrides,
  },
});

export const appealLodged = (
  party: PartyId,
  lodgedOn: CalendarDate,
  overrides: Partial<AppealLodged['data']> = {},
): AppealLodged => ({
  type: 'AppealLodged',
  data: { initiativeId: INITIATIVE_ID, party, court: COURT, caseNumber: CASE, lodgedOn, ...overrides },
});

export const appealDecided = (
  party: PartyId,
  outcome: AppealOutcome,
  decidedOn: CalendarDate,
  overrides: Partial<AppealDecided['data']> = {},
): AppealDecided => ({
  type: 'AppealDecided',
  data: { initiativeId: INITIATIVE_ID, party, caseNumber: CASE, outcome, decidedOn, ...overrides },
});

export const minutesCmd = (
  party: PartyId,
  data: Partial<RecordDecisionMinutes['data']> = {},
  meta: CommandMetadata = metadata,
): RecordDecisionMinutes => ({
  type: 'RecordDecisionMinutes',
  data: { initiativeId: INITIATIVE_ID, party, ...data },
  metadata: meta,
});

export const lodgeCmd = (
  party: PartyId,
  data: Partial<LodgeAppeal['data']> = {},
  meta: CommandMetadata = metadata,
): LodgeAppeal => ({
  type: 'LodgeAppeal',
  data: { initiativeId: INITIATIVE_ID, party, court: COURT, caseNumber: CASE, lodgedOn: '2026-05-20', ...data },
  metadata: meta,
});

export const decideAppealCmd = (
  party: PartyId,
  data: Partial<DecideAppeal['data']> = {},
  meta: CommandMetadata = metadata,
): DecideAppeal => ({
  type: 'DecideAppeal',
  data: { initiativeId: INITIATIVE_ID, party, caseNumber: CASE, outcome: 'upheld', decidedOn: '2026-06-10', ...data },
  metadata: meta,
});
