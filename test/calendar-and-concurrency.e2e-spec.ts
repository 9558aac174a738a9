/**
 * Two things that are easy to get wrong: the day is a calendar day in Sweden (Europe/Stockholm),
 * not in UTC; and requests that arrive at the same time still obey one-decision-per-party and the
 * money available.
 */
import { decideAll, decision, expectProblem, HttpApp, PARTY_IDS, propose } from './support/http-app';

describe('the calendar day is Swedish', () => {
  /** 23:30 UTC on New Year's Eve is already 00:30 on 1 January 2025 in Sweden. */
  let app: HttpApp;

  beforeAll(async () => {
    app = await HttpApp.start({ now: '2024-12-31T23:30:00.000Z' });
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('today is 2025-01-01: the deadline 2024-12-31 has passed and a missing decision makes the initiative lapse', async () => {
    const id = await propose(app, { decisionDeadline: '2024-12-31' });
    await decideAll(app, id, { parties: PARTY_IDS.filter((p) => p !== '1762') });
    const res = await app.get(`/api/initiatives/${id}`);
    expect(res.body).toMatchObject({ status: 'lapsed', consensus: { missing: ['1762'], reachedOn: null } });

    // A decision dated 1 January is not in the future (in Sweden), but comes after the deadline: kept, not counted.
    const late = await app.post(`/api/initiatives/${id}/decisions`, decision('1762', { decidedOn: '2025-01-01' }));
    expect(late.status).toBe(201);
    const after = await app.get(`/api/initiatives/${id}`);
    expect(after.body).toMatchObject({ status: 'lapsed', consensus: { missing: ['1762'] } });
    expect(after.body.decisions.find((d: { party: string }) => d.party === '1762')).toMatchObject({
      decidedOn: '2025-01-01',
      countsTowardsConsensus: false,
      registeredAt: '2024-12-31T23:30:00.000Z',
    });
  });

  it('2024 has ended in Sweden, so it can be closed; 2 January is still the future', async () => {
    expect((await app.post('/api/fund/deposits', { amountOre: 100, source: 'x', bookedOn: '2024-12-31', reference: 'x' })).status).toBe(201);
    expect((await app.post('/api/fund/years/2024/close')).status).toBe(201);
    const future = await app.post('/api/fund/deposits', { amountOre: 100, source: 'x', bookedOn: '2025-01-02', reference: 'x' });
    expect(expectProblem(future, 422).code).toBe('date-not-allowed');
    expect((await app.get('/api/fund/years')).body).toEqual([
      { year: 2024, openingOre: 0, depositsOre: 100, withdrawalsOre: 0, returnsOre: 0, closingOre: 100, changeOre: 100, closed: true },
      { year: 2025, openingOre: 100, depositsOre: 0, withdrawalsOre: 0, returnsOre: 0, closingOre: 100, changeOre: 0, closed: false },
    ]);
  });
});

describe('requests at the same time', () => {
  let app: HttpApp;

  beforeAll(async () => {
    app = await HttpApp.start();
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('17 decisions sent at once are all recorded, each once, in one gapless stream', async () => {
    const id = await propose(app);
    const answers = await Promise.all(PARTY_IDS.map((p) => app.post(`/api/initiatives/${id}/decisions`, decision(p))));
    expect(answers.map((a) => a.status)).toEqual(PARTY_IDS.map(() => 201));
    const events = (await app.get(`/api/initiatives/${id}/events`)).body;
    expect(events.map((e: { revision: number }) => e.revision)).toEqual([...Array(18).keys()]);
    expect(new Set(events.slice(1).map((e: { data: { party: string } }) => e.data.party))).toEqual(new Set(PARTY_IDS));
    expect((await app.get(`/api/initiatives/${id}`)).body.status).toBe('consensus');
  });

  it('the same party twice at once: one 201, one 409', async () => {
    const id = await propose(app);
    const answers = await Promise.all([
      app.post(`/api/initiatives/${id}/decisions`, decision('1784', { outcome: 'approved' })),
      app.post(`/api/initiatives/${id}/decisions`, decision('1784', { outcome: 'rejected' })),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect((await app.get(`/api/initiatives/${id}/events`)).body).toHaveLength(2);
  });

  it('two grants at once that together exceed the money available: one 201, one 422', async () => {
    expect((await app.post('/api/fund/deposits', { amountOre: 1_000, source: 'x', bookedOn: '2024-01-02', reference: 'x' })).status).toBe(201);
    const a = await propose(app, { requestedAmountOre: 700 });
    const b = await propose(app, { requestedAmountOre: 700 });
    await decideAll(app, a);
    await decideAll(app, b);
    const answers = await Promise.all(
      [a, b].map((id) => app.post(`/api/initiatives/${id}/grant`, { amountOre: 700, decidedOn: '2024-12-01', reference: 'x' })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(expectProblem(answers.find((r) => r.status === 422)!, 422).code).toBe('insufficient-available-funds');
    expect((await app.get('/api/fund')).body).toEqual({ balanceOre: 1_000, committedOre: 700, availableOre: 300 });
  });
});
