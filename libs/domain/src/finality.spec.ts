import { consensusAsOf } from './consensus';
import { decisionFinalityAsOf } from './finality';
import type { InitiativeEvent } from './initiative/initiative.events';
import { PARTY_IDS, type PartyId } from './parties';
import {
  allApproveExcept,
  approvedBy,
  decisionCorrected,
  initiativeAfter,
  KARLSTAD,
  KIL,
  proposed,
  SAFFLE,
} from './testing/fixtures';
import { appealDecided, appealLodged, CASE, COURT, minutesRecorded } from './testing/legal-fixtures';

/*
 * Given the initiative's events, when we ask as of a day, then the decision's legal clock and the
 * consensus' finality. The initiative: proposed 2023-09-01, deadline 2023-12-31. Every party decides on
 * 2023-11-27, approves the minutes on 2023-12-08 and posts the notice on 2023-12-11: the appeal window
 * ends on 2024-01-02 (three weeks is nyårsdagen), so the decisions are final from 2024-01-03.
 */
const initiative = proposed({ proposedOn: '2023-09-01', decisionDeadline: '2023-12-31' });
const DECIDED = '2023-11-27';
const noticed = (party: PartyId, noticePostedOn = '2023-12-11') =>
  minutesRecorded(party, { minutesApprovedOn: '2023-12-08', noticePostedOn });
const allWithNotice = (except: PartyId[] = []): InitiativeEvent[] => [
  ...allApproveExcept(except, DECIDED),
  ...PARTY_IDS.filter((p) => !except.includes(p)).map((p) => noticed(p)),
];

const given = (...events: InitiativeEvent[]) => {
  const state = initiativeAfter(initiative, ...events);
  return {
    decisionOf: (party: PartyId) => ({ asOf: (day: string) => decisionFinalityAsOf(state.decisions.get(party)!, day) }),
    asOf: (day: string) => consensusAsOf(state, day),
  };
};

describe('the legal clock of one decision', () => {
  it('without a notice (anslag) the window has not begun: not final, reason no-notice', () => {
    expect(given(approvedBy(KIL, DECIDED)).decisionOf(KIL).asOf('2024-06-01')).toEqual({
      minutesApprovedOn: null,
      noticePostedOn: null,
      appealEndsOn: null,
      finalOn: null,
      final: false,
      annulledOn: null,
      notFinal: { reason: 'no-notice', until: null },
      minutesLate: false,
      appeals: [],
    });
  });

  it('notice 2023-12-11: the window ends 2024-01-02; not final on that day, final from 2024-01-03', () => {
    const clock = given(approvedBy(KIL, DECIDED), noticed(KIL)).decisionOf(KIL);
    expect(clock.asOf('2024-01-02')).toMatchObject({
      minutesApprovedOn: '2023-12-08',
      noticePostedOn: '2023-12-11',
      appealEndsOn: '2024-01-02',
      finalOn: '2024-01-03',
      final: false,
      notFinal: { reason: 'appeal-window', until: '2024-01-02' },
    });
    expect(clock.asOf('2024-01-03')).toMatchObject({ appealEndsOn: '2024-01-02', finalOn: '2024-01-03', final: true, notFinal: null });
  });

  it('knows only what had happened by the day: a notice posted later is not known yet', () => {
    const clock = given(approvedBy(KIL, DECIDED), noticed(KIL)).decisionOf(KIL);
    expect(clock.asOf('2023-12-10')).toMatchObject({
      minutesApprovedOn: '2023-12-08',
      noticePostedOn: null,
      appealEndsOn: null,
      notFinal: { reason: 'no-notice', until: null },
    });
  });

  it('dates may also come with the registration itself', () => {
    const clock = given(approvedBy(KIL, DECIDED, { minutesApprovedOn: '2023-12-08', noticePostedOn: '2023-12-11' })).decisionOf(KIL);
    expect(clock.asOf('2024-01-03')).toMatchObject({ appealEndsOn: '2024-01-02', final: true, finalOn: '2024-01-03' });
  });

  it('a pending appeal keeps the decision from being final, also after the window', () => {
    const clock = given(approvedBy(KIL, DECIDED), noticed(KIL), appealLodged(KIL, '2023-12-20')).decisionOf(KIL);
    expect(clock.asOf('2024-03-01')).toMatchObject({
      final: false,
      finalOn: null,
      notFinal: { reason: 'appeal-pending', until: null },
      appeals: [{ court: COURT, caseNumber: CASE, lodgedOn: '2023-12-20', outcome: null, decidedOn: null, late: false }],
    });
  });

  it('upheld after the window: final from the day after the judgment (not on the day itself)', () => {
    const clock = given(
      approvedBy(KIL, DECIDED),
      noticed(KIL),
      appealLodged(KIL, '2023-12-20'),
      appealDecided(KIL, 'upheld', '2024-02-14'),
    ).decisionOf(KIL);
    expect(clock.asOf('2024-02-13')).toMatchObject({ final: false, notFinal: { reason: 'appeal-pending', until: null } });
    expect(clock.asOf('2024-02-14')).toMatchObject({ final: false, finalOn: '2024-02-15', notFinal: { reason: 'appeal-pending', until: '2024-02-14' } });
    expect(clock.asOf('2024-02-15')).toMatchObject({ final: true, finalOn: '2024-02-15', notFinal: null });
  });

  it('upheld within the window: final from the day after the window', () => {
    const clock = given(
      approvedBy(KIL, DECIDED),
      noticed(KIL),
      appealLodged(KIL, '2023-12-12'),
      appealDecided(KIL, 'upheld', '2023-12-28'),
    ).decisionOf(KIL);
    expect(clock.asOf('2024-01-03')).toMatchObject({ final: true, finalOn: '2024-01-03' });
  });

  it('annulled: from the judgment on the decision no longer counts', () => {
    const clock = given(
      approvedBy(KIL, DECIDED),
      noticed(KIL),
      appealLodged(KIL, '2023-12-20'),
      appealDecided(KIL, 'annulled', '2024-02-14'),
    ).decisionOf(KIL);
    expect(clock.asOf('2024-02-13')).toMatchObject({ annulledOn: null, notFinal: { reason: 'appeal-pending' } });
    expect(clock.asOf('2024-02-14')).toMatchObject({ annulledOn: '2024-02-14', final: false, finalOn: null, notFinal: null });
  });

  it('an appeal lodged after the window is recorded as late and keeps nothing from being final', () => {
    const clock = given(approvedBy(KIL, DECIDED), noticed(KIL), appealLodged(KIL, '2024-01-10')).decisionOf(KIL);
    expect(clock.asOf('2024-01-20')).toMatchObject({
      final: true,
      finalOn: '2024-01-03',
      appeals: [{ lodgedOn: '2024-01-10', outcome: null, late: true }],
    });
  });

  it('flags justering more than 14 days after the meeting (kept, not refused)', () => {
    const late = given(approvedBy(KIL, DECIDED), minutesRecorded(KIL, { minutesApprovedOn: '2023-12-12' })).decisionOf(KIL);
    const onTime = given(approvedBy(KIL, DECIDED), minutesRecorded(KIL, { minutesApprovedOn: '2023-12-11' })).decisionOf(KIL);
    expect(late.asOf('2024-01-01').minutesLate).toBe(true);
    expect(onTime.asOf('2024-01-01').minutesLate).toBe(false);
  });

  it('minutes recorded in two steps keep the earlier date; a correction of the decision keeps them and the appeals', () => {
    const state = initiativeAfter(
      initiative,
      approvedBy(KIL, DECIDED),
      minutesRecorded(KIL, { minutesApprovedOn: '2023-12-08' }),
      minutesRecorded(KIL, { noticePostedOn: '2023-12-11' }),
      appealLodged(KIL, '2023-12-20'),
      decisionCorrected(KIL, { decidedOn: '2023-11-28', reason: 'Fel datum.' }),
    );
    expect(state.decisions.get(KIL)).toMatchObject({
      decidedOn: '2023-11-28',
      minutesApprovedOn: '2023-12-08',
      noticePostedOn: '2023-12-11',
      appeals: [{ court: COURT, caseNumber: CASE, lodgedOn: '2023-12-20', outcome: null, decidedOn: null }],
    });
  });
});

