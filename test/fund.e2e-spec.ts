/**
 * The fund's rules over the real HTTP API: grants need consensus and available money, payments
 * stay within the grant, returns within what was paid, years close in order and then take no
 * more bookings. Every refusal is a 422 problem and writes nothing.
 */
import { decideAll, expectRefused, HttpApp, PARTY_IDS, propose } from './support/http-app';

let app: HttpApp;
/** Has consensus (all 17 approved on 2024-04-15); asks for 20 MSEK. */
let big: string;
/** Karlstad and Säffle have not decided. */
let incomplete: string;
/** Torsby rejected. */
let blocked: string;
/** Has consensus; never granted anything. */
let ungranted: string;

const deposit = (overrides: Record<string, unknown> = {}) =>
  app.post('/api/fund/deposits', { amountOre: 1_000_000_000, source: 'Värmlandstrafik AB', bookedOn: '2023-03-01', reference: 'VER-1', ...overrides });
const withdraw = (initiativeId: string, amountOre: number, bookedOn = '2025-01-20') =>
  app.post('/api/fund/withdrawals', { initiativeId, amountOre, bookedOn, reference: 'VER-UT' });
const giveBack = (initiativeId: string, amountOre: number, bookedOn = '2025-02-20') =>
  app.post('/api/fund/returns', { initiativeId, amountOre, bookedOn, reason: 'Outnyttjade medel' });
const grant = (initiativeId: string, amountOre: number, decidedOn = '2024-12-10') =>
  app.post(`/api/initiatives/${initiativeId}/grant`, { amountOre, decidedOn, reference: 'RV 2024/77' });

beforeAll(async () => {
  app = await HttpApp.start();
  expect((await deposit()).status).toBe(201);
  big = await propose(app, { title: 'Stort initiativ', requestedAmountOre: 2_000_000_000 });
  await decideAll(app, big);
  incomplete = await propose(app, { title: 'Ofullständigt', requestedAmountOre: 300_000_000 });
  await decideAll(app, incomplete, { parties: PARTY_IDS.filter((p) => p !== '1780' && p !== '1785') });
  blocked = await propose(app, { title: 'Blockerat', requestedAmountOre: 300_000_000 });
  await decideAll(app, blocked, { outcomes: { '1737': 'rejected' } });
  ungranted = await propose(app, { title: 'Aldrig beviljat', requestedAmountOre: 100_000_000 });
  await decideAll(app, ungranted);
});

afterAll(async () => {
  await app.dispose();
});

describe('a grant', () => {
  it('without consensus: 422 with a Swedish detail naming the parties whose decisions are missing', async () => {
    const problem = await expectRefused(app, () => grant(incomplete, 100_000_000), 422);
    expect(problem).toMatchObject({
      type: 'urn:dgr:problem:no-consensus',
      title: 'Initiativet saknar konsensus',
      code: 'no-consensus',
      detail: 'Initiativet har inte konsensus per 2024-12-10: beslut saknas från Karlstad, Säffle.',
    });
  });

  it('of a blocked initiative: 422 naming the party that rejected it', async () => {
    const problem = await expectRefused(app, () => grant(blocked, 100_000_000), 422);
    expect(problem.detail).toBe('Initiativet har inte konsensus per 2024-12-10: Torsby har avslagit det.');
  });

  it('is judged on its own date: before the decisions were taken there was no consensus', async () => {
    const problem = await expectRefused(app, () => grant(big, 100_000_000, '2024-04-14'), 422);
    expect(problem.code).toBe('no-consensus');
    expect(problem.detail).toMatch(/^Initiativet har inte konsensus per 2024-04-14: beslut saknas från Region Värmland, Kil, Eda/);
  });

  it('over the money available: 422', async () => {
    const problem = await expectRefused(app, () => grant(big, 1_500_000_000), 422);
    expect(problem).toMatchObject({
      code: 'insufficient-available-funds',
      detail:
        'Fonden har 10 000 000,00 kr disponibelt (saldo 10 000 000,00 kr minus beviljat men ej utbetalt 0,00 kr); 15 000 000,00 kr kan inte beviljas.',
    });
  });

  it('over the amount requested: 422', async () => {
    const problem = await expectRefused(app, () => grant(ungranted, 100_000_001), 422);
    expect(problem.code).toBe('grant-exceeds-request');
  });

  it('within consensus, request and available money: 201, committed until paid out', async () => {
    expect((await grant(big, 800_000_000)).status).toBe(201);
    expect((await app.get('/api/fund')).body).toEqual({ balanceOre: 1_000_000_000, committedOre: 800_000_000, availableOre: 200_000_000 });
    expect((await app.get(`/api/initiatives/${big}`)).body).toMatchObject({ grantedOre: 800_000_000, withdrawnOre: 0 });
    // Committed money is no longer available: 3 MSEK more is more than the 2 MSEK left.
    const problem = await expectRefused(app, () => grant(big, 300_000_000), 422);
    expect(problem.detail).toBe(
      'Fonden har 2 000 000,00 kr disponibelt (saldo 10 000 000,00 kr minus beviljat men ej utbetalt 8 000 000,00 kr); 3 000 000,00 kr kan inte beviljas.',
    );
  });
});

