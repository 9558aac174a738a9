/**
 * The full life of one initiative over the real HTTP API, then the other ways an initiative's
 * consensus can go (asOf, blocked, lapsed), a second decision (409), a correction and a
 * cancellation.
 */
import { addDays, decideAll, decision, expectProblem, HttpApp, NOW, PARTY_IDS, propose, proposal } from './support/http-app';

const PARTIES = [
  { id: '17', name: 'Region Värmland', kind: 'region', code: '17' },
  { id: '1715', name: 'Kil', kind: 'municipality', code: '1715' },
  { id: '1730', name: 'Eda', kind: 'municipality', code: '1730' },
  { id: '1737', name: 'Torsby', kind: 'municipality', code: '1737' },
  { id: '1760', name: 'Storfors', kind: 'municipality', code: '1760' },
  { id: '1761', name: 'Hammarö', kind: 'municipality', code: '1761' },
  { id: '1762', name: 'Munkfors', kind: 'municipality', code: '1762' },
  { id: '1763', name: 'Forshaga', kind: 'municipality', code: '1763' },
  { id: '1764', name: 'Grums', kind: 'municipality', code: '1764' },
  { id: '1765', name: 'Årjäng', kind: 'municipality', code: '1765' },
  { id: '1766', name: 'Sunne', kind: 'municipality', code: '1766' },
  { id: '1780', name: 'Karlstad', kind: 'municipality', code: '1780' },
  { id: '1781', name: 'Kristinehamn', kind: 'municipality', code: '1781' },
  { id: '1782', name: 'Filipstad', kind: 'municipality', code: '1782' },
  { id: '1783', name: 'Hagfors', kind: 'municipality', code: '1783' },
  { id: '1784', name: 'Arvika', kind: 'municipality', code: '1784' },
  { id: '1785', name: 'Säffle', kind: 'municipality', code: '1785' },
];

let app: HttpApp;

beforeAll(async () => {
  app = await HttpApp.start();
});

afterAll(async () => {
  await app.dispose();
});

describe('the parties', () => {
  it('lists the 17 parties with their SCB codes', async () => {
    const res = await app.get('/api/parties');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(PARTIES);
  });
});

