import { FUND_STREAM, initiativeStream, type FundEvent, type InitiativeEvent } from '@dgr/domain';
import {
  allApproveExcept,
  allSeventeenApprove,
  approvedBy,
  cancelled,
  decisionCorrected,
  deposited,
  granted,
  INITIATIVE_ID,
  KARLSTAD,
  proposed,
  rejectedBy,
  returned,
  revisedTo,
  withdrawn,
  yearClosed,
} from '@dgr/domain/testing';
import { checkRules, type ScannedEvent } from './rule-check';

/** A log in the order given: initiative events go to INITIATIVE_ID's stream, fund events to the fund. */
const logOf = (...events: Array<InitiativeEvent | FundEvent>): ScannedEvent[] => {
  const revisions = new Map<string, number>();
  return events.map((e, i) => {
    const stream = e.type in FUND_TYPES ? FUND_STREAM : initiativeStream(INITIATIVE_ID);
    const revision = revisions.get(stream) ?? 0;
    revisions.set(stream, revision + 1);
    return { position: i + 1, stream, revision, type: e.type, data: e.data };
  });
};
const FUND_TYPES = { FundDeposited: 1, GrantAwarded: 1, FundWithdrawn: 1, FundReturned: 1, YearClosed: 1 };

const rules = (...events: Array<InitiativeEvent | FundEvent>) => checkRules(logOf(...events)).map((v) => [v.position, v.rule]);

const agreed = [proposed(), ...allSeventeenApprove('2026-03-01')];
const money = deposited(10_000_000, '2026-01-10');

describe('the rule scan over a log', () => {
  it('a log kept by the deciders has no violation', () => {
    expect(rules(money, ...agreed, granted(1_000_000, '2026-04-01'), withdrawn(400_000, '2026-04-02'), returned(100_000, '2026-04-03'))).toEqual([]);
  });

  it('a grant on an initiative cancelled before it, by position', () => {
    expect(rules(money, ...agreed, cancelled('2026-03-10'), granted(1_000_000, '2026-04-01'))).toEqual([[21, 'grant-on-cancelled-initiative']]);
  });

  it('a cancellation after a grant', () => {
    expect(rules(money, ...agreed, granted(1_000_000, '2026-04-01'), cancelled('2026-04-10'))).toEqual([[21, 'cancelled-after-grant']]);
  });

  it('a grant without consensus, judged on the initiative as it stood when the grant was recorded', () => {
    const corrected = decisionCorrected(KARLSTAD, { outcome: 'rejected', decidedOn: '2026-03-01' });
    expect(rules(money, ...agreed, corrected, granted(1_000_000, '2026-04-01'))).toEqual([[21, 'grant-without-consensus']]);
    // The same correction recorded after the grant: the grant relied on what was true then.
    expect(rules(money, ...agreed, granted(1_000_000, '2026-04-01'), corrected)).toEqual([]);
    expect(rules(money, proposed(), ...allApproveExcept([KARLSTAD], '2026-03-01'), rejectedBy(KARLSTAD, '2026-03-01'), granted(1, '2026-04-01'))).toEqual([[20, 'grant-without-consensus']]);
  });

  it('a grant relies on its reservation: a correction between the reservation and the grant does not make it a violation', () => {
    const reservation: InitiativeEvent = { type: 'GrantReserved', data: { initiativeId: INITIATIVE_ID, reservationId: 'r1', amountOre: 1_000_000, decidedOn: '2026-04-01', reference: 'x' } };
    const corrected = decisionCorrected(KARLSTAD, { outcome: 'rejected', decidedOn: '2026-03-01' });
    expect(rules(money, ...agreed, reservation, corrected, granted(1_000_000, '2026-04-01', INITIATIVE_ID, { reservationId: 'r1' }))).toEqual([]);
    // …and a cancellation after a reservation is a violation even before the fund's grant arrives.
    expect(rules(money, ...agreed, reservation, cancelled('2026-04-10'))).toEqual([[21, 'cancelled-after-grant']]);
  });

  it('money rules: beyond the grant, beyond what was paid out, beyond the request, beyond what is available, below zero', () => {
    expect(rules(money, ...agreed, granted(1_000_000, '2026-04-01'), withdrawn(1_000_001, '2026-04-02'))).toEqual([[21, 'withdrawal-exceeds-grant']]);
    expect(rules(money, ...agreed, granted(1_000_000, '2026-04-01'), withdrawn(10, '2026-04-02'), returned(11, '2026-04-03'))).toEqual([[22, 'return-exceeds-withdrawn']]);
    expect(rules(deposited(100_000_000_000, '2026-01-10'), ...agreed, granted(proposed().data.requestedAmountOre + 1, '2026-04-01'))).toEqual([[20, 'grant-exceeds-request']]);
    expect(rules(deposited(10, '2026-01-10'), ...agreed, granted(11, '2026-04-01'))).toEqual([[20, 'grant-exceeds-available']]);
    // Paid out on 04-02 what was only deposited on 04-05: below zero on 04-02 and 04-03.
    expect(rules(deposited(10, '2026-01-10'), ...agreed, granted(10, '2026-04-01'), withdrawn(10, '2026-04-02'), withdrawn(5, '2026-04-03'), deposited(100, '2026-04-05'))).toEqual([
      [22, 'withdrawal-exceeds-grant'],
      [22, 'negative-balance'],
    ]);
  });

  it('closed years never change; one current decision per party', () => {
    expect(rules(deposited(10, '2025-01-10'), yearClosed(2025), deposited(5, '2025-12-31'))).toEqual([[3, 'booking-in-closed-year']]);
    expect(rules(deposited(10, '2024-01-10'), yearClosed(2024), yearClosed(2026))).toEqual([[3, 'year-closed-out-of-order']]);
    expect(rules(proposed(), approvedBy(KARLSTAD, '2026-03-01'), approvedBy(KARLSTAD, '2026-03-02'))).toEqual([[3, 'second-decision']]);
  });

  it('a party deciding again on a newer version after a revision breaks no rule; again on the same version does (issue 15)', () => {
    const v1 = approvedBy(KARLSTAD, '2026-03-01', { proposalVersion: 1 });
    const revision = revisedTo(2, { requestedAmountOre: 1 }, '2026-03-05');
    const onV2 = approvedBy(KARLSTAD, '2026-03-10', { proposalVersion: 2 });
    expect(rules(proposed(), v1, revision, onV2)).toEqual([]);
    expect(rules(proposed(), v1, revision, onV2, approvedBy(KARLSTAD, '2026-03-11', { proposalVersion: 2 }))).toEqual([[5, 'second-decision']]);
    expect(rules(proposed(), v1, revision, approvedBy(KARLSTAD, '2026-03-10', { proposalVersion: 1 }))).toEqual([[4, 'second-decision']]);
  });

  it('an event that cannot be applied at all is a violation, and the scan goes on', () => {
    expect(rules(cancelled('2026-03-10'), money)).toEqual([[1, 'event-not-applicable']]);
  });
});