describe('a cancellation', () => {
  it('after a grant: 422, the initiative stays as it was', async () => {
    const before = (await app.get(`/api/initiatives/${big}/events`)).body;
    const problem = await expectRefused(
      app,
      () => app.post(`/api/initiatives/${big}/cancellation`, { reason: 'Vi ångrar oss', cancelledOn: '2025-01-02' }),
      422,
    );
    expect(problem).toMatchObject({ code: 'initiative-already-granted', title: 'Initiativet har beviljats medel' });
    expect((await app.get(`/api/initiatives/${big}/events`)).body).toEqual(before);
    expect((await app.get(`/api/initiatives/${big}`)).body).toMatchObject({ status: 'consensus', cancellation: null });
  });
});

describe('a withdrawal (payment out)', () => {
  it('over the remaining grant: 422', async () => {
    const problem = await expectRefused(app, () => withdraw(big, 800_000_001), 422);
    expect(problem).toMatchObject({
      code: 'withdrawal-exceeds-grant',
      detail: 'Återstående beviljat belopp är 8 000 000,00 kr (beviljat 8 000 000,00 kr, utbetalt 0,00 kr); 8 000 000,01 kr kan inte betalas ut.',
    });
  });

  it('to an initiative granted nothing: 422', async () => {
    expect((await expectRefused(app, () => withdraw(ungranted, 1), 422)).code).toBe('not-granted');
  });

  it('dated before the grant: 422', async () => {
    expect((await expectRefused(app, () => withdraw(big, 1, '2024-12-09'), 422)).code).toBe('date-not-allowed');
  });

  it('dated in the future (tomorrow in Sweden): 422', async () => {
    expect((await expectRefused(app, () => withdraw(big, 1, '2025-06-16'), 422)).code).toBe('date-not-allowed');
  });

  it('to an unknown initiative: 404', async () => {
    expect((await expectRefused(app, () => withdraw('finns-inte', 1), 404)).code).toBe('initiative-not-found');
  });

  it('within the grant: 201, the balance and the commitment go down', async () => {
    expect((await withdraw(big, 600_000_000)).status).toBe(201);
    expect((await app.get('/api/fund')).body).toEqual({ balanceOre: 400_000_000, committedOre: 200_000_000, availableOre: 200_000_000 });
    const problem = await expectRefused(app, () => withdraw(big, 200_000_001), 422);
    expect(problem.detail).toBe(
      'Återstående beviljat belopp är 2 000 000,00 kr (beviljat 8 000 000,00 kr, utbetalt 6 000 000,00 kr); 2 000 000,01 kr kan inte betalas ut.',
    );
  });
});

describe('a return (återföring)', () => {
  it('over what was paid out: 422', async () => {
    const problem = await expectRefused(app, () => giveBack(big, 600_000_001), 422);
    expect(problem).toMatchObject({
      code: 'return-exceeds-withdrawn',
      detail: 'Till initiativet har 6 000 000,00 kr betalats ut och 0,00 kr återförts; högst 6 000 000,00 kr kan återföras.',
    });
  });

  it('of an initiative that was paid nothing: 422', async () => {
    expect((await expectRefused(app, () => giveBack(ungranted, 1), 422)).code).toBe('return-exceeds-withdrawn');
  });

  it('within what was paid out: 201; what is returned cannot be returned again', async () => {
    expect((await giveBack(big, 100_000_000)).status).toBe(201);
    expect((await app.get('/api/fund')).body).toEqual({ balanceOre: 500_000_000, committedOre: 200_000_000, availableOre: 300_000_000 });
    const problem = await expectRefused(app, () => giveBack(big, 500_000_001), 422);
    expect(problem.detail).toBe('Till initiativet har 6 000 000,00 kr betalats ut och 1 000 000,00 kr återförts; högst 5 000 000,00 kr kan återföras.');
  });
});

