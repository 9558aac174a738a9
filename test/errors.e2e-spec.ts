/**
 * How the API refuses: every error is application/problem+json (type, title, status, detail);
 * invalid input is a 400 naming each offending field, with no type coercion; an unknown
 * initiative is a 404; a body over 256 kB is a 413. Nothing refused is ever written. Also: the
 * X-Request-Id header and the OpenAPI documentation.
 */
import { INVISIBLE_CONTROLS } from '../apps/cli/src/testing/hostile-store';
import { decision, expectInvalidField, expectProblem, expectRefused, HttpApp, propose, proposal, tokenFor, type HttpAnswer } from './support/http-app';

let app: HttpApp;
let id: string;

const correction = (overrides: Record<string, unknown> = {}) => ({
  reason: 'Fel paragraf',
  outcome: 'approved',
  decidedOn: '2024-04-15',
  body: 'kommunfullmäktige',
  minuteReference: '§ 43',
  ...overrides,
});
const depositBody = (overrides: Record<string, unknown> = {}) => ({
  amountOre: 100,
  source: 'Region Värmland',
  bookedOn: '2024-01-10',
  reference: 'VER-1',
  ...overrides,
});

beforeAll(async () => {
  app = await HttpApp.start();
  id = await propose(app);
  expect((await app.post(`/api/initiatives/${id}/decisions`, decision('1780'))).status).toBe(201);
});

afterAll(async () => {
  await app.dispose();
});

