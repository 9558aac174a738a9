import { EVENT_UPCASTERS, EVENT_VERSIONS } from './event-versions';
import { FUND_EVENT_TYPES } from './fund/fund.events';
import { INITIATIVE_EVENT_TYPES } from './initiative/initiative.events';

const upcast = (type: string, from: number, data: unknown): unknown => {
  const u = EVENT_UPCASTERS.find((x) => x.type === type && x.from === from);
  if (!u) throw new Error(`no upcaster ${type}@${from}`);
  return u.upcast(data);
};

const v1Decision = {
  initiativeId: 'a0000000-0000-4000-8000-000000000001',
  party: '1780',
  outcome: 'approved',
  decidedOn: '2025-03-10',
  body: 'kommunfullmäktige',
  minuteReference: '§ 12',
  caseNumber: null,
  registeredAt: '2025-03-12T09:00:00.000Z',
};

describe('event versions', () => {
  it('every domain event type has a current version', () => {
    expect(Object.keys(EVENT_VERSIONS).sort()).toEqual([...INITIATIVE_EVENT_TYPES, ...FUND_EVENT_TYPES].sort());
  });
});

describe('PartyDecisionRegistered 1 → 2', () => {
  it('gives a decision registered before minutes and notice dates existed both as null', () => {
    expect(upcast('PartyDecisionRegistered', 1, v1Decision)).toEqual({ ...v1Decision, minutesApprovedOn: null, noticePostedOn: null });
  });

  it('keeps the dates of a version 1 decision that has them', () => {
    const withDates = { ...v1Decision, minutesApprovedOn: '2025-03-17', noticePostedOn: null };
    expect(upcast('PartyDecisionRegistered', 1, withDates)).toEqual(withDates);
  });

  it('refuses a decision without its party, or with a date that is no date', () => {
    const { party: _party, ...noParty } = v1Decision;
    expect(() => upcast('PartyDecisionRegistered', 1, noParty)).toThrow('party is missing or not a string');
    expect(() => upcast('PartyDecisionRegistered', 1, { ...v1Decision, noticePostedOn: '2025-02-30' })).toThrow(
      'noticePostedOn is "2025-02-30", neither a date YYYY-MM-DD nor null',
    );
    expect(() => upcast('PartyDecisionRegistered', 1, [])).toThrow('data is not an object');
  });
});

describe('decisions before versions (issue 15): PartyDecisionRegistered 2 → 3, PartyDecisionCorrected 1 → 2', () => {
  const v2Decision = { ...v1Decision, minutesApprovedOn: null, noticePostedOn: null };

  it('reads a decision recorded before proposals had versions as one on version 1, its text hash unknown to the event', () => {
    expect(upcast('PartyDecisionRegistered', 2, v2Decision)).toEqual({ ...v2Decision, proposalVersion: 1, textHash: null });
    const correction = { ...v1Decision, reason: 'Fel paragraf.', correctedAt: '2025-03-13T09:00:00.000Z' };
    expect(upcast('PartyDecisionCorrected', 1, correction)).toEqual({ ...correction, proposalVersion: 1, textHash: null });
  });

  it('refuses a decision without its party', () => {
    const { party: _party, ...noParty } = v2Decision;
    expect(() => upcast('PartyDecisionRegistered', 2, noParty)).toThrow('party is missing or not a string');
    expect(() => upcast('PartyDecisionCorrected', 1, 'x')).toThrow('data is not an object');
  });
});