describe('the finality of the consensus', () => {
  it('is final once every approval is, from the latest of their final days', () => {
    const view = given(...allWithNotice([KARLSTAD]), approvedBy(KARLSTAD, DECIDED), noticed(KARLSTAD, '2023-12-14')).asOf('2024-01-05');
    // Karlstad's notice three days later: its window ends on Thursday 2024-01-04, final from 2024-01-05.
    expect(view.status).toBe('consensus');
    expect(view.finality).toEqual({ final: true, finalOn: '2024-01-05', notFinal: [] });
  });

  it('names the approvals still in their window, with the window’s last day', () => {
    const view = given(...allWithNotice([KARLSTAD]), approvedBy(KARLSTAD, DECIDED), noticed(KARLSTAD, '2023-12-14')).asOf('2024-01-04');
    expect(view.finality).toEqual({ final: false, finalOn: null, notFinal: [{ party: KARLSTAD, reason: 'appeal-window', until: '2024-01-04' }] });
  });

  it('is not final while one approval is appealed', () => {
    const view = given(...allWithNotice(), appealLodged(SAFFLE, '2023-12-15')).asOf('2024-02-01');
    expect(view.status).toBe('consensus');
    expect(view.finality).toEqual({ final: false, finalOn: null, notFinal: [{ party: SAFFLE, reason: 'appeal-pending', until: null }] });
  });

  describe('an appeal that annuls the seventeenth approval', () => {
    const events = [...allWithNotice(), appealLodged(SAFFLE, '2023-12-15'), appealDecided(SAFFLE, 'annulled', '2024-02-20')];

    it('leaves the consensus in place until the court’s judgment (the day before: consensus, not final)', () => {
      const view = given(...events).asOf('2024-02-19');
      expect(view.status).toBe('consensus');
      expect(view.reachedOn).toBe(DECIDED);
      expect(view.finality.final).toBe(false);
    });

    it('makes the consensus fall back from the judgment on: Säffle missing, past the deadline so lapsed', () => {
      const view = given(...events).asOf('2024-02-20');
      expect(view).toEqual({
        status: 'lapsed',
        approved: PARTY_IDS.filter((p) => p !== SAFFLE),
        rejected: [],
        missing: [SAFFLE],
        reachedOn: null,
        finality: { final: false, finalOn: null, notFinal: [] },
      });
    });
  });

  it('an annulled rejection no longer blocks', () => {
    const view = given(
      ...allApproveExcept([KIL], '2023-11-20'),
      approvedBy(KIL, DECIDED, { outcome: 'rejected' }),
      noticed(KIL),
      appealLodged(KIL, '2023-12-15'),
      appealDecided(KIL, 'annulled', '2023-12-28'),
    );
    expect(view.asOf('2023-12-27').status).toBe('blocked');
    expect(view.asOf('2023-12-28')).toMatchObject({ status: 'open', missing: [KIL], rejected: [] });
  });
});
