import { PARTY_IDS, type Initiative, type PartyDecision, type PartyId } from '@dgr/domain';
import {
  allApproveExcept,
  approvedBy,
  ARVIKA,
  cancelled,
  DEADLINE,
  EDA,
  initiativeAfter,
  KARLSTAD,
  KIL,
  proposed,
  REGION,
  rejectedBy,
  revisedTo,
  SAFFLE,
} from '@dgr/domain/testing';
import { remindersAsOf } from './reminders';

type Dates = { minutesApprovedOn?: string | null; noticePostedOn?: string | null };

/**
 * The initiative with minutes and notice dates on its decisions: `dates` for the parties named there,
 * both dates (the 10th and 12th of the decision's month) for every other party.
 */
const withDates = (i: Initiative, dates: Partial<Record<PartyId, Dates>> = {}): Initiative => {
  const decisions = new Map<PartyId, PartyDecision>();
  for (const [party, d] of i.decisions) {
    const month = d.decidedOn.slice(0, 8);
    const given = dates[party] ?? { minutesApprovedOn: `${month}10`, noticePostedOn: `${month}12` };
    decisions.set(party, { ...d, minutesApprovedOn: null, noticePostedOn: null, ...given } as PartyDecision);
  }
  return { ...i, decisions };
};

const open = (id: string, title: string, deadline: string, except: PartyId[]) =>
  initiativeAfter(
    proposed({ initiativeId: id, title, decisionDeadline: deadline }),
    ...allApproveExcept(except, '2026-05-01', id),
  );

