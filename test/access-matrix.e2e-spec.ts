/**
 * Who may do what, over the real HTTP API: every endpoint × every role × own party / other party,
 * each cell with its exact status. The table below IS the specification; it is written out by hand
 * (not derived from AUTHORITY) so that a change to the authority table has to be made here too.
 *
 * - "own party": the token's party claim is the party the request names; "other party": it names
 *   Säffle while the request names Karlstad. Only a clerk's party matters: for secretariat, finance
 *   and auditor the claim is ignored (the two columns must agree; marked n/a in the test names), and
 *   for endpoints that name no party a clerk of either party is just a clerk.
 * - Every request a cell sends is valid: an allowed cell really succeeds (201/200, and a write adds
 *   exactly one event), and a refused cell sends the very request that would have succeeded, so its
 *   403 can only come from the authority check. A refused cell writes nothing (expectRefused).
 * - Without a token every endpoint but /api/health answers 401 and writes nothing.
 */
import { decideAll, decision, expectRefused, HttpApp, propose, proposal, tokenFor, type HttpAnswer, type Json } from './support/http-app';

type Role = 'secretariat' | 'clerk' | 'finance' | 'auditor';
type Side = 'own' | 'other';

/** The party every request names (Karlstad)… */
const OWN = '1780';
/** …and the party of an "other party" token (Säffle). */
const OTHER = '1785';

const COLUMNS: readonly { role: Role; side: Side }[] = [
  { role: 'secretariat', side: 'own' },
  { role: 'secretariat', side: 'other' },
  { role: 'clerk', side: 'own' },
  { role: 'clerk', side: 'other' },
  { role: 'finance', side: 'own' },
  { role: 'finance', side: 'other' },
  { role: 'auditor', side: 'own' },
  { role: 'auditor', side: 'other' },
];

type Cells = readonly [number, number, number, number, number, number, number, number];

// prettier-ignore
const MATRIX: Record<string, Cells> = {
  //                                                     secretariat   clerk         finance       auditor
  //                                                     own   other   own   other   own   other   own   other
  'GET /api/parties':                                   [200,  200,    200,  200,    200,  200,    200,  200],
  'GET /api/initiatives':                               [200,  200,    200,  200,    200,  200,    200,  200],
  'GET /api/initiatives/:id':                           [200,  200,    200,  200,    200,  200,    200,  200],
  'GET /api/initiatives/:id/events':                    [200,  200,    200,  200,    200,  200,    200,  200],
  'GET /api/initiatives/:id/versions/:version':         [200,  200,    200,  200,    200,  200,    200,  200],
  'GET /api/fund':                                      [200,  200,    200,  200,    200,  200,    200,  200],
  'GET /api/fund/years':                                [200,  200,    200,  200,    200,  200,    200,  200],
  'GET /api/fund/ledger':                               [200,  200,    200,  200,    200,  200,    200,  200],
  'GET /api/health':                                    [200,  200,    200,  200,    200,  200,    200,  200],
  'POST /api/initiatives':                              [201,  201,    201,  403,    403,  403,    403,  403],
  'POST /api/initiatives/:id/preparation':              [201,  201,    403,  403,    403,  403,    403,  403],
  'POST /api/initiatives/:id/decisions':                [403,  403,    201,  403,    403,  403,    403,  403],
  'POST /api/initiatives/:id/decisions/:party/correction': [403, 403,  201,  403,    403,  403,    403,  403],
  'POST /api/initiatives/:id/decisions/:party/minutes':  [403, 403,   201,  403,    403,  403,    403,  403],
  'PUT /api/initiatives/:id/decisions/:party/evidence':  [403, 403,   201,  403,    403,  403,    403,  403],
  'POST /api/initiatives/:id/decisions/:party/appeals':  [201, 201,   201,  403,    403,  403,    403,  403],
  'POST /api/initiatives/:id/decisions/:party/appeals/:caseNumber/decision': [201, 201, 201, 403, 403, 403, 403, 403],
  'POST /api/initiatives/:id/grant':                    [403,  403,    403,  403,    201,  201,    403,  403],
  'POST /api/initiatives/:id/cancellation':             [201,  201,    403,  403,    403,  403,    403,  403],
  'POST /api/initiatives/:id/outcome-reports':          [201,  201,    403,  403,    403,  403,    403,  403],
  'POST /api/initiatives/:id/revisions':                [201,  201,    403,  403,    403,  403,    403,  403],
  'POST /api/fund/deposits':                            [403,  403,    403,  403,    201,  201,    403,  403],
  'POST /api/fund/withdrawals':                         [403,  403,    403,  403,    201,  201,    403,  403],
  'POST /api/fund/returns':                             [403,  403,    403,  403,    201,  201,    403,  403],
  'POST /api/fund/years/:year/close':                   [403,  403,    403,  403,    201,  201,    403,  403],
};

