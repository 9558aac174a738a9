import { isCalendarDate } from './calendar';
import type { FundEventType } from './fund/fund.events';
import type { InitiativeEventType } from './initiative/initiative.events';

/**
 * Each domain event type's current payload version, and the upcasters that bring an older stored version up
 * to it (ADR 0011). Stored events are never edited: a version n event is read through the upcasters n → n + 1
 * → … → current. Pure functions over plain data; the event store library chains and checks them.
 */
export type DomainEventType = InitiativeEventType | FundEventType;

export const EVENT_VERSIONS: Readonly<Record<DomainEventType, number>> = {
  InitiativeProposed: 1,
  InitiativePrepared: 1,
  PartyDecisionRegistered: 3,
  PartyDecisionCorrected: 2,
  InitiativeCancelled: 1,
  OutcomeReported: 1,
  DecisionMinutesRecorded: 1,
  AppealLodged: 1,
  AppealDecided: 1,
  FundDeposited: 1,
  GrantAwarded: 1,
  FundWithdrawn: 1,
  FundReturned: 1,
  YearClosed: 1,
  GrantReserved: 1,
  GrantReservationReleased: 1,
  InitiativeRevised: 1,
  DecisionEvidenceAttached: 1,
};

/** Turns a stored payload of version `from` into version `from + 1`; throws to refuse data it cannot read. */
export interface EventUpcaster {
  readonly type: DomainEventType;
  readonly from: number;
  readonly upcast: (data: unknown) => unknown;
}

const objectOf = (data: unknown): Record<string, unknown> => {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('data is not an object');
  return data as Record<string, unknown>;
};

const dateOrNull = (data: Record<string, unknown>, field: string): string | null => {
  const value = data[field];
  if (value === undefined || value === null) return null;
  if (!isCalendarDate(value)) throw new Error(`${field} is ${JSON.stringify(value)}, neither a date YYYY-MM-DD nor null`);
  return value;
};

/**
 * PartyDecisionRegistered 1 → 2. Version 1 got `minutesApprovedOn` and `noticePostedOn` late (with legal
 * finality): events registered before that have no such fields, later ones have a date or null. Version 2
 * always has both, null when not known, so no reader of a decision has to tell "absent" from "null" again.
 */
const partyDecisionRegistered1to2: EventUpcaster = {
  type: 'PartyDecisionRegistered',
  from: 1,
  upcast: (stored) => {
    const data = objectOf(stored);
    for (const field of ['initiativeId', 'party', 'decidedOn', 'registeredAt'])
      if (typeof data[field] !== 'string') throw new Error(`${field} is missing or not a string`);
    return { ...data, minutesApprovedOn: dateOrNull(data, 'minutesApprovedOn'), noticePostedOn: dateOrNull(data, 'noticePostedOn') };
  },
};

/**
 * A decision recorded before proposals had versions (issue 15, ADR 0015) was taken on the proposal as made:
 * version 1. Its text hash is not in the event and cannot be computed here (the upcaster sees the event only,
 * not the proposal; and the domain does not hash), so it is null, and every place that shows a version's hash
 * takes it from the version itself.
 */
const onVersionOne = (type: 'PartyDecisionRegistered' | 'PartyDecisionCorrected', from: number): EventUpcaster => ({
  type,
  from,
  upcast: (stored) => {
    const data = objectOf(stored);
    if (typeof data['party'] !== 'string') throw new Error('party is missing or not a string');
    return { ...data, proposalVersion: 1, textHash: null };
  },
});

export const EVENT_UPCASTERS: readonly EventUpcaster[] = [
  partyDecisionRegistered1to2,
  onVersionOne('PartyDecisionRegistered', 2),
  onVersionOne('PartyDecisionCorrected', 1),
];