describe('closing years', () => {
  it('out of order: 422 naming the next year to close', async () => {
    const problem = await expectRefused(app, () => app.post('/api/fund/years/2024/close'), 422);
    expect(problem).toMatchObject({
      code: 'year-cannot-be-closed',
      detail: 'År stängs i tur och ordning: nästa år att stänga är 2023, inte 2024.',
    });
  });

  it('this year, before it has ended: 422', async () => {
    const problem = await expectRefused(app, () => app.post('/api/fund/years/2025/close'), 422);
    expect(problem).toMatchObject({ code: 'year-cannot-be-closed', detail: 'År 2025 har inte tagit slut än och kan inte stängas.' });
  });

  it('in order: 201; the same year again: 409', async () => {
    expect((await app.post('/api/fund/years/2023/close')).status).toBe(201);
    expect((await expectRefused(app, () => app.post('/api/fund/years/2023/close'), 409)).code).toBe('year-already-closed');
  });

  it('a closed year takes no more bookings: 422; the next year still does', async () => {
    const problem = await expectRefused(app, () => deposit({ bookedOn: '2023-12-31' }), 422);
    expect(problem).toMatchObject({
      code: 'year-closed',
      detail: 'Bokföringsdagen 2023-12-31 ligger i ett stängt år: år 2023 och tidigare är stängda.',
    });
    expect((await expectRefused(app, () => deposit({ bookedOn: '2022-06-30' }), 422)).code).toBe('year-closed');
    expect((await deposit({ amountOre: 25_000, bookedOn: '2024-01-01', reference: 'VER-2' })).status).toBe(201);
    expect((await app.post('/api/fund/years/2024/close')).status).toBe(201);
    expect((await expectRefused(app, () => giveBack(big, 1, '2024-12-31'), 422)).code).toBe('year-closed');
  });

  it('the years table shows every year from the first booking to this year, with the closed ones marked', async () => {
    const res = await app.get('/api/fund/years');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { year: 2023, openingOre: 0, depositsOre: 1_000_000_000, withdrawalsOre: 0, returnsOre: 0, closingOre: 1_000_000_000, changeOre: 1_000_000_000, closed: true },
      { year: 2024, openingOre: 1_000_000_000, depositsOre: 25_000, withdrawalsOre: 0, returnsOre: 0, closingOre: 1_000_025_000, changeOre: 25_000, closed: true },
      { year: 2025, openingOre: 1_000_025_000, depositsOre: 0, withdrawalsOre: 600_000_000, returnsOre: 100_000_000, closingOre: 500_025_000, changeOre: -500_000_000, closed: false },
    ]);
  });
});

describe('the ledger after all of this', () => {
  it('holds exactly the accepted bookings in business-date order, with the balance after each (matching the years)', async () => {
    const res = await app.get('/api/fund/ledger');
    expect(res.status).toBe(200);
    // The 2024 deposit was recorded last but belongs between the 2023 and 2025 bookings.
    expect(res.body.map((r: { type: string; bookedOn: string; amountOre: number; balanceAfterOre: number }) => [r.type, r.bookedOn, r.amountOre, r.balanceAfterOre])).toEqual([
      ['FundDeposited', '2023-03-01', 1_000_000_000, 1_000_000_000],
      ['FundDeposited', '2024-01-01', 25_000, 1_000_025_000],
      ['FundWithdrawn', '2025-01-20', 600_000_000, 400_025_000],
      ['FundReturned', '2025-02-20', 100_000_000, 500_025_000],
    ]);
    const positions = res.body.map((r: { position: number }) => r.position);
    expect(positions[1]).toBeGreaterThan(positions[3]);
    expect((await app.get('/api/fund')).body).toEqual({ balanceOre: 500_025_000, committedOre: 200_000_000, availableOre: 300_025_000 });
  });

  it('pages in the query: every page, with X-Total-Count, equals that slice of the whole ledger, balances included', async () => {
    const whole = (await app.get('/api/fund/ledger')).body;
    expect(whole).toHaveLength(4);
    for (const [offset, limit] of [[0, 1], [1, 1], [1, 2], [2, 2], [3, 5], [4, 1]]) {
      const res = await app.get(`/api/fund/ledger?offset=${offset}&limit=${limit}`);
      expect(res.headers['x-total-count']).toBe(String(whole.length));
      expect(res.body).toEqual(whole.slice(offset, offset + limit));
    }
  });
});