describe('reminders as of a day (pure)', () => {
  describe('given an open initiative that Karlstad and Arvika have not decided, every decision with its dates', () => {
    const i = withDates(open('a', 'Kompetensplattform', DEADLINE, [KARLSTAD, ARVIKA]));

    it('lists exactly those two parties, in the parties\' order, with the deadline and days left', () => {
      expect(remindersAsOf([i], '2026-11-20', { '1780': 'registrator@karlstad.se' })).toEqual([
        {
          party: KARLSTAD,
          partyName: 'Karlstad',
          contact: 'registrator@karlstad.se',
          waitingForDecision: [{ initiativeId: 'a', title: 'Kompetensplattform', decisionDeadline: '2026-12-31', daysLeft: 41 }],
          missingMinutesOrNotice: [],
        },
        {
          party: ARVIKA,
          partyName: 'Arvika',
          contact: null,
          waitingForDecision: [{ initiativeId: 'a', title: 'Kompetensplattform', decisionDeadline: '2026-12-31', daysLeft: 41 }],
          missingMinutesOrNotice: [],
        },
      ]);
    });

    it('counts 0 days left on the deadline itself', () => {
      expect(remindersAsOf([i], DEADLINE)[0]!.waitingForDecision[0]!.daysLeft).toBe(0);
    });

    it('has nothing to remind of once the deadline has passed (the initiative lapsed)', () => {
      expect(remindersAsOf([i], '2027-01-01')).toEqual([]);
    });

    it('does not know an initiative before the day it was proposed', () => {
      expect(remindersAsOf([i], '2026-01-31')).toEqual([]);
    });
  });

  it('keeps waiting for a party whose decision is dated after the day asked about', () => {
    const i = withDates(
      initiativeAfter(proposed({ initiativeId: 'b' }), ...allApproveExcept([SAFFLE], '2026-05-01', 'b'), approvedBy(SAFFLE, '2026-09-01', { initiativeId: 'b' })),
      { [SAFFLE]: { minutesApprovedOn: null, noticePostedOn: null } },
    );
    const asOfJune = remindersAsOf([i], '2026-06-15');
    expect(asOfJune.map((r) => r.party)).toEqual([SAFFLE]);
    expect(asOfJune[0]!.waitingForDecision.map((w) => w.initiativeId)).toEqual(['b']);
    // Its decision is not listed as lacking dates before it was taken…
    expect(asOfJune[0]!.missingMinutesOrNotice).toEqual([]);
    // …and after it, consensus is reached: nothing waits, but the minutes dates are missing.
    expect(remindersAsOf([i], '2026-09-02')).toEqual([
      expect.objectContaining({
        party: SAFFLE,
        waitingForDecision: [],
        missingMinutesOrNotice: [{ initiativeId: 'b', title: proposed().data.title, decidedOn: '2026-09-01', missing: ['minutesApprovedOn', 'noticePostedOn'] }],
      }),
    ]);
  });

  it('waits for nobody on an initiative with consensus or a rejection', () => {
    const consensus = withDates(initiativeAfter(proposed({ initiativeId: 'c' }), ...allApproveExcept([], '2026-05-01', 'c')));
    const blocked = withDates(initiativeAfter(proposed({ initiativeId: 'd' }), rejectedBy(EDA, '2026-04-01', { initiativeId: 'd' })));
    expect(remindersAsOf([consensus, blocked], '2026-06-15')).toEqual([]);
  });

  it('lists the decisions lacking one or both dates, or with a date after the day asked about', () => {
    const i = withDates(open('e', 'Laddinfrastruktur', DEADLINE, []), {
      [REGION]: { minutesApprovedOn: '2026-05-10', noticePostedOn: null },
      [KIL]: {},
      [EDA]: { minutesApprovedOn: '2026-05-10', noticePostedOn: '2026-07-01' },
    });
    const reminders = remindersAsOf([i], '2026-06-15');
    expect(reminders.map((r) => [r.party, r.missingMinutesOrNotice.map((m) => m.missing)])).toEqual([
      [REGION, [['noticePostedOn']]],
      [KIL, [['minutesApprovedOn', 'noticePostedOn']]],
      [EDA, [['noticePostedOn']]],
    ]);
    expect(reminders[0]!.missingMinutesOrNotice[0]).toEqual({ initiativeId: 'e', title: 'Laddinfrastruktur', decidedOn: '2026-05-01', missing: ['noticePostedOn'] });
    expect(remindersAsOf([i], '2026-07-01').map((r) => r.party)).toEqual([REGION, KIL]);
  });

  it('reads decisions without the date fields at all as lacking both', () => {
    const i = open('f', 'Utan datumfält', DEADLINE, []);
    const decisions = new Map([...i.decisions].map(([p, d]) => {
      const { minutesApprovedOn: _m, noticePostedOn: _n, ...rest } = d as PartyDecision & Dates;
      return [p, rest as PartyDecision];
    }));
    const reminders = remindersAsOf([{ ...i, decisions }], '2026-06-15');
    expect(reminders.map((r) => r.party)).toEqual([...PARTY_IDS]);
    expect(reminders.every((r) => r.missingMinutesOrNotice[0]!.missing.length === 2)).toBe(true);
  });

  it('forgets a cancelled initiative entirely, from the day of the cancellation', () => {
    const i = initiativeAfter(proposed({ initiativeId: 'g' }), approvedBy(KARLSTAD, '2026-03-01', { initiativeId: 'g' }), cancelled('2026-04-01', { initiativeId: 'g' }));
    expect(remindersAsOf([i], '2026-03-31')).toHaveLength(17);
    expect(remindersAsOf([i], '2026-04-01')).toEqual([]);
  });

  it('orders a party\'s initiatives by deadline, then title', () => {
    const late = withDates(open('h1', 'Sent', '2026-12-31', [KARLSTAD]));
    const earlyB = withDates(open('h2', 'Bredband', '2026-09-30', [KARLSTAD]));
    const earlyA = withDates(open('h3', 'Arkiv', '2026-09-30', [KARLSTAD]));
    const [karlstad] = remindersAsOf([late, earlyB, earlyA], '2026-06-15');
    expect(karlstad!.waitingForDecision.map((w) => [w.title, w.daysLeft])).toEqual([
      ['Arkiv', 107],
      ['Bredband', 107],
      ['Sent', 199],
    ]);
  });
});

describe('reminders after a revision of the proposal (issue 15)', () => {
  it('remind a party that approved an earlier version to decide again, naming the version in force and what changed', () => {
    const v2 = revisedTo(2, { requestedAmountOre: 1, summary: 'Ny.' }, '2026-05-20');
    const i = withDates(
      initiativeAfter(
        proposed(),
        ...allApproveExcept([KARLSTAD], '2026-05-01').filter((e) => e.data.party === KIL),
        v2,
        ...allApproveExcept([KARLSTAD, KIL], '2026-06-01').map((e) => ({ ...e, data: { ...e.data, proposalVersion: 2, textHash: v2.data.textHash } })),
      ),
    );
    const reminders = remindersAsOf([i], '2026-06-20');
    expect(reminders.map((r) => r.party)).toEqual([KIL, KARLSTAD]);
    expect(reminders[0]!.waitingForDecision[0]!.decideAgain).toEqual({
      decidedVersion: 1,
      currentVersion: 2,
      textHash: v2.data.textHash,
      changes: ['summary', 'requestedAmountOre'],
    });
    // Karlstad never decided: an ordinary reminder.
    expect(reminders[1]!.waitingForDecision[0]!.decideAgain).toBeUndefined();
  });
});
