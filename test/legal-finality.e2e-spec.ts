/**
 * When a decision really stands, over HTTP: justering and anslag, the appeal window, appeals, the
 * consensus' finality as of a day, and grants under DGR_REQUIRE_FINAL_CONSENSUS=true.
 *
 * Every party decides on 2024-11-25, approves its minutes on 2024-12-02 and posts the notice on
 * 2024-12-03: three weeks on is julafton, so the windows end on Friday 2024-12-27 (past juldagen and
 * annandag jul) and the decisions are final from 2024-12-28.
 */
import { ConfigError } from '@dgr/config';
import {
  decideAll,
  decision,
  expectInvalidField,
  expectProblem,
  expectRefused,
  HttpApp,
  PARTY_IDS,
  propose,
  testConfig,
  tokenFor,
} from './support/http-app';

const DECIDED = '2024-11-25';
const MINUTES = { minutesApprovedOn: '2024-12-02', noticePostedOn: '2024-12-03' };
const COURT = 'Förvaltningsrätten i Karlstad';

const must = async (p: Promise<{ status: number; text: string }>, status = 201) => {
  const res = await p;
  if (res.status !== status) throw new Error(`fixture: ${res.status} ${res.text}`);
  return res;
};

/** An initiative where all 17 approved on 2024-11-25, and (unless `except`) recorded justering and anslag. */
const decidedAndNoticed = async (app: HttpApp, title: string, except: string[] = []): Promise<string> => {
  const id = await propose(app, { title });
  await decideAll(app, id, { decidedOn: () => DECIDED });
  for (const party of PARTY_IDS.filter((p) => !except.includes(p)))
    await must(app.post(`/api/initiatives/${id}/decisions/${party}/minutes`, MINUTES));
  return id;
};