describe('400: invalid input, each offending field named', () => {
  it('an unknown field', async () => {
    const problem = await expectRefused(app, () => app.post('/api/initiatives', proposal({ colour: 'blå' })), 400);
    expect(problem).toMatchObject({ type: 'urn:dgr:problem:invalid-input', title: 'Ogiltiga uppgifter', code: 'invalid-input' });
    expect(problem.errors).toEqual([{ field: 'colour', message: 'colour är inget känt fält' }]);
    expect(problem.detail).toContain('colour');
  });

  it('20 000 unknown fields (209 kB): the first 20 listed, errorCount 20 000, an answer of a few kB (it was 1.77 MB)', async () => {
    const body = proposal();
    for (let i = 0; i < 20_000; i++) body[`k${i}`] = 1;
    const raw = JSON.stringify(body);
    expect(raw.length).toBeGreaterThan(200_000);
    expect(raw.length).toBeLessThan(256 * 1024);
    let answer!: HttpAnswer;
    const problem = await expectRefused(
      app,
      async () => (answer = await app.postRaw('/api/initiatives', raw, { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('secretariat')}` })),
      400,
    );
    expect(problem.code).toBe('invalid-input');
    expect(problem.errorCount).toBe(20_000);
    expect(problem.errors).toEqual(Array.from({ length: 20 }, (_, i) => ({ field: `k${i}`, message: `k${i} är inget känt fält` })));
    expect(problem.detail).toMatch(/^Ogiltiga uppgifter: k0 är inget känt fält; .*; k19 är inget känt fält; och 19980 fel till\.$/);
    expect(Buffer.byteLength(answer.text)).toBeLessThan(4096);
  });

  it('at most 20 offending fields are all listed, with errorCount beside them', async () => {
    const body = proposal();
    for (let i = 0; i < 20; i++) body[`k${i}`] = 1;
    const problem = await expectRefused(app, () => app.post('/api/initiatives', body), 400);
    expect(problem.errors).toHaveLength(20);
    expect(problem.errorCount).toBe(20);
    expect(problem.detail).not.toContain('fel till');
    const one = await expectRefused(app, () => app.post('/api/initiatives', proposal({ colour: 'blå' })), 400);
    expect(one.errorCount).toBe(1);
  });

  it('an unknown field in a nested object', async () => {
    const problem = await expectRefused(
      app,
      () => app.post('/api/initiatives', proposal({ coFinancing: [{ source: 'EU', amountOre: 1, extra: true }] })),
      400,
    );
    expect(problem.errors).toEqual([{ field: 'coFinancing.0.extra', message: expect.stringContaining('inget känt fält') }]);
  });

  it('an unknown query parameter', async () => {
    const res = await app.get('/api/initiatives?asOf=2024-01-01&status=open');
    expect(expectInvalidField(res, 'status').errors).toHaveLength(1);
  });

  // Decisions are written by a party's own clerk only, so an unknown party there is never the clerk's own:
  // refused by authority (403) before validation looks at the body.
  it('an unknown party in the body of a decision: 403 for a clerk, whatever the body says', async () => {
    const problem = await expectRefused(app, () => app.post(`/api/initiatives/${id}/decisions`, decision('9999')), 403);
    expect(problem).toMatchObject({ code: 'forbidden', detail: expect.stringContaining('Karlstad') });
  });

  it('an unknown party as proposer', async () => {
    const problem = await expectRefused(app, () => app.post('/api/initiatives', proposal({ proposedBy: 'Karlstad' })), 400);
    expect(problem.errors).toEqual([{ field: 'proposedBy', message: expect.stringContaining('"Karlstad" är ingen av de 17 parterna') }]);
  });

  it('an unknown party in the path of a correction: 403 for a clerk', async () => {
    const problem = await expectRefused(app, () => app.post(`/api/initiatives/${id}/decisions/1234/correction`, correction()), 403);
    expect(problem).toMatchObject({ code: 'forbidden' });
  });

  it('an amount given as a string "100" (no coercion)', async () => {
    const problem = await expectRefused(app, () => app.post('/api/fund/deposits', depositBody({ amountOre: '100' })), 400);
    expect(problem.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['amountOre']));
    expect(new Set(problem.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['amountOre']));
    expect(problem.errors).toContainEqual({ field: 'amountOre', message: 'amountOre måste vara ett heltal öre (1 kr = 100 öre)' });

    const proposed = await expectRefused(app, () => app.post('/api/initiatives', proposal({ requestedAmountOre: '100' })), 400);
    expect(new Set(proposed.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['requestedAmountOre']));
  });

  it('an amount of 1.5 öre', async () => {
    const problem = await expectRefused(app, () => app.post('/api/fund/deposits', depositBody({ amountOre: 1.5 })), 400);
    expect(problem.errors).toEqual([{ field: 'amountOre', message: 'amountOre måste vara ett heltal öre (1 kr = 100 öre)' }]);
    const grant = await expectRefused(
      app,
      () => app.post(`/api/initiatives/${id}/grant`, { amountOre: 1.5, decidedOn: '2024-12-10', reference: 'x' }),
      400,
    );
    expect(grant.errors).toEqual([{ field: 'amountOre', message: 'amountOre måste vara ett heltal öre (1 kr = 100 öre)' }]);
  });

  it('a negative amount', async () => {
    const problem = await expectRefused(app, () => app.post('/api/initiatives', proposal({ requestedAmountOre: -1 })), 400);
    expect(problem.errors).toEqual([{ field: 'requestedAmountOre', message: 'requestedAmountOre måste vara minst 0 öre' }]);
    const withdrawal = await expectRefused(
      app,
      () => app.post('/api/fund/withdrawals', { initiativeId: id, amountOre: -1, bookedOn: '2025-01-02', reference: 'x' }),
      400,
    );
    expect(withdrawal.errors).toEqual([{ field: 'amountOre', message: 'amountOre måste vara minst 1 öre' }]);
  });

  it('a negative amount in a nested co-financing line', async () => {
    const problem = await expectRefused(
      app,
      () => app.post('/api/initiatives', proposal({ coFinancing: [{ source: 'EU', amountOre: -1 }] })),
      400,
    );
    expect(problem.errors).toEqual([{ field: 'coFinancing.0.amountOre', message: 'amountOre måste vara minst 0 öre' }]);
  });

  it('a date that does not exist: 2023-02-29', async () => {
    const problem = await expectRefused(app, () => app.post('/api/initiatives', proposal({ proposedOn: '2023-02-29' })), 400);
    expect(problem.errors).toEqual([{ field: 'proposedOn', message: 'proposedOn måste vara ett datum som finns, på formen ÅÅÅÅ-MM-DD' }]);
    const dec = await expectRefused(app, () => app.post(`/api/initiatives/${id}/decisions`, decision('1715', { decidedOn: '2023-02-29' })), 400);
    expect(dec.errors).toEqual([{ field: 'decidedOn', message: expect.any(String) }]);
    expectInvalidField(await app.get('/api/initiatives?asOf=2023-02-29'), 'asOf');
    expectInvalidField(await app.get(`/api/initiatives/${id}?asOf=2023-02-29`), 'asOf');
  });

  it('a date in another format', async () => {
    const problem = await expectRefused(app, () => app.post('/api/fund/deposits', depositBody({ bookedOn: '10/01/2024' })), 400);
    expect(problem.errors).toEqual([{ field: 'bookedOn', message: expect.any(String) }]);
  });

  it('several offending fields at once: each named', async () => {
    const problem = await expectRefused(
      app,
      () => app.post(`/api/initiatives/${id}/decisions`, { party: '1715', outcome: 'ja', decidedOn: '2024-13-01', body: 'kf', minuteReference: '§ 1' }),
      400,
    );
    expect(new Set(problem.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['outcome', 'decidedOn']));
  });

  // Issue 17, item 9: bidi controls and zero-width characters would reorder or hide text in every later rendering.
  it.each(INVISIBLE_CONTROLS.map((c) => [`U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, c]))(
    'a title holding %s (a bidi control or a zero-width character): refused, named in Swedish',
    async (name, c) => {
      const problem = await expectRefused(app, () => app.post('/api/initiatives', proposal({ title: `Kompetens${c}lyft` })), 400);
      expect(problem.errors).toEqual([
        { field: 'title', message: `title innehåller osynliga styrtecken som kan dölja text eller vända dess läsriktning (${name}); ta bort dem och skicka igen` },
      ]);
    },
  );

  it.each<[string, () => string, Record<string, unknown>, string]>([
    ['a proposal\'s summary', () => '/api/initiatives', proposal({ summary: 'Se \u202Etxet\u202C' }), 'summary'],
    ['a co-financing source', () => '/api/initiatives', proposal({ coFinancing: [{ source: 'EU\u200B', amountOre: 1 }] }), 'coFinancing.0.source'],
    ['a decision\'s minute reference', () => `/api/initiatives/${id}/decisions`, decision('1715', { minuteReference: '§ 1\u2066' }), 'minuteReference'],
    ['a decision\'s body and case number', () => `/api/initiatives/${id}/decisions`, decision('1715', { body: 'kf\u200F', caseNumber: 'KS\u2060-1' }), 'body'],
    ['a correction\'s reason', () => `/api/initiatives/${id}/decisions/1780/correction`, correction({ reason: 'Fel\uFEFF' }), 'reason'],
    ['a cancellation\'s reason', () => `/api/initiatives/${id}/cancellation`, { reason: 'Dras \u202Dtillbaka', cancelledOn: '2024-05-01' }, 'reason'],
    ['an outcome report\'s summary', () => `/api/initiatives/${id}/outcome-reports`, { year: 2024, summary: 'Bra\u061C' }, 'summary'],
    ['a deposit\'s source', () => '/api/fund/deposits', depositBody({ source: 'Region \u202EdnalmräV' }), 'source'],
  ])('%s holding an invisible control: refused, nothing written', async (_name, url, body, field) => {
    const problem = await expectRefused(app, () => app.post(url(), body), 400);
    expect(problem.errors).toContainEqual({ field, message: expect.stringMatching(new RegExp(`^${field.split('.').pop()} innehåller osynliga styrtecken .*\\(U\\+[0-9A-F]{4}(, U\\+[0-9A-F]{4})*\\); ta bort dem och skicka igen$`)) });
  });

  it('a missing required field', async () => {
    const { title: _omitted, ...rest } = proposal();
    const problem = await expectRefused(app, () => app.post('/api/initiatives', rest), 400);
    expect(new Set(problem.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['title']));
  });

  it('a non-numeric year in the path', async () => {
    const problem = await expectRefused(app, () => app.post('/api/fund/years/tjugotjugotre/close'), 400);
    expect(problem.errors).toEqual([{ field: 'year', message: 'year måste vara ett årtal (heltal)' }]);
  });

  it('malformed JSON', async () => {
    const problem = await expectRefused(app, () => app.postRaw('/api/initiatives', '{"title": "Halv',), 400);
    expect(problem).toMatchObject({ status: 400, title: 'Felaktig begäran', detail: 'Begärans innehåll är inte giltig JSON, eller inte ett JSON-objekt.' });
  });

  it('a JSON body that is not an object', async () => {
    const problem = await expectRefused(app, () => app.postRaw('/api/fund/deposits', 'null'), 400);
    expect(problem).toMatchObject({ status: 400, code: 'bad-request' });
  });

  it('a body that is not JSON at all: 415, not a list of missing fields', async () => {
    const problem = await expectRefused(
      app,
      () => app.postRaw('/api/fund/deposits', 'amountOre=100', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
    );
    expect(problem).toMatchObject({ status: 415, detail: 'Begärans innehåll ska vara JSON (Content-Type: application/json).' });
  });
});

describe('404: unknown initiative', () => {
  it('GET by id', async () => {
    const problem = expectProblem(await app.get('/api/initiatives/00000000-0000-0000-0000-000000000000'), 404);
    expect(problem).toMatchObject({
      type: 'urn:dgr:problem:initiative-not-found',
      title: 'Initiativet finns inte',
      code: 'initiative-not-found',
      detail: 'Det finns inget initiativ med id 00000000-0000-0000-0000-000000000000.',
    });
  });

  it('GET its events', async () => {
    expect(expectProblem(await app.get('/api/initiatives/saknas/events'), 404).code).toBe('initiative-not-found');
  });

  it('POST a decision', async () => {
    const problem = await expectRefused(app, () => app.post('/api/initiatives/saknas/decisions', decision('1780')), 404);
    expect(problem.code).toBe('initiative-not-found');
  });

  it('POST a grant, a preparation, a cancellation, an outcome report', async () => {
    for (const [path, body] of [
      ['grant', { amountOre: 1, decidedOn: '2024-12-10', reference: 'x' }],
      ['preparation', { preparedBy: 'VRAU', preparedOn: '2024-02-20', recommendation: 'none' }],
      ['cancellation', { reason: 'x', cancelledOn: '2024-05-01' }],
      ['outcome-reports', { year: 2024, summary: 'x' }],
    ] as const)
      expect((await expectRefused(app, () => app.post(`/api/initiatives/saknas/${path}`, body), 404)).code).toBe('initiative-not-found');
  });

  it('an unknown route is a 404 problem too', async () => {
    expectProblem(await app.get('/api/finns-inte'), 404);
  });
});

describe('413: a body over 256 kB', () => {
  it('is refused as a problem, and nothing is written', async () => {
    const problem = await expectRefused(
      app,
      () => app.post('/api/initiatives', proposal({ summary: 'x'.repeat(300 * 1024) })),
      413,
    );
    expect(problem).toMatchObject({ title: 'För stor begäran', code: 'payload-too-large' });
  });
});

describe('X-Request-Id', () => {
  it('is the caller\'s, when given', async () => {
    const res = await app.get('/api/parties', { 'X-Request-Id': 'klient-42' });
    expect(res.headers['x-request-id']).toBe('klient-42');
  });

  it('is made up when not given, a new one per request', async () => {
    const a = await app.get('/api/fund');
    const b = await app.get('/api/fund');
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('a made-up id is the one recorded in the events the request caused', async () => {
    const res = await app.post(`/api/initiatives/${id}/preparation`, { preparedBy: 'VRAG', preparedOn: '2024-02-10', recommendation: 'none' });
    expect(res.status).toBe(201);
    const events = (await app.get(`/api/initiatives/${id}/events`)).body;
    expect(events[events.length - 1]).toMatchObject({
      type: 'InitiativePrepared',
      metadata: { correlationId: res.headers['x-request-id'] },
    });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('replaces a value that is not a sane token', async () => {
    const res = await app.get('/api/fund', { 'X-Request-Id': 'a b;c' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is returned on error answers too', async () => {
    const res = await app.post(`/api/initiatives/${id}/decisions`, decision('1780'), { 'X-Request-Id': 'dubbel-1' });
    expectProblem(res, 409);
    expect(res.headers['x-request-id']).toBe('dubbel-1');
    const invalid = await app.post('/api/fund/deposits', depositBody({ amountOre: '1' }), { 'X-Request-Id': 'ogiltig-1' });
    expectProblem(invalid, 400);
    expect(invalid.headers['x-request-id']).toBe('ogiltig-1');
  });

  it('is returned when the body cannot be read (malformed JSON, too large)', async () => {
    const malformed = await app.postRaw('/api/fund/deposits', '{"amountOre": 1,', { 'content-type': 'application/json', 'X-Request-Id': 'trasig-json' });
    expectProblem(malformed, 400);
    expect(malformed.headers['x-request-id']).toBe('trasig-json');
    const tooLarge = await app.post('/api/fund/deposits', depositBody({ reference: 'x'.repeat(300 * 1024) }), { 'X-Request-Id': 'for-stor' });
    expectProblem(tooLarge, 413);
    expect(tooLarge.headers['x-request-id']).toBe('for-stor');
  });
});

describe('the OpenAPI documentation', () => {
  it('GET /api/docs serves the page (HTML)', async () => {
    const res = await app.get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<html');
    expect(res.text).toContain('swagger-ui');
  });

  it('GET /api/docs-json holds every path of the contract', async () => {
    const res = await app.get('/api/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.info.title).toBe('DGR – de gemensamma resurserna');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/parties',
        '/api/initiatives',
        '/api/initiatives/{id}',
        '/api/initiatives/{id}/events',
        '/api/initiatives/{id}/preparation',
        '/api/initiatives/{id}/decisions',
        '/api/initiatives/{id}/decisions/{party}/correction',
        '/api/initiatives/{id}/grant',
        '/api/initiatives/{id}/cancellation',
        '/api/initiatives/{id}/outcome-reports',
        '/api/fund',
        '/api/fund/years',
        '/api/fund/ledger',
        '/api/fund/deposits',
        '/api/fund/withdrawals',
        '/api/fund/returns',
        '/api/fund/years/{year}/close',
      ]),
    );
    expect(Object.keys(res.body.paths['/api/initiatives'])).toEqual(expect.arrayContaining(['get', 'post']));
  });
});

describe('nothing refused was written', () => {
  it('the store holds only the one initiative, its one decision and its one preparation', async () => {
    expect((await app.get('/api/initiatives')).body.map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await app.get(`/api/initiatives/${id}/events`)).body.map((e: { type: string }) => e.type)).toEqual([
      'InitiativeProposed',
      'PartyDecisionRegistered',
      'InitiativePrepared',
    ]);
    expect(await app.position()).toBe(3);
    expect((await app.get('/api/fund/ledger')).body).toEqual([]);
    expect((await app.get('/api/fund/years')).body).toEqual([]);
    expect((await app.get('/api/fund')).body).toEqual({ balanceOre: 0, committedOre: 0, availableOre: 0 });
  });
});
