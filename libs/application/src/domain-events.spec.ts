import { EVENT_UPCASTERS, EVENT_VERSIONS } from '@dgr/domain';
import { eventSchemaProblems, UnreadableEvent, type RecordedEvent } from '@dgr/event-store';
import { EVENT_SCHEMAS, schemaVersionOf, toDomainEvent } from './domain-events';

const stored = (type: string, schemaVersion: number, data: unknown, stream = 'initiative-a'): RecordedEvent => ({
  id: 'e',
  position: 3,
  stream,
  revision: 1,
  type,
  data,
  metadata: { recordedAt: '2025-03-12T09:00:00.000Z', correlationId: 'c', causationId: null, schemaVersion, actor: null },
  hash: 'h',
  previousHash: 'p',
});

const decisionV1 = {
  initiativeId: 'a',
  party: '1780',
  outcome: 'approved',
  decidedOn: '2025-03-10',
  body: 'kommunfullmäktige',
  minuteReference: '§ 12',
  caseNumber: null,
  registeredAt: '2025-03-12T09:00:00.000Z',
};

describe('toDomainEvent', () => {
  it('is built on a whole declaration of the domain versions and upcasters', () => {
    expect(eventSchemaProblems({ current: EVENT_VERSIONS, upcasters: EVENT_UPCASTERS })).toEqual([]);
    expect(EVENT_SCHEMAS.knows('IdempotencyKeyClaimed')).toBe(true);
  });

  it('reads a version 1 decision as today’s version 3: through 1 → 2 (minutes dates) and 2 → 3 (version 1 of the proposal)', () => {
    expect(toDomainEvent(stored('PartyDecisionRegistered', 1, decisionV1))).toEqual({
      type: 'PartyDecisionRegistered',
      data: { ...decisionV1, minutesApprovedOn: null, noticePostedOn: null, proposalVersion: 1, textHash: null },
    });
  });

  it('writes new decisions as version 3, corrections as version 2, revisions as version 1', () => {
    expect(schemaVersionOf('PartyDecisionRegistered')).toBe(3);
    expect(schemaVersionOf('PartyDecisionCorrected')).toBe(2);
    expect(schemaVersionOf('InitiativeRevised')).toBe(1);
    expect(schemaVersionOf('FundDeposited')).toBe(1);
  });

  it('refuses an event of a future type, and an idempotency record where a domain event should be', () => {
    expect(() => toDomainEvent(stored('InitiativeMerged', 1, {}))).toThrow(UnreadableEvent);
    expect(() => toDomainEvent(stored('IdempotencyKeyClaimed', 1, {}))).toThrow(/is not a domain event/);
  });

  it('refuses a decision of version 4', () => {
    expect(() => toDomainEvent(stored('PartyDecisionRegistered', 4, decisionV1))).toThrow(/version 4 is newer than this version of the service reads \(3\)/);
  });
});