let app: HttpApp;
/** Read by the GET cells. */
let readable: string;
/** All 17 approved; asks for 10 MSEK, so that each grant cell can grant a little more. */
let consensual: string;
/** Granted 5 MSEK and paid 1 MSEK: each withdrawal cell pays a little more, each return cell returns a little. */
let funded: string;
/** The next year a finance cell may close: 2022 (the first booking's year), then 2023, then 2024. */
let nextYearToClose = 2022;

/** What one cell sends: a valid request, on fresh fixtures where the write can be done only once. */
interface Request {
  readonly url: string;
  readonly body?: unknown;
}

interface Endpoint {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly prepare: () => Promise<Request>;
  /** What an allowed cell's answer must hold beyond its status. */
  readonly check?: (body: Json) => void;
  /** Called after an allowed write succeeded. */
  readonly after?: () => void;
  /** Events an allowed write records, when not one (a grant: its reservation and itself, ADR 0010). */
  readonly events?: number;
}

const fresh = (title: string): Promise<string> => propose(app, { title });

const ENDPOINTS: readonly Endpoint[] = [
  {
    name: 'GET /api/parties',
    method: 'GET',
    prepare: async () => ({ url: '/api/parties' }),
    check: (body) => expect(body).toHaveLength(17),
  },
  {
    name: 'GET /api/initiatives',
    method: 'GET',
    prepare: async () => ({ url: '/api/initiatives' }),
    check: (body) => expect(body.map((i: { id: string }) => i.id)).toContain(readable),
  },
  {
    name: 'GET /api/initiatives/:id',
    method: 'GET',
    prepare: async () => ({ url: `/api/initiatives/${readable}` }),
    check: (body) => expect(body).toMatchObject({ id: readable, title: 'Läsbart initiativ' }),
  },
  {
    name: 'GET /api/initiatives/:id/events',
    method: 'GET',
    prepare: async () => ({ url: `/api/initiatives/${readable}/events` }),
    check: (body) => expect(body.map((e: { type: string }) => e.type)).toEqual(['InitiativeProposed']),
  },
  {
    name: 'GET /api/initiatives/:id/versions/:version',
    method: 'GET',
    prepare: async () => ({ url: `/api/initiatives/${readable}/versions/1` }),
    check: (body) => expect(body).toMatchObject({ version: 1, current: true }),
  },
  {
    name: 'GET /api/fund',
    method: 'GET',
    prepare: async () => ({ url: '/api/fund' }),
    check: (body) => expect(Object.keys(body).sort()).toEqual(['availableOre', 'balanceOre', 'committedOre']),
  },
  {
    name: 'GET /api/fund/years',
    method: 'GET',
    prepare: async () => ({ url: '/api/fund/years' }),
    check: (body) => expect(body.map((y: { year: number }) => y.year)).toEqual([2022, 2023, 2024, 2025]),
  },
  {
    name: 'GET /api/fund/ledger',
    method: 'GET',
    prepare: async () => ({ url: '/api/fund/ledger' }),
    check: (body) => expect(body.length).toBeGreaterThanOrEqual(4),
  },
  {
    name: 'GET /api/health',
    method: 'GET',
    prepare: async () => ({ url: '/api/health' }),
    check: (body) => expect(body).toEqual({ status: 'ok', position: expect.any(Number) }),
  },
  {
    name: 'POST /api/initiatives',
    method: 'POST',
    prepare: async () => ({ url: '/api/initiatives', body: proposal({ proposedBy: OWN, title: 'Nytt initiativ' }) }),
    check: (body) => expect(body.id).toMatch(/^[0-9a-f-]{36}$/),
  },
  {
    name: 'POST /api/initiatives/:id/preparation',
    method: 'POST',
    prepare: async () => ({
      url: `/api/initiatives/${await fresh('Att bereda')}/preparation`,
      body: { preparedBy: 'VRAU', preparedOn: '2024-02-20', recommendation: 'approve' },
    }),
  },
  {
    name: 'POST /api/initiatives/:id/decisions',
    method: 'POST',
    // A fresh initiative: Karlstad has not decided yet.
    prepare: async () => ({ url: `/api/initiatives/${await fresh('Att besluta')}/decisions`, body: decision(OWN) }),
  },
  {
    name: 'POST /api/initiatives/:id/decisions/:party/correction',
    method: 'POST',
    // A fresh initiative with Karlstad's decision (approved) to correct (to rejected).
    prepare: async () => {
      const id = await fresh('Att rätta');
      await decideAll(app, id, { parties: [OWN] });
      return {
        url: `/api/initiatives/${id}/decisions/${OWN}/correction`,
        body: { outcome: 'rejected', decidedOn: '2024-04-15', body: 'kommunfullmäktige', minuteReference: '§ 42', reason: 'Fel utfall registrerades.' },
      };
    },
  },
  {
    name: 'POST /api/initiatives/:id/decisions/:party/minutes',
    method: 'POST',
    // A fresh initiative with Karlstad's decision, no minutes recorded yet.
    prepare: async () => {
      const id = await fresh('Att justera');
      await decideAll(app, id, { parties: [OWN] });
      return { url: `/api/initiatives/${id}/decisions/${OWN}/minutes`, body: { minutesApprovedOn: '2024-04-22', noticePostedOn: '2024-04-23' } };
    },
  },
  {
    name: 'PUT /api/initiatives/:id/decisions/:party/evidence',
    method: 'PUT',
    // A fresh initiative with Karlstad's decision; the body is a (plain ASCII) PDF.
    prepare: async () => {
      const id = await fresh('Att styrka');
      await decideAll(app, id, { parties: [OWN] });
      return { url: `/api/initiatives/${id}/decisions/${OWN}/evidence`, body: '%PDF-1.4\n% protokollsutdrag\n%%EOF\n' };
    },
  },
  {
    name: 'POST /api/initiatives/:id/decisions/:party/appeals',
    method: 'POST',
    prepare: async () => {
      const id = await fresh('Att överklaga');
      await decideAll(app, id, { parties: [OWN] });
      return { url: `/api/initiatives/${id}/decisions/${OWN}/appeals`, body: { court: 'Förvaltningsrätten i Karlstad', caseNumber: '100-24', lodgedOn: '2024-05-01' } };
    },
  },
  {
    name: 'POST /api/initiatives/:id/decisions/:party/appeals/:caseNumber/decision',
    method: 'POST',
    prepare: async () => {
      const id = await fresh('Överklagat, att avgöra');
      await decideAll(app, id, { parties: [OWN] });
      await must(app.post(`/api/initiatives/${id}/decisions/${OWN}/appeals`, { court: 'Förvaltningsrätten i Karlstad', caseNumber: '100-24', lodgedOn: '2024-05-01' }));
      return { url: `/api/initiatives/${id}/decisions/${OWN}/appeals/100-24/decision`, body: { outcome: 'upheld', decidedOn: '2024-09-01' } };
    },
  },
  {
    name: 'POST /api/initiatives/:id/grant',
    method: 'POST',
    prepare: async () => ({
      url: `/api/initiatives/${consensual}/grant`,
      body: { amountOre: 1_000, decidedOn: '2025-01-10', reference: 'RV 2025/1' },
    }),
    events: 2,
  },
  {
    name: 'POST /api/initiatives/:id/cancellation',
    method: 'POST',
    prepare: async () => ({
      url: `/api/initiatives/${await fresh('Att återkalla')}/cancellation`,
      body: { reason: 'Förslagsställaren drar tillbaka initiativet.', cancelledOn: '2025-01-02' },
    }),
  },
  {
    name: 'POST /api/initiatives/:id/outcome-reports',
    method: 'POST',
    prepare: async () => ({
      url: `/api/initiatives/${await fresh('Att rapportera')}/outcome-reports`,
      body: { year: 2024, summary: 'Insatsen har nått sina mål för året.' },
    }),
  },
  {
    name: 'POST /api/initiatives/:id/revisions',
    method: 'POST',
    prepare: async () => ({
      url: `/api/initiatives/${await fresh('Att revidera')}/revisions`,
      body: { reason: 'Beloppet sänks.', requestedAmountOre: 1_000, revisedOn: '2025-01-02' },
    }),
  },
  {
    name: 'POST /api/fund/deposits',
    method: 'POST',
    prepare: async () => ({
      url: '/api/fund/deposits',
      body: { amountOre: 1_000, source: 'Region Värmland', bookedOn: '2025-04-01', reference: 'VER-M' },
    }),
  },
  {
    name: 'POST /api/fund/withdrawals',
    method: 'POST',
    prepare: async () => ({
      url: '/api/fund/withdrawals',
      body: { initiativeId: funded, amountOre: 1_000, bookedOn: '2025-04-01', reference: 'VER-UT' },
    }),
  },
  {
    name: 'POST /api/fund/returns',
    method: 'POST',
    prepare: async () => ({
      url: '/api/fund/returns',
      body: { initiativeId: funded, amountOre: 1_000, bookedOn: '2025-04-01', reason: 'Outnyttjade medel' },
    }),
  },
  {
    name: 'POST /api/fund/years/:year/close',
    method: 'POST',
    // Always the next year that can be closed, so that even a refused cell asks for something valid.
    prepare: async () => ({ url: `/api/fund/years/${nextYearToClose}/close` }),
    after: () => {
      nextYearToClose += 1;
    },
  },
];

