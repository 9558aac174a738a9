import { consensusAsOf } from './consensus';
import type { InitiativeEvent } from './initiative/initiative.events';
import { PARTY_IDS, type PartyId } from './parties';
import {
  allApproveExcept,
  allSeventeenApprove,
  approvedBy,
  ARVIKA,
  cancelled,
  decisionCorrected,
  EDA,
  initiativeAfter,
  KARLSTAD,
  KIL,
  proposed,
  REGION,
  rejectedBy,
  SAFFLE,
} from './testing/fixtures';

/**
 * Given the initiative's events, when we ask for consensus as of a day, then this view.
 * The initiative of these tests: proposed 2021-03-01 with the agreement's own deadline, 2021-12-31.
 */
const proposed2021 = proposed({ proposedOn: '2021-03-01', decisionDeadline: '2021-12-31' });
const given = (...events: InitiativeEvent[]) => ({
  asOf: (day: string) => consensusAsOf(initiativeAfter(proposed2021, ...events), day),
});

const others = (...except: PartyId[]) => PARTY_IDS.filter((p) => !except.includes(p));

describe('consensusAsOf', () => {
  describe('before any decision', () => {
    it('is open, with all 17 parties missing', () => {
      expect(given().asOf('2021-06-01')).toEqual({
        status: 'open',
        approved: [],
        rejected: [],
        missing: [...PARTY_IDS],
        reachedOn: null,
        finality: { final: false, finalOn: null, notFinal: [] },
      });
    });
  });

  describe('consensus: every one of the 17 parties approves', () => {
    it('is reached when all 17 have approved, on the day of the latest approval', () => {
      const view = given(
        ...allApproveExcept([KARLSTAD, EDA], '2021-10-01'),
        approvedBy(KARLSTAD, '2021-11-20'),
        approvedBy(EDA, '2021-11-05'),
      ).asOf('2021-12-01');
      expect(view).toEqual({
        status: 'consensus',
        approved: [...PARTY_IDS],
        rejected: [],
        missing: [],
        reachedOn: '2021-11-20',
        // No decision has a notice (anslag) recorded: none is final yet.
        finality: { final: false, finalOn: null, notFinal: PARTY_IDS.map((party) => ({ party, reason: 'no-notice', until: null })) },
      });
    });

    it('is judged on decision dates, not on when the decisions were registered', () => {
      const view = given(
        ...allApproveExcept([KARLSTAD], '2021-10-01'),
        approvedBy(KARLSTAD, '2021-12-14', { registeredAt: '2022-01-12T08:00:00Z' }),
      ).asOf('2022-02-01');
      expect(view.status).toBe('consensus');
      expect(view.reachedOn).toBe('2021-12-14');
    });

    it('is not reached with 16 approvals', () => {
      const view = given(...allApproveExcept([SAFFLE], '2021-10-01')).asOf('2021-12-01');
      expect(view.status).toBe('open');
      expect(view.missing).toEqual([SAFFLE]);
      expect(view.approved).toEqual(others(SAFFLE));
      expect(view.reachedOn).toBeNull();
    });

    it('needs Region Värmland too, not only the 16 municipalities', () => {
      const view = given(...allApproveExcept([REGION], '2021-10-01')).asOf('2021-12-01');
      expect(view.status).toBe('open');
      expect(view.missing).toEqual([REGION]);
    });

    it('stays consensus after the deadline has passed', () => {
      const view = given(...allSeventeenApprove('2021-10-01')).asOf('2023-05-01');
      expect(view.status).toBe('consensus');
      expect(view.reachedOn).toBe('2021-10-01');
    });
  });

  describe('blocked: one rejection is enough', () => {
    it('is blocked by a single rejection among 16 approvals', () => {
      const view = given(...allApproveExcept([ARVIKA], '2021-10-01'), rejectedBy(ARVIKA, '2021-10-15')).asOf(
        '2021-11-01',
      );
      expect(view).toEqual({
        status: 'blocked',
        approved: others(ARVIKA),
        rejected: [ARVIKA],
        missing: [],
        reachedOn: null,
        finality: { final: false, finalOn: null, notFinal: others(ARVIKA).map((party) => ({ party, reason: 'no-notice', until: null })) },
      });
    });

    it('is blocked at once, while others are still missing and before the deadline', () => {
      const view = given(rejectedBy(KIL, '2021-04-01'), approvedBy(KARLSTAD, '2021-04-02')).asOf('2021-04-02');
      expect(view.status).toBe('blocked');
      expect(view.rejected).toEqual([KIL]);
      expect(view.approved).toEqual([KARLSTAD]);
      expect(view.missing).toHaveLength(15);
    });

    it('stays blocked (not lapsed) after the deadline', () => {
      expect(given(rejectedBy(KIL, '2021-04-01')).asOf('2022-01-01').status).toBe('blocked');
    });
  });

  describe('lapsed: a decision is missing when the deadline has passed', () => {
    const sixteen = allApproveExcept([KARLSTAD], '2021-10-01');

    it('is still open on the deadline day itself', () => {
      expect(given(...sixteen).asOf('2021-12-31').status).toBe('open');
    });

    it('lapses the day after the deadline, naming the missing party', () => {
      const view = given(...sixteen).asOf('2022-01-01');
      expect(view.status).toBe('lapsed');
      expect(view.missing).toEqual([KARLSTAD]);
      expect(view.reachedOn).toBeNull();
    });

    it('lapses with no decisions at all', () => {
      expect(given().asOf('2022-01-01').status).toBe('lapsed');
    });
  });

  describe('the deadline day: 2021-12-31', () => {
    it('counts approvals dated on the deadline itself, as of the deadline', () => {
      const view = given(...allSeventeenApprove('2021-12-31')).asOf('2021-12-31');
      expect(view.status).toBe('consensus');
      expect(view.reachedOn).toBe('2021-12-31');
    });
  });

  describe('only decisions dated on or before asOf count (later ones have not happened yet)', () => {
    const events = [...allApproveExcept([KARLSTAD], '2021-11-01'), approvedBy(KARLSTAD, '2021-12-10')];

    it('does not count a decision dated after asOf', () => {
      const view = given(...events).asOf('2021-12-09');
      expect(view.status).toBe('open');
      expect(view.missing).toEqual([KARLSTAD]);
    });

    it('counts it from its own date on', () => {
      const view = given(...events).asOf('2021-12-10');
      expect(view.status).toBe('consensus');
      expect(view.reachedOn).toBe('2021-12-10');
    });

    it('does not let a future rejection block today', () => {
      const view = given(approvedBy(EDA, '2021-05-01'), rejectedBy(KIL, '2021-06-01')).asOf('2021-05-31');
      expect(view.status).toBe('open');
      expect(view.rejected).toEqual([]);
      expect(view.missing).toContain(KIL);
    });
  });

  describe('a decision dated after the deadline is kept but does not count', () => {
    it('leaves the party missing, so the initiative lapses', () => {
      const view = given(...allApproveExcept([KARLSTAD], '2021-10-01'), approvedBy(KARLSTAD, '2022-01-15')).asOf(
        '2022-02-01',
      );
      expect(view.status).toBe('lapsed');
      expect(view.missing).toEqual([KARLSTAD]);
      expect(view.approved).not.toContain(KARLSTAD);
    });

    it('does not block either: a late rejection leaves the initiative lapsed', () => {
      const view = given(...allApproveExcept([KARLSTAD], '2021-10-01'), rejectedBy(KARLSTAD, '2022-01-15')).asOf(
        '2022-02-01',
      );
      expect(view.status).toBe('lapsed');
      expect(view.rejected).toEqual([]);
    });
  });

  describe('corrections: a corrected decision counts with its corrected facts', () => {
    it('counts a rejection corrected to an approval as an approval', () => {
      const view = given(
        ...allApproveExcept([KARLSTAD], '2021-10-01'),
        rejectedBy(KARLSTAD, '2021-11-01'),
        decisionCorrected(KARLSTAD, { outcome: 'approved', decidedOn: '2021-11-01' }),
      ).asOf('2021-12-01');
      expect(view.status).toBe('consensus');
      expect(view.reachedOn).toBe('2021-11-01');
    });

    it('counts an approval corrected to a rejection as a rejection', () => {
      const view = given(
        ...allSeventeenApprove('2021-10-01'),
        decisionCorrected(KARLSTAD, { outcome: 'rejected', decidedOn: '2021-10-01' }),
      ).asOf('2021-12-01');
      expect(view.status).toBe('blocked');
      expect(view.rejected).toEqual([KARLSTAD]);
    });

    it('uses the corrected date: a mistyped January date corrected to December counts', () => {
      const history = [
        ...allApproveExcept([KARLSTAD], '2021-10-01'),
        approvedBy(KARLSTAD, '2022-01-13'),
        decisionCorrected(KARLSTAD, { outcome: 'approved', decidedOn: '2021-12-13', reason: 'Fel år angavs.' }),
      ];
      expect(given(...history.slice(0, -1)).asOf('2022-02-01').status).toBe('lapsed');
      const view = given(...history).asOf('2022-02-01');
      expect(view.status).toBe('consensus');
      expect(view.reachedOn).toBe('2021-12-13');
    });

    it('uses the corrected date the other way too: moved past asOf, it no longer counts', () => {
      const view = given(
        ...allSeventeenApprove('2021-10-01'),
        decisionCorrected(KARLSTAD, { outcome: 'approved', decidedOn: '2021-11-15' }),
      ).asOf('2021-11-01');
      expect(view.status).toBe('open');
      expect(view.missing).toEqual([KARLSTAD]);
    });
  });

  describe('cancelled: as of its date', () => {
    it('is not cancelled before the cancellation date', () => {
      expect(given(cancelled('2021-10-01')).asOf('2021-09-30').status).toBe('open');
    });

    it('is cancelled from the cancellation date on', () => {
      expect(given(cancelled('2021-10-01')).asOf('2021-10-01').status).toBe('cancelled');
      expect(given(cancelled('2021-10-01')).asOf('2022-06-01').status).toBe('cancelled');
    });

    it('outranks consensus, blocked and lapsed from its date on, but not before', () => {
      const all = allSeventeenApprove('2021-09-01');
      expect(given(...all, cancelled('2021-10-01')).asOf('2021-09-15').status).toBe('consensus');
      expect(given(...all, cancelled('2021-10-01')).asOf('2021-10-01').status).toBe('cancelled');
      expect(given(rejectedBy(KIL, '2021-05-01'), cancelled('2021-10-01')).asOf('2021-10-01').status).toBe('cancelled');
      expect(given(cancelled('2021-10-01')).asOf('2022-01-01').status).toBe('cancelled');
    });

    it('still reports the decisions counted, and reachedOn when every party approved', () => {
      const view = given(...allSeventeenApprove('2021-09-01'), cancelled('2021-10-01')).asOf('2021-10-01');
      expect(view.approved).toHaveLength(17);
      expect(view.reachedOn).toBe('2021-09-01');
    });
  });

  describe('lists', () => {
    it('are in SCB-code order, Region Värmland first, whatever the order of registration', () => {
      const view = given(
        approvedBy(SAFFLE, '2021-05-01'),
        approvedBy(REGION, '2021-05-02'),
        approvedBy(KIL, '2021-05-03'),
      ).asOf('2021-06-01');
      expect(view.approved).toEqual([REGION, KIL, SAFFLE]);
      expect(view.missing).toEqual(others(REGION, KIL, SAFFLE));
    });
  });
});