describe('the full life of one initiative', () => {
  /** The last approval needed, by Säffle: the day consensus is reached. */
  const LAST_APPROVAL = '2024-11-28';
  /** Every party but Säffle decides on a Monday from 4 March 2024, a week apart. */
  const decidedOn = (party: string, index: number): string =>
    party === '1785' ? LAST_APPROVAL : addDays('2024-03-04', index * 7);
  let id: string;

  it('books the first deposit into the fund (2023)', async () => {
    const res = await app.post(
      '/api/fund/deposits',
      { amountOre: 1_000_000_000, source: 'Kommunalförbundet Region Värmland', bookedOn: '2023-01-10', reference: 'VER-2023-001' },
      { 'X-Request-Id': 'life-deposit' },
    );
    expect(res.status).toBe(201);
    expect(res.headers['x-request-id']).toBe('life-deposit');
  });

  it('proposes the initiative: 201 with its id, and it is listed', async () => {
    const res = await app.post(
      '/api/initiatives',
      proposal({
        coFinancing: [{ source: 'Tillväxtverket', amountOre: 200_000_000 }],
        transportProgramme: false,
      }),
      { 'X-Request-Id': 'life-propose' },
    );
    expect(res.status).toBe(201);
    expect(res.headers['x-request-id']).toBe('life-propose');
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    id = res.body.id;

    const list = await app.get('/api/initiatives');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      expect.objectContaining({
        id,
        title: 'Kompetensplattform Värmland',
        proposedBy: '1780',
        requestedAmountOre: 500_000_000,
        decisionDeadline: '2024-12-31',
        // Today is 2025-06-15: the deadline has passed with no decision at all.
        status: 'lapsed',
        consensus: { approved: [], rejected: [], missing: [...PARTY_IDS], reachedOn: null },
        grantedOre: 0,
        withdrawnOre: 0,
      }),
    ]);
  });

  it('records the preparation by VRAU', async () => {
    const res = await app.post(
      `/api/initiatives/${id}/preparation`,
      { preparedBy: 'VRAU', preparedOn: '2024-02-20', recommendation: 'approve', notes: 'Berett med stöd av VRAG.' },
      { 'X-Request-Id': 'life-prepare' },
    );
    expect(res.status).toBe(201);
    const got = await app.get(`/api/initiatives/${id}`);
    expect(got.body.preparation).toEqual({
      preparedBy: 'VRAU',
      preparedOn: '2024-02-20',
      recommendation: 'approve',
      notes: 'Berett med stöd av VRAG.',
    });
  });

  it('registers the 17 parties\' decisions, each 201', async () => {
    await decideAll(app, id, { decidedOn, headers: (party) => ({ 'X-Request-Id': `life-decision-${party}` }) });
  });

  it('has consensus, reached on the day of the last approval', async () => {
    const res = await app.get(`/api/initiatives/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      title: 'Kompetensplattform Värmland',
      proposedBy: '1780',
      proposedOn: '2024-02-01',
      requestedAmountOre: 500_000_000,
      decisionDeadline: '2024-12-31',
      status: 'consensus',
      consensus: { approved: [...PARTY_IDS], rejected: [], missing: [], reachedOn: LAST_APPROVAL },
      grantedOre: 0,
      withdrawnOre: 0,
      strategyLinks: [{ area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad' }],
      coFinancing: [{ source: 'Tillväxtverket', amountOre: 200_000_000 }],
      outcomeReports: [],
    });
    expect(res.body.decisions).toHaveLength(17);
    // In decision-date order; each with both times: the decision date and the registration time.
    expect(res.body.decisions.map((d: { decidedOn: string }) => d.decidedOn)).toEqual(
      PARTY_IDS.map((p, i) => decidedOn(p, i)).sort(),
    );
    expect(res.body.decisions.find((d: { party: string }) => d.party === '1780')).toMatchObject({
      party: '1780',
      outcome: 'approved',
      decidedOn: addDays('2024-03-04', 11 * 7),
      body: 'kommunfullmäktige',
      minuteReference: '§ 42',
      caseNumber: 'KS-2024/1780',
      registeredAt: NOW,
    });
    expect(res.body.decisions.find((d: { party: string }) => d.party === '17')).toMatchObject({
      party: '17',
      body: 'regionfullmäktige',
      decidedOn: '2024-03-04',
    });
  });

  it('asOf the day before the last approval: open, Säffle missing', async () => {
    const res = await app.get(`/api/initiatives/${id}?asOf=2024-11-27`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('open');
    expect(res.body.consensus).toEqual({
      approved: PARTY_IDS.filter((p) => p !== '1785'),
      rejected: [],
      missing: ['1785'],
      reachedOn: null,
    });
    expect(res.body.decisions).toHaveLength(16);
    expect(res.body.decisions.map((d: { party: string }) => d.party)).not.toContain('1785');

    const list = await app.get('/api/initiatives?asOf=2024-11-27');
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ id, status: 'open', consensus: { missing: ['1785'], reachedOn: null } });

    const onTheDay = await app.get(`/api/initiatives/${id}?asOf=${LAST_APPROVAL}`);
    expect(onTheDay.body).toMatchObject({ status: 'consensus', consensus: { missing: [], reachedOn: LAST_APPROVAL } });
  });

  it('asOf before the proposal: not listed, and 404 by id', async () => {
    const list = await app.get('/api/initiatives?asOf=2024-01-31');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([]);
    expectProblem(await app.get(`/api/initiatives/${id}?asOf=2024-01-31`), 404);
  });

  it('grants the money once consensus is reached', async () => {
    const res = await app.post(
      `/api/initiatives/${id}/grant`,
      { amountOre: 500_000_000, decidedOn: '2024-12-10', reference: 'RV 2024/1234' },
      { 'X-Request-Id': 'life-grant' },
    );
    expect(res.status).toBe(201);
    expect(res.headers['x-request-id']).toBe('life-grant');
    expect((await app.get('/api/fund')).body).toEqual({
      balanceOre: 1_000_000_000,
      committedOre: 500_000_000,
      availableOre: 500_000_000,
    });
    expect((await app.get(`/api/initiatives/${id}`)).body).toMatchObject({ grantedOre: 500_000_000, withdrawnOre: 0 });
  });

  it('pays part of the grant out (withdrawal) and takes some back (return)', async () => {
    const withdrawal = await app.post('/api/fund/withdrawals', {
      initiativeId: id,
      amountOre: 300_000_000,
      bookedOn: '2025-01-15',
      reference: 'VER-2025-017',
    });
    expect(withdrawal.status).toBe(201);
    expect((await app.get('/api/fund')).body).toEqual({
      balanceOre: 700_000_000,
      committedOre: 200_000_000,
      availableOre: 500_000_000,
    });

    const returned = await app.post('/api/fund/returns', {
      initiativeId: id,
      amountOre: 50_000_000,
      bookedOn: '2025-03-01',
      reason: 'Outnyttjade medel för lokalhyra',
    });
    expect(returned.status).toBe(201);
    expect((await app.get('/api/fund')).body).toEqual({
      balanceOre: 750_000_000,
      committedOre: 200_000_000,
      availableOre: 550_000_000,
    });
    expect((await app.get(`/api/initiatives/${id}`)).body).toMatchObject({
      status: 'consensus',
      grantedOre: 500_000_000,
      withdrawnOre: 300_000_000,
      returnedOre: 50_000_000,
    });
  });

  it('counts money as of a day too: granted by decision date, paid out and returned by booking date', async () => {
    const money = async (asOf: string) => {
      const { body } = await app.get(`/api/initiatives/${id}?asOf=${asOf}`);
      return [body.grantedOre, body.withdrawnOre, body.returnedOre];
    };
    expect(await money('2024-12-09')).toEqual([0, 0, 0]);
    expect(await money('2024-12-10')).toEqual([500_000_000, 0, 0]);
    expect(await money('2025-01-15')).toEqual([500_000_000, 300_000_000, 0]);
    expect(await money('2025-03-01')).toEqual([500_000_000, 300_000_000, 50_000_000]);
  });

  it('keeps the ledger in order with the balance after each booking', async () => {
    const res = await app.get('/api/fund/ledger');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      expect.objectContaining({ type: 'FundDeposited', bookedOn: '2023-01-10', amountOre: 1_000_000_000, source: 'Kommunalförbundet Region Värmland', reference: 'VER-2023-001', initiativeId: null, balanceAfterOre: 1_000_000_000 }),
      expect.objectContaining({ type: 'FundWithdrawn', bookedOn: '2025-01-15', amountOre: 300_000_000, initiativeId: id, reference: 'VER-2025-017', balanceAfterOre: 700_000_000 }),
      expect.objectContaining({ type: 'FundReturned', bookedOn: '2025-03-01', amountOre: 50_000_000, initiativeId: id, reason: 'Outnyttjade medel för lokalhyra', balanceAfterOre: 750_000_000 }),
    ]);
    const positions = res.body.map((row: { position: number }) => row.position);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('closes 2023 and reports each year from the first booking to this year: opening, movements, closing, change', async () => {
    expect((await app.post('/api/fund/years/2023/close')).status).toBe(201);
    const res = await app.get('/api/fund/years');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { year: 2023, openingOre: 0, depositsOre: 1_000_000_000, withdrawalsOre: 0, returnsOre: 0, closingOre: 1_000_000_000, changeOre: 1_000_000_000, closed: true },
      { year: 2024, openingOre: 1_000_000_000, depositsOre: 0, withdrawalsOre: 0, returnsOre: 0, closingOre: 1_000_000_000, changeOre: 0, closed: false },
      { year: 2025, openingOre: 1_000_000_000, depositsOre: 0, withdrawalsOre: 300_000_000, returnsOre: 50_000_000, closingOre: 750_000_000, changeOre: -250_000_000, closed: false },
    ]);
  });

  it('takes VRAG\'s yearly outcome report', async () => {
    const res = await app.post(
      `/api/initiatives/${id}/outcome-reports`,
      { year: 2025, summary: '12 kommuner anslutna till plattformen.' },
      { 'X-Request-Id': 'life-outcome' },
    );
    expect(res.status).toBe(201);
    const got = await app.get(`/api/initiatives/${id}`);
    expect(got.body.outcomeReports).toEqual([{ year: 2025, summary: '12 kommuner anslutna till plattformen.', reportedAt: NOW }]);
    // A report for 2025 is not there as of 2024.
    expect((await app.get(`/api/initiatives/${id}?asOf=2024-12-31`)).body.outcomeReports).toEqual([]);
  });

  it('shows the stream in order, each event carrying the X-Request-Id of the request that caused it', async () => {
    const res = await app.get(`/api/initiatives/${id}/events`);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(21);
    expect(res.body.map((e: { type: string }) => e.type)).toEqual([
      'InitiativeProposed',
      'InitiativePrepared',
      ...PARTY_IDS.map(() => 'PartyDecisionRegistered'),
      // The grant's reservation in the initiative's stream (ADR 0010); the grant itself is in the fund's.
      'GrantReserved',
      'OutcomeReported',
    ]);
    expect(res.body.map((e: { revision: number }) => e.revision)).toEqual([...Array(21).keys()]);
    const positions: number[] = res.body.map((e: { position: number }) => e.position);
    for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1]!);
    expect(res.body.map((e: { metadata: { correlationId: string } }) => e.metadata.correlationId)).toEqual([
      'life-propose',
      'life-prepare',
      ...PARTY_IDS.map((p) => `life-decision-${p}`),
      'life-grant',
      'life-outcome',
    ]);
    expect(res.body[0]).toEqual({
      position: positions[0],
      revision: 0,
      type: 'InitiativeProposed',
      data: {
        initiativeId: id,
        title: 'Kompetensplattform Värmland',
        summary: 'Gemensam plattform för kompetensförsörjning i hela länet.',
        proposedBy: '1780',
        proposedOn: '2024-02-01',
        requestedAmountOre: 500_000_000,
        strategyLinks: [{ area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad' }],
        transportProgramme: false,
        coFinancing: [{ source: 'Tillväxtverket', amountOre: 200_000_000 }],
        decisionDeadline: '2024-12-31',
      },
      metadata: {
        recordedAt: NOW,
        correlationId: 'life-propose',
        causationId: null,
        schemaVersion: 1,
        actor: { sub: 'secretariat', name: 'Test secretariat', role: 'secretariat' },
      },
      hash: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
      previousHash: null,
    });
    // Each event is chained to the one before it in the stream.
    for (let i = 1; i < res.body.length; i++) expect(res.body[i].previousHash).toBe(res.body[i - 1].hash);
    expect(res.body[20].data).toEqual({ initiativeId: id, year: 2025, summary: '12 kommuner anslutna till plattformen.', reportedAt: NOW });
  });
});

describe('consensus that is not reached', () => {
  it('one rejection blocks it', async () => {
    const id = await propose(app, { title: 'Blockerat initiativ' });
    await decideAll(app, id, { outcomes: { '1737': 'rejected' } });
    const res = await app.get(`/api/initiatives/${id}`);
    expect(res.body).toMatchObject({
      status: 'blocked',
      consensus: { approved: PARTY_IDS.filter((p) => p !== '1737'), rejected: ['1737'], missing: [], reachedOn: null },
    });
  });

  it('a missing decision at the deadline: open on the deadline, lapsed the day after', async () => {
    const id = await propose(app, { title: 'Förfallet initiativ', decisionDeadline: '2024-06-30' });
    await decideAll(app, id, { parties: PARTY_IDS.filter((p) => p !== '1784') });

    const onDeadline = await app.get(`/api/initiatives/${id}?asOf=2024-06-30`);
    expect(onDeadline.body).toMatchObject({ status: 'open', consensus: { missing: ['1784'], reachedOn: null } });
    const after = await app.get(`/api/initiatives/${id}?asOf=2024-07-01`);
    expect(after.body).toMatchObject({ status: 'lapsed', consensus: { missing: ['1784'], reachedOn: null } });
    const today = await app.get(`/api/initiatives/${id}`);
    expect(today.body.status).toBe('lapsed');
  });

  it('a decision dated after the deadline is kept but does not count', async () => {
    const id = await propose(app, { title: 'Sent beslut', decisionDeadline: '2024-06-30' });
    await decideAll(app, id, { decidedOn: (p) => (p === '1785' ? '2024-07-02' : '2024-05-20') });
    const res = await app.get(`/api/initiatives/${id}`);
    expect(res.body).toMatchObject({ status: 'lapsed', consensus: { missing: ['1785'], reachedOn: null } });
    expect(res.body.decisions).toHaveLength(17);
    expect(res.body.decisions.find((d: { party: string }) => d.party === '1785')).toMatchObject({
      decidedOn: '2024-07-02',
      countsTowardsConsensus: false,
    });
  });
});

describe('a party decides twice', () => {
  it('the second decision is refused with 409 and nothing is written', async () => {
    const id = await propose(app, { title: 'Dubbelregistrering' });
    expect((await app.post(`/api/initiatives/${id}/decisions`, decision('1780'))).status).toBe(201);
    const before = await app.get(`/api/initiatives/${id}/events`);
    expect(before.body).toHaveLength(2);
    const positionBefore = await app.position();

    const again = await app.post(`/api/initiatives/${id}/decisions`, decision('1780', { outcome: 'rejected', decidedOn: '2024-04-16' }));
    const problem = expectProblem(again, 409);
    expect(problem).toMatchObject({ code: 'decision-already-registered', title: 'Partens beslut är redan registrerat' });
    expect(problem.detail).toContain('Karlstad har redan ett registrerat beslut');

    const after = await app.get(`/api/initiatives/${id}/events`);
    expect(after.body).toEqual(before.body);
    expect(await app.position()).toBe(positionBefore);
    const got = await app.get(`/api/initiatives/${id}`);
    expect(got.body.decisions).toEqual([expect.objectContaining({ party: '1780', outcome: 'approved', decidedOn: '2024-04-15' })]);
  });
});

describe('a correction', () => {
  it('replaces the decision\'s facts (201), and the history keeps both registration and correction', async () => {
    const id = await propose(app, { title: 'Rättat beslut' });
    expect((await app.post(`/api/initiatives/${id}/decisions`, decision('1715', { caseNumber: 'KS-2024/99' }))).status).toBe(201);

    const res = await app.post(
      `/api/initiatives/${id}/decisions/1715/correction`,
      {
        reason: 'Fel beslutsdatum och organ angavs vid registreringen.',
        outcome: 'rejected',
        decidedOn: '2024-04-22',
        body: 'kommunstyrelsen',
        minuteReference: '§ 77',
        caseNumber: 'KS-2024/100',
      },
      { 'X-Request-Id': 'correction-1' },
    );
    expect(res.status).toBe(201);

    const got = await app.get(`/api/initiatives/${id}`);
    expect(got.body.decisions).toHaveLength(1);
    expect(got.body.decisions[0]).toMatchObject({
      party: '1715',
      outcome: 'rejected',
      decidedOn: '2024-04-22',
      body: 'kommunstyrelsen',
      minuteReference: '§ 77',
      caseNumber: 'KS-2024/100',
      registeredAt: NOW,
    });
    expect(got.body.status).toBe('blocked');
    expect(got.body.consensus.rejected).toEqual(['1715']);

    const events = await app.get(`/api/initiatives/${id}/events`);
    expect(events.body.map((e: { type: string }) => e.type)).toEqual([
      'InitiativeProposed',
      'PartyDecisionRegistered',
      'PartyDecisionCorrected',
    ]);
    expect(events.body[1].data).toMatchObject({ party: '1715', outcome: 'approved', decidedOn: '2024-04-15', body: 'kommunfullmäktige', caseNumber: 'KS-2024/99' });
    expect(events.body[2].data).toMatchObject({
      party: '1715',
      outcome: 'rejected',
      decidedOn: '2024-04-22',
      reason: 'Fel beslutsdatum och organ angavs vid registreringen.',
      correctedAt: NOW,
    });
    expect(events.body[2].metadata.correlationId).toBe('correction-1');

    // asOf between the registered and the corrected date: the corrected decision had not happened yet.
    const between = await app.get(`/api/initiatives/${id}?asOf=2024-04-20`);
    expect(between.body.decisions).toEqual([]);
  });

  it('of a party that has not decided: 422, nothing written', async () => {
    const id = await propose(app, { title: 'Inget att rätta' });
    const before = await app.position();
    const res = await app.post(`/api/initiatives/${id}/decisions/1730/correction`, {
      reason: 'Fel',
      outcome: 'approved',
      decidedOn: '2024-04-15',
      body: 'kommunfullmäktige',
      minuteReference: '§ 1',
    });
    expect(expectProblem(res, 422).code).toBe('no-decision-to-correct');
    expect(await app.position()).toBe(before);
  });
});

describe('cancellation', () => {
  it('before a grant: 201, the initiative is cancelled from that day and takes no more decisions', async () => {
    const id = await propose(app, { title: 'Återkallat initiativ' });
    await decideAll(app, id, { parties: ['17', '1780'] });
    const res = await app.post(`/api/initiatives/${id}/cancellation`, { reason: 'Förslagsställaren drar tillbaka.', cancelledOn: '2024-05-02' });
    expect(res.status).toBe(201);

    const got = await app.get(`/api/initiatives/${id}`);
    expect(got.body).toMatchObject({ status: 'cancelled', cancellation: { reason: 'Förslagsställaren drar tillbaka.', cancelledOn: '2024-05-02' } });
    const dayBefore = await app.get(`/api/initiatives/${id}?asOf=2024-05-01`);
    expect(dayBefore.body).toMatchObject({ status: 'open', cancellation: null });

    const before = await app.position();
    const late = await app.post(`/api/initiatives/${id}/decisions`, decision('1715'));
    expect(expectProblem(late, 422).code).toBe('initiative-cancelled');
    const twice = await app.post(`/api/initiatives/${id}/cancellation`, { reason: 'Igen', cancelledOn: '2024-05-03' });
    expect(expectProblem(twice, 409).code).toBe('initiative-already-cancelled');
    expect(await app.position()).toBe(before);
  });
});