const send = (endpoint: Endpoint, request: Request, authorization: string): Promise<HttpAnswer> =>
  endpoint.method === 'GET'
    ? app.get(request.url, { authorization })
    : endpoint.method === 'PUT'
      ? app.request('PUT', request.url, String(request.body), { authorization, 'content-type': 'application/pdf' })
      : app.post(request.url, request.body, { authorization });

const must = async (res: Promise<HttpAnswer>, status = 201): Promise<HttpAnswer> => {
  const answer = await res;
  if (answer.status !== status) throw new Error(`fixture: ${answer.status} ${answer.text}`);
  return answer;
};

beforeAll(async () => {
  app = await HttpApp.start();
  // Bookings in 2022, 2023 and 2024 (so that 2022 and 2023 can be closed, and 2024 is still valid to
  // ask for afterwards), and the money for the grants in 2025.
  for (const [bookedOn, amountOre] of [['2022-03-01', 1_000_000], ['2023-03-01', 1_000_000], ['2024-03-01', 1_000_000], ['2025-01-02', 10_000_000_000]] as const)
    await must(app.post('/api/fund/deposits', { amountOre, source: 'Kommunalförbundet Region Värmland', bookedOn, reference: `VER-${bookedOn}` }));
  readable = await propose(app, { title: 'Läsbart initiativ' });
  consensual = await propose(app, { title: 'Med konsensus', requestedAmountOre: 1_000_000_000 });
  await decideAll(app, consensual);
  funded = await propose(app, { title: 'Med utbetalning', requestedAmountOre: 1_000_000_000 });
  await decideAll(app, funded);
  await must(app.post(`/api/initiatives/${funded}/grant`, { amountOre: 500_000_000, decidedOn: '2025-01-10', reference: 'RV 2025/2' }));
  await must(app.post('/api/fund/withdrawals', { initiativeId: funded, amountOre: 100_000_000, bookedOn: '2025-02-01', reference: 'VER-UT-1' }));
});

