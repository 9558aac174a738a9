/**
 * Durability: stop the app and start a new one on the same SQLite file; every initiative,
 * decision, correction, cancellation and every fund figure is found again, identical, and the
 * rules still hold on the state read back from the file.
 */
import { decideAll, decision, expectRefused, HttpApp, PARTY_IDS, propose, type HttpAnswer, type Json } from './support/http-app';

let app: HttpApp;
let granted: string;
let corrected: string;
let cancelled: string;

/** Every read of the API, by URL: the whole visible state. */
const snapshot = async (): Promise<Record<string, Json>> => {
  const urls = [
    '/api/parties',
    '/api/initiatives',
    '/api/initiatives?asOf=2024-04-01',
    '/api/initiatives?asOf=2024-12-31',
    '/api/fund',
    '/api/fund/years',
    '/api/fund/ledger',
  ];
  for (const id of [granted, corrected, cancelled])
    urls.push(`/api/initiatives/${id}`, `/api/initiatives/${id}?asOf=2024-04-20`, `/api/initiatives/${id}/events`);
  const out: Record<string, Json> = {};
  for (const url of urls) {
    const res: HttpAnswer = await app.get(url);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.text}`);
    out[url] = res.body;
  }
  return out;
};

beforeAll(async () => {
  app = await HttpApp.start();
  expect((await app.post('/api/fund/deposits', { amountOre: 2_000_000_000, source: 'Kommunalförbundet Region Värmland', bookedOn: '2023-05-02', reference: 'VER-1' })).status).toBe(201);

  granted = await propose(app, { title: 'Beviljat', requestedAmountOre: 600_000_000, coFinancing: [{ source: 'EU:s regionalfond', amountOre: 150_000_000 }] });
  expect((await app.post(`/api/initiatives/${granted}/preparation`, { preparedBy: 'VRAU', preparedOn: '2024-02-15', recommendation: 'approve' })).status).toBe(201);
  await decideAll(app, granted, { decidedOn: (_p, i) => `2024-04-${String(10 + i).padStart(2, '0')}` });
  expect((await app.post(`/api/initiatives/${granted}/grant`, { amountOre: 600_000_000, decidedOn: '2024-05-02', reference: 'RV 2024/1' })).status).toBe(201);
  expect((await app.post('/api/fund/withdrawals', { initiativeId: granted, amountOre: 400_000_000, bookedOn: '2024-06-01', reference: 'VER-2' })).status).toBe(201);
  expect((await app.post('/api/fund/returns', { initiativeId: granted, amountOre: 25_000_000, bookedOn: '2025-02-01', reason: 'Överskott' })).status).toBe(201);
  expect((await app.post(`/api/initiatives/${granted}/outcome-reports`, { year: 2024, summary: 'Första året.' })).status).toBe(201);

  corrected = await propose(app, { title: 'Rättat', transportProgramme: true, strategyLinks: [] });
  await decideAll(app, corrected, { parties: ['17', '1715', '1730'] });
  expect(
    (await app.post(`/api/initiatives/${corrected}/decisions/1730/correction`, {
      reason: 'Fel utfall registrerat',
      outcome: 'rejected',
      decidedOn: '2024-04-18',
      body: 'kommunstyrelsen',
      minuteReference: '§ 9',
    })).status,
  ).toBe(201);

  cancelled = await propose(app, { title: 'Återkallat' });
  await decideAll(app, cancelled, { parties: ['1780'] });
  expect((await app.post(`/api/initiatives/${cancelled}/cancellation`, { reason: 'Dras tillbaka', cancelledOn: '2024-06-01' })).status).toBe(201);

  expect((await app.post('/api/fund/years/2023/close')).status).toBe(201);
});

afterAll(async () => {
  await app.dispose();
});

describe('after a restart on the same file', () => {
  let before: Record<string, Json>;
  let positionBefore: number;

  beforeAll(async () => {
    before = await snapshot();
    positionBefore = await app.position();
    await app.restart();
  });

  it('the state it read is a real one (not empty)', () => {
    expect(before['/api/initiatives']).toHaveLength(3);
    expect(before['/api/fund']).toEqual({ balanceOre: 1_625_000_000, committedOre: 200_000_000, availableOre: 1_425_000_000 });
    expect(before[`/api/initiatives/${granted}`]).toMatchObject({ status: 'consensus', grantedOre: 600_000_000, withdrawnOre: 400_000_000 });
    expect(before[`/api/initiatives/${corrected}`]).toMatchObject({ status: 'blocked', consensus: { rejected: ['1730'] } });
    expect(before[`/api/initiatives/${cancelled}`]).toMatchObject({ status: 'cancelled' });
    // (+ 1: the grant's reservation in the initiative's stream, ADR 0010)
    expect(positionBefore).toBe(1 + (1 + 1 + 17 + 1) + 2 + 1 + (1 + 3 + 1) + (1 + 1 + 1) + 1 + 1);
  });

  it('every GET answers exactly as before', async () => {
    const after = await snapshot();
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const url of Object.keys(before)) expect({ url, body: after[url] }).toEqual({ url, body: before[url] });
    expect(await app.position()).toBe(positionBefore);
  });

  it('the rules still hold on the state read back: a second decision is 409, a closed year takes no booking', async () => {
    expect((await expectRefused(app, () => app.post(`/api/initiatives/${granted}/decisions`, decision('1785')), 409)).code).toBe(
      'decision-already-registered',
    );
    expect(
      (await expectRefused(app, () => app.post('/api/fund/deposits', { amountOre: 1, source: 'x', bookedOn: '2023-12-31', reference: 'x' }), 422)).code,
    ).toBe('year-closed');
    expect(
      (await expectRefused(app, () => app.post('/api/fund/withdrawals', { initiativeId: granted, amountOre: 200_000_001, bookedOn: '2025-03-01', reference: 'x' }), 422))
        .code,
    ).toBe('withdrawal-exceeds-grant');
    expect((await expectRefused(app, () => app.post(`/api/initiatives/${cancelled}/decisions`, decision('17')), 422)).code).toBe('initiative-cancelled');
  });

  it('new events continue the log after the old ones, and survive a second restart', async () => {
    const res = await app.post(`/api/initiatives/${corrected}/decisions`, decision('1780'), { 'X-Request-Id': 'efter-omstart' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ stream: `initiative-${corrected}`, revision: 5, position: positionBefore + 1 });

    const snapshotAfterWrite = await snapshot();
    await app.restart();
    expect(await snapshot()).toEqual(snapshotAfterWrite);
    const events = (await app.get(`/api/initiatives/${corrected}/events`)).body;
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'InitiativeProposed',
      'PartyDecisionRegistered',
      'PartyDecisionRegistered',
      'PartyDecisionRegistered',
      'PartyDecisionCorrected',
      'PartyDecisionRegistered',
    ]);
    expect(events[5]).toMatchObject({ position: positionBefore + 1, revision: 5, metadata: { correlationId: 'efter-omstart' } });
    expect((await app.get(`/api/initiatives/${corrected}`)).body.consensus).toEqual({
      approved: ['17', '1715', '1780'],
      rejected: ['1730'],
      missing: PARTY_IDS.filter((p) => !['17', '1715', '1730', '1780'].includes(p)),
      reachedOn: null,
    });
  });
});