describe('justering, anslag and appeals (default settings)', () => {
  let app: HttpApp;
  let id: string;

  beforeAll(async () => {
    app = await HttpApp.start();
    id = await decidedAndNoticed(app, 'Med laga kraft');
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('shows each decision’s legal clock: the window ends 2024-12-27 (past Christmas), final from 2024-12-28', async () => {
    const res = await app.get(`/api/initiatives/${id}?asOf=2024-12-28`);
    expect(res.status).toBe(200);
    expect(res.body.decisions.find((d: { party: string }) => d.party === '1780')).toMatchObject({
      party: '1780',
      decidedOn: DECIDED,
      minutesApprovedOn: '2024-12-02',
      noticePostedOn: '2024-12-03',
      appealEndsOn: '2024-12-27',
      finalOn: '2024-12-28',
      final: true,
      annulledOn: null,
      minutesLate: false,
      countsTowardsConsensus: true,
      appeals: [],
    });
    expect(res.body.finality).toEqual({ final: true, finalOn: '2024-12-28', notFinal: [] });
  });

  it('is not final on the window’s last day; every party is named with that day', async () => {
    const res = await app.get(`/api/initiatives/${id}?asOf=2024-12-27`);
    expect(res.body.status).toBe('consensus');
    expect(res.body.finality).toEqual({
      final: false,
      finalOn: null,
      notFinal: PARTY_IDS.map((party) => ({ party, reason: 'appeal-window', until: '2024-12-27' })),
    });
    const list = await app.get('/api/initiatives?asOf=2024-12-27');
    expect(list.body.find((i: { id: string }) => i.id === id).finality.final).toBe(false);
  });

  it('takes the dates at registration too', async () => {
    const other = await propose(app, { title: 'Datum vid registrering' });
    await must(app.post(`/api/initiatives/${other}/decisions`, decision('1784', { decidedOn: DECIDED, ...MINUTES })));
    const events = await app.get(`/api/initiatives/${other}/events`);
    expect(events.body[1]).toMatchObject({ type: 'PartyDecisionRegistered', data: { party: '1784', ...MINUTES } });
    const got = await app.get(`/api/initiatives/${other}`);
    expect(got.body.decisions[0]).toMatchObject({ party: '1784', ...MINUTES, appealEndsOn: '2024-12-27' });
  });

  it('records the minutes as an event with business facts only; the recorder is in the metadata', async () => {
    const events = (await app.get(`/api/initiatives/${id}/events`)).body;
    const recorded = events.find((e: { type: string; data: { party: string } }) => e.type === 'DecisionMinutesRecorded' && e.data.party === '1780');
    expect(recorded.data).toEqual({
      initiativeId: id,
      party: '1780',
      ...MINUTES,
      reason: null,
      recordedAt: '2025-06-15T10:00:00.000Z',
    });
    expect(recorded.metadata.actor).toMatchObject({ role: 'clerk', party: '1780' });
  });

  describe('changing a recorded date', () => {
    it('is refused without a reason (409), saying how', async () => {
      const problem = await expectRefused(app, () => app.post(`/api/initiatives/${id}/decisions/1715/minutes`, { noticePostedOn: '2024-12-04' }), 409);
      expect(problem).toMatchObject({ code: 'minutes-already-recorded' });
      expect(problem.detail).toMatch(/anslagsdatumet 2024-12-03.*reason/);
    });

    it('is a correction with a reason', async () => {
      const other = await decidedAndNoticed(app, 'Rättat anslag', []);
      const res = await app.post(`/api/initiatives/${other}/decisions/1715/minutes`, { noticePostedOn: '2024-12-04', reason: 'Fel dag angavs.' });
      expect(res.status).toBe(201);
      const got = await app.get(`/api/initiatives/${other}?asOf=2024-12-28`);
      expect(got.body.decisions.find((d: { party: string }) => d.party === '1715')).toMatchObject({ noticePostedOn: '2024-12-04', appealEndsOn: '2024-12-27' });
    });
  });

  describe('an appeal that annuls Säffle’s approval, the seventeenth', () => {
    let appealed: string;

    beforeAll(async () => {
      appealed = await decidedAndNoticed(app, 'Överklagat');
    });

    it('the secretariat records the appeal (201), and the consensus is not final while it is pending', async () => {
      const res = await app.post(
        `/api/initiatives/${appealed}/decisions/1785/appeals`,
        { court: COURT, caseNumber: '4711-24', lodgedOn: '2024-12-20' },
        { authorization: `Bearer ${tokenFor('secretariat')}` },
      );
      expect(res.status).toBe(201);
      const got = await app.get(`/api/initiatives/${appealed}?asOf=2025-01-15`);
      expect(got.body.status).toBe('consensus');
      expect(got.body.finality).toEqual({ final: false, finalOn: null, notFinal: [{ party: '1785', reason: 'appeal-pending', until: null }] });
      expect(got.body.decisions.find((d: { party: string }) => d.party === '1785').appeals).toEqual([
        { court: COURT, caseNumber: '4711-24', lodgedOn: '2024-12-20', outcome: null, decidedOn: null, late: false },
      ]);
    });

    it('refuses the same case number again (409)', async () => {
      const problem = await expectRefused(
        app,
        () => app.post(`/api/initiatives/${appealed}/decisions/1785/appeals`, { court: COURT, caseNumber: '4711-24', lodgedOn: '2024-12-21' }),
        409,
      );
      expect(problem.code).toBe('appeal-already-lodged');
    });

    it('refuses a judgment on an unknown case (404)', async () => {
      const problem = await expectRefused(
        app,
        () => app.post(`/api/initiatives/${appealed}/decisions/1785/appeals/1-24/decision`, { outcome: 'annulled', decidedOn: '2025-02-10' }),
        404,
      );
      expect(problem.code).toBe('appeal-not-found');
    });

    it('Säffle’s clerk records the judgment: annulled; from that day the consensus falls back', async () => {
      const res = await app.post(`/api/initiatives/${appealed}/decisions/1785/appeals/4711-24/decision`, { outcome: 'annulled', decidedOn: '2025-02-10' });
      expect(res.status).toBe(201);
      const before = await app.get(`/api/initiatives/${appealed}?asOf=2025-02-09`);
      expect(before.body).toMatchObject({ status: 'consensus', consensus: { missing: [] } });
      const after = await app.get(`/api/initiatives/${appealed}?asOf=2025-02-10`);
      expect(after.body).toMatchObject({
        status: 'lapsed',
        consensus: { approved: PARTY_IDS.filter((p) => p !== '1785'), missing: ['1785'], reachedOn: null },
        finality: { final: false, finalOn: null, notFinal: [] },
      });
      expect(after.body.decisions.find((d: { party: string }) => d.party === '1785')).toMatchObject({
        annulledOn: '2025-02-10',
        countsTowardsConsensus: false,
        appeals: [{ caseNumber: '4711-24', outcome: 'annulled', decidedOn: '2025-02-10', late: false }],
      });
    });

    it('refuses a second judgment (409)', async () => {
      const problem = await expectRefused(
        app,
        () => app.post(`/api/initiatives/${appealed}/decisions/1785/appeals/4711-24/decision`, { outcome: 'upheld', decidedOn: '2025-02-11' }),
        409,
      );
      expect(problem.code).toBe('appeal-already-decided');
    });
  });

  describe('who may record', () => {
    const other = `Bearer ${tokenFor('clerk', '1785')}`;

    const requests: Array<[string, (i: string) => { url: string; body: object }]> = [
      ['minutes', (i) => ({ url: `/api/initiatives/${i}/decisions/1780/minutes`, body: { minutesApprovedOn: '2024-12-02' } })],
      ['an appeal', (i) => ({ url: `/api/initiatives/${i}/decisions/1780/appeals`, body: { court: COURT, caseNumber: '9-24', lodgedOn: '2024-12-20' } })],
      ['a judgment', (i) => ({ url: `/api/initiatives/${i}/decisions/1780/appeals/9-24/decision`, body: { outcome: 'upheld', decidedOn: '2025-01-10' } })],
    ];

    it.each(requests)('a clerk of another party may not record %s for Karlstad (403)', async (_what, request) => {
      const { url, body } = request(id);
      const problem = await expectRefused(app, () => app.post(url, body, { authorization: other }), 403);
      expect(problem.code).toBe('forbidden');
    });

    it('nor may finance, the auditor, or (for minutes) the secretariat', async () => {
      for (const role of ['finance', 'auditor', 'secretariat'] as const)
        await expectRefused(
          app,
          () => app.post(`/api/initiatives/${id}/decisions/1780/minutes`, { minutesApprovedOn: '2024-12-02' }, { authorization: `Bearer ${tokenFor(role)}` }),
          403,
        );
      for (const role of ['finance', 'auditor'] as const)
        await expectRefused(
          app,
          () =>
            app.post(`/api/initiatives/${id}/decisions/1780/appeals`, { court: COURT, caseNumber: '9-24', lodgedOn: '2024-12-20' }, { authorization: `Bearer ${tokenFor(role)}` }),
          403,
        );
    });
  });

  describe('bad input', () => {
    it('400 for an impossible or malformed date, naming the field', async () => {
      const fresh = await propose(app, { title: 'Felaktiga datum' });
      await decideAll(app, fresh, { parties: ['1780'], decidedOn: () => DECIDED });
      expectInvalidField(await app.post(`/api/initiatives/${fresh}/decisions/1780/minutes`, { minutesApprovedOn: '2024-02-30' }), 'minutesApprovedOn');
      expectInvalidField(await app.post(`/api/initiatives/${fresh}/decisions/1780/minutes`, { noticePostedOn: '3 dec 2024' }), 'noticePostedOn');
      expectInvalidField(await app.post(`/api/initiatives/${fresh}/decisions/1780/appeals`, { court: COURT, caseNumber: '1-24', lodgedOn: '2024-13-01' }), 'lodgedOn');
      expectInvalidField(await app.post(`/api/initiatives/${fresh}/decisions`, decision('1715', { noticePostedOn: '2024-12-32' })), 'noticePostedOn');
      expectInvalidField(await app.post(`/api/initiatives/${fresh}/decisions/1780/minutes`, {}), 'minutesApprovedOn');
    });

    it('400 for an unknown outcome, and for an unknown party in the path (the secretariat may name any party)', async () => {
      expectInvalidField(await app.post(`/api/initiatives/${id}/decisions/1780/appeals/1-24/decision`, { outcome: 'rejected', decidedOn: '2025-01-10' }), 'outcome');
      expectInvalidField(
        await app.post(`/api/initiatives/${id}/decisions/9999/appeals`, { court: COURT, caseNumber: '1-24', lodgedOn: '2024-12-20' }, { authorization: `Bearer ${tokenFor('secretariat')}` }),
        'party',
      );
    });

    it('422 for a notice before the justering, a date in the future, or a party without a decision', async () => {
      const fresh = await propose(app, { title: 'Regler för datum' });
      await decideAll(app, fresh, { parties: ['1780'], decidedOn: () => DECIDED });
      const before = await expectRefused(app, () => app.post(`/api/initiatives/${fresh}/decisions/1780/minutes`, { minutesApprovedOn: '2024-12-02', noticePostedOn: '2024-12-01' }), 422);
      expect(before).toMatchObject({ code: 'date-not-allowed' });
      expect(before.detail).toMatch(/Anslagsdatumet 2024-12-01 ligger före justeringsdatumet 2024-12-02/);
      expect((await expectRefused(app, () => app.post(`/api/initiatives/${fresh}/decisions/1780/minutes`, { minutesApprovedOn: '2025-06-16' }), 422)).detail).toMatch(/i framtiden/);
      expect(
        (await expectRefused(app, () => app.post(`/api/initiatives/${fresh}/decisions/1715/appeals`, { court: COURT, caseNumber: '1-24', lodgedOn: '2024-12-20' }), 422)).code,
      ).toBe('no-decision-registered');
    });

    it('404 for an unknown initiative', async () => {
      expectProblem(await app.post('/api/initiatives/no-such/decisions/1780/minutes', { minutesApprovedOn: '2024-12-02' }), 404);
    });
  });

  it('grants on consensus alone by default, before the decisions are final', async () => {
    await must(app.post('/api/fund/deposits', { amountOre: 1_000_000_000, source: 'Region Värmland', bookedOn: '2024-01-10', reference: 'VER-1' }));
    const res = await app.post(`/api/initiatives/${id}/grant`, { amountOre: 100_000_000, decidedOn: '2024-12-20', reference: 'RV 2024/9' });
    expect(res.status).toBe(201);
  });
});

describe('DGR_REQUIRE_FINAL_CONSENSUS=true', () => {
  let app: HttpApp;
  let id: string;

  beforeAll(async () => {
    app = await HttpApp.start({ env: { DGR_REQUIRE_FINAL_CONSENSUS: 'true' } });
    await must(app.post('/api/fund/deposits', { amountOre: 1_000_000_000, source: 'Region Värmland', bookedOn: '2024-01-10', reference: 'VER-1' }));
    id = await decidedAndNoticed(app, 'Strikt', ['1730']);
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('refuses a grant before the consensus is final (422), naming the parties and until when', async () => {
    const problem = await expectRefused(
      app,
      () => app.post(`/api/initiatives/${id}/grant`, { amountOre: 100_000_000, decidedOn: '2024-12-20', reference: 'RV 2024/9' }),
      422,
    );
    expect(problem).toMatchObject({ code: 'consensus-not-final', title: 'Konsensus har inte vunnit laga kraft' });
    expect(problem.detail).toMatch(/^Initiativets konsensus har inte vunnit laga kraft per 2024-12-20/);
    expect(problem.detail).toMatch(/Karlstad: överklagandetiden löper till och med 2024-12-27 \(laga kraft tidigast 2024-12-28\)/);
    expect(problem.detail).toMatch(/Eda: anslag av justerat protokoll är inte registrerat/);
  });

  it('still refuses after the window while one party has no notice; grants once it has and the window has passed', async () => {
    const eda = await expectRefused(
      app,
      () => app.post(`/api/initiatives/${id}/grant`, { amountOre: 100_000_000, decidedOn: '2025-01-10', reference: 'RV 2025/1' }),
      422,
    );
    expect(eda.detail).toMatch(/Inte slutliga beslut: Eda: anslag av justerat protokoll är inte registrerat[^;]*\.$/);
    await must(app.post(`/api/initiatives/${id}/decisions/1730/minutes`, { minutesApprovedOn: '2024-12-02', noticePostedOn: '2024-12-09' }));
    // Eda's notice 2024-12-09: three weeks is 2024-12-30, final from 2024-12-31.
    expect((await app.get(`/api/initiatives/${id}?asOf=2024-12-31`)).body.finality).toEqual({ final: true, finalOn: '2024-12-31', notFinal: [] });
    const res = await app.post(`/api/initiatives/${id}/grant`, { amountOre: 100_000_000, decidedOn: '2024-12-31', reference: 'RV 2024/10' });
    expect(res.status).toBe(201);
  });

  it('stops the start on a value that is not true or false, naming the variable', () => {
    expect(() => testConfig(':memory:', { DGR_REQUIRE_FINAL_CONSENSUS: 'ja' })).toThrow(ConfigError);
    expect(() => testConfig(':memory:', { DGR_REQUIRE_FINAL_CONSENSUS: 'ja' })).toThrow(/^DGR_REQUIRE_FINAL_CONSENSUS: must be true or false/);
    expect(testConfig(':memory:', {}).requireFinalConsensus).toBe(false);
    expect(testConfig(':memory:', { DGR_REQUIRE_FINAL_CONSENSUS: 'TRUE' }).requireFinalConsensus).toBe(true);
  });
});