afterAll(async () => {
  await app.dispose();
});

it('the table covers every endpoint, and nothing else', () => {
  expect(ENDPOINTS.map((e) => e.name).sort()).toEqual(Object.keys(MATRIX).sort());
});

describe.each(ENDPOINTS)('$name', (endpoint) => {
  const cells = MATRIX[endpoint.name]!;
  COLUMNS.forEach(({ role, side }, i) => {
    const status = cells[i]!;
    const who = role === 'clerk' ? `clerk of ${side} party` : `${role} of ${side} party (n/a)`;
    it(`${endpoint.name} as ${who} → ${status}`, async () => {
      const request = await endpoint.prepare();
      const authorization = `Bearer ${tokenFor(role, side === 'own' ? OWN : OTHER)}`;
      if (status === 403) {
        const problem = await expectRefused(app, () => send(endpoint, request, authorization), 403);
        expect(problem).toMatchObject({ code: 'forbidden', title: 'Behörighet saknas' });
        return;
      }
      const before = await app.position();
      const res = await send(endpoint, request, authorization);
      expect({ status: res.status, contentType: res.headers['content-type'] }).toEqual({
        status,
        contentType: expect.stringMatching(/^application\/json/),
      });
      endpoint.check?.(res.body);
      // A read writes nothing; an allowed write records exactly its events (one, unless the endpoint says).
      expect(await app.position()).toBe(endpoint.method === 'GET' ? before : before + (endpoint.events ?? 1));
      endpoint.after?.();
    });
  });
});

describe('without a token', () => {
  it.each(ENDPOINTS.filter((e) => e.name !== 'GET /api/health'))('$name without a token → 401', async (endpoint) => {
    const request = await endpoint.prepare();
    const problem = await expectRefused(app, () => send(endpoint, request, 'none'), 401);
    expect(problem).toMatchObject({ code: 'unauthenticated', title: 'Inte inloggad' });
  });

  it('GET /api/health without a token → 200', async () => {
    const res = await app.get('/api/health', { authorization: 'none' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', position: expect.any(Number) });
  });
});

describe('what the allowed cells did', () => {
  it('closed exactly 2022 and 2023, one per finance cell', async () => {
    expect(nextYearToClose).toBe(2024);
    const years = (await app.get('/api/fund/years')).body as { year: number; closed: boolean }[];
    expect(years.map((y) => [y.year, y.closed])).toEqual([[2022, true], [2023, true], [2024, false], [2025, false]]);
  });

  it('granted, paid and returned exactly two times 1 000 öre each (the two finance cells)', async () => {
    expect((await app.get(`/api/initiatives/${consensual}`)).body).toMatchObject({ grantedOre: 2_000 });
    expect((await app.get(`/api/initiatives/${funded}`)).body).toMatchObject({ grantedOre: 500_000_000, withdrawnOre: 100_002_000, returnedOre: 2_000 });
  });
});
