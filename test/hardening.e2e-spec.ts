/**
 * The hardening around the API: the per-subject rate limit (429 + Retry-After), the security headers
 * (helmet), CORS (closed unless DGR_CORS_ORIGINS names an origin), paged lists (limit/offset with
 * X-Total-Count), and the structured JSON logs (one line per request, its correlation id, never a token).
 */
import type { INestApplication } from '@nestjs/common';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApp } from '../apps/api/src/create-app';
import { JsonLogger } from '../apps/api/src/http/json-logger';
import { expectInvalidField, expectProblem, HttpApp, NOW, propose, TEST_SECRET, testConfig, tokenFor, type Json } from './support/http-app';

describe('the rate limit (DGR_RATE_LIMIT_PER_MINUTE=5, DGR_RATE_LIMIT_ANONYMOUS_PER_MINUTE=3)', () => {
  let app: HttpApp;
  /** The app's clock, which the tests move: the limit's one-minute windows follow it, never the wall clock. */
  let now = '2025-06-15T10:00:45.000Z';

  beforeEach(async () => {
    now = '2025-06-15T10:00:45.000Z';
    app = await HttpApp.start({ now: () => now, env: { DGR_RATE_LIMIT_PER_MINUTE: '5', DGR_RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' } });
  });

  afterEach(async () => {
    await app.dispose();
  });

  it('the 6th request in a minute by one subject is 429 with Retry-After; another subject and /api/health are not affected', async () => {
    const auditor = { authorization: `Bearer ${tokenFor('auditor')}` };
    const first = await Promise.all(Array.from({ length: 5 }, () => app.get('/api/parties', auditor)));
    expect(first.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);

    now = '2025-06-15T10:00:47.200Z';
    const sixth = await app.get('/api/fund', auditor);
    const problem = expectProblem(sixth, 429);
    // 12.8 s are left of the clock's minute: rounded up.
    expect(sixth.headers['retry-after']).toBe('13');
    expect(problem).toMatchObject({
      type: 'urn:dgr:problem:http-429',
      title: 'För många förfrågningar',
      code: 'http-429',
      detail: 'För många förfrågningar: högst 5 per minut. Försök igen om 13 s.',
    });
    expect(sixth.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    // Still refused within the window, whatever the endpoint.
    now = '2025-06-15T10:00:59.999Z';
    const last = await app.get('/api/initiatives', auditor);
    expect(last.status).toBe(429);
    expect(last.headers['retry-after']).toBe('1');
    // Another subject has a window of its own; the public health check counts against the address, not the subject.
    expect((await app.get('/api/fund', { authorization: `Bearer ${tokenFor('finance')}` })).status).toBe(200);
    expect((await app.get('/api/parties', { authorization: `Bearer ${tokenFor('clerk', '1780')}` })).status).toBe(200);
    const health = await app.get('/api/health', { authorization: 'none' });
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', position: 0 });

    // The next minute of the clock is a new window.
    now = '2025-06-15T10:01:00.000Z';
    expect((await app.get('/api/fund', auditor)).status).toBe(200);
  });

  it('requests refused before authentication (no token: 401) do not count against a subject', async () => {
    const secretariat = { authorization: `Bearer ${tokenFor('secretariat')}` };
    for (let i = 0; i < 10; i++) expectProblem(await app.get('/api/parties', { authorization: 'none' }), 401);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await app.get('/api/parties', secretariat)).status);
    expect(answers).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('requests without a valid token or session are limited per client address; a forged X-Forwarded-For does not escape it', async () => {
    const anonymous = { authorization: 'none' };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await app.get('/api/health', anonymous)).status);
    // Express does not trust X-Forwarded-For unless DGR_TRUST_PROXY says so: the socket's address counts.
    answers.push((await app.get('/api/health', { ...anonymous, 'x-forwarded-for': '203.0.113.7' })).status);
    expect(answers).toEqual([200, 200, 200, 429]);
    const refused = await app.get('/logga-in', anonymous);
    const problem = expectProblem(refused, 429);
    expect(refused.headers['retry-after']).toBe('15');
    expect(problem.detail).toBe('För många förfrågningar: högst 3 per minut från samma adress utan inloggning. Försök igen om 15 s.');
    // An invalid token is no way around it on a public route either.
    expect((await app.get('/api/health', { authorization: 'Bearer not-a-token' })).status).toBe(429);
    // A signed-in subject from the same address has its own window.
    expect((await app.get('/api/health', { authorization: `Bearer ${tokenFor('auditor')}` })).status).toBe(200);

    now = '2025-06-15T10:01:00.000Z';
    expect((await app.get('/api/health', anonymous)).status).toBe(200);
  });
});

describe('the rate limit behind a reverse proxy (DGR_TRUST_PROXY)', () => {
  let app: HttpApp;

  beforeAll(async () => {
    app = await HttpApp.start({ env: { DGR_RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2', DGR_TRUST_PROXY: 'loopback' } });
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('counts the client address the trusted proxy names', async () => {
    const from = (address: string): Record<string, string> => ({ authorization: 'none', 'x-forwarded-for': address });
    const a = [];
    for (let i = 0; i < 3; i++) a.push((await app.get('/api/health', from('203.0.113.7'))).status);
    expect(a).toEqual([200, 200, 429]);
    expect((await app.get('/api/health', from('203.0.113.8'))).status).toBe(200);
  });

  it('refuses a value Express cannot use, naming the variable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-trust-proxy-'));
    try {
      const config = testConfig(path.join(dir, 'dgr.sqlite'), { DGR_TRUST_PROXY: 'not-an-address' });
      await expect(createApp(config, { logger: false })).rejects.toThrow(/DGR_TRUST_PROXY/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('security headers', () => {
  let app: HttpApp;

  beforeAll(async () => {
    app = await HttpApp.start();
  });

  afterAll(async () => {
    await app.dispose();
  });

  const CSP = [
    "default-src 'self'",
    "base-uri 'self'",
    "font-src 'self' https: data:",
    "form-action 'self'",
    "frame-ancestors 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
  ];

  it.each([
    ['a JSON answer', '/api/parties', {}, 200],
    ['a problem answer (no token)', '/api/parties', { authorization: 'none' }, 401],
    ['an unknown route', '/api/nothing-here', {}, 404],
    ['the public health check', '/api/health', { authorization: 'none' }, 200],
  ])('on %s', async (_what, url, headers, status) => {
    const res = await app.get(url, headers);
    expect(res.status).toBe(status);
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    });
    expect(res.headers['content-security-policy']!.split(';').sort()).toEqual([...CSP].sort());
    // Served over plain http behind the proxy too: no upgrade-insecure-requests.
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('CORS', () => {
  const ORIGIN = 'https://dgr.example.se';
  const preflight = (app: HttpApp, origin: string) =>
    app.request('OPTIONS', '/api/fund/deposits', undefined, {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key',
      authorization: 'none',
    });

  describe('without DGR_CORS_ORIGINS: closed', () => {
    let app: HttpApp;

    beforeAll(async () => {
      app = await HttpApp.start();
    });

    afterAll(async () => {
      await app.dispose();
    });

    it('a request with an Origin gets its answer but no Access-Control-Allow-Origin', async () => {
      const res = await app.get('/api/parties', { Origin: ORIGIN });
      expect(res.status).toBe(200);
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    });

    it('a preflight is not answered as CORS (404 problem, no Access-Control-* header)', async () => {
      const res = await preflight(app, ORIGIN);
      expectProblem(res, 404);
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    });
  });

  describe(`with DGR_CORS_ORIGINS=${ORIGIN}`, () => {
    let app: HttpApp;

    beforeAll(async () => {
      app = await HttpApp.start({ env: { DGR_CORS_ORIGINS: ORIGIN } });
    });

    afterAll(async () => {
      await app.dispose();
    });

    it('that origin is allowed, and may read X-Request-Id, X-Total-Count, Retry-After and the evidence download\'s digests and file name', async () => {
      const res = await app.get('/api/parties', { Origin: ORIGIN });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(res.headers['access-control-expose-headers']).toBe('X-Request-Id,X-Total-Count,Retry-After,Repr-Digest,X-Content-SHA256,Content-Disposition');
      expect(res.headers.vary).toBe('Origin');
    });

    it('its preflight for a POST with a token, JSON and an Idempotency-Key is allowed', async () => {
      const res = await preflight(app, ORIGIN);
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(res.headers['access-control-allow-headers']).toBe('Authorization,Content-Type,Idempotency-Key,X-Request-Id');
    });

    it.each(['https://evil.example', 'http://dgr.example.se', 'https://dgr.example.se.evil.example'])(
      'another origin (%s) gets no Access-Control-Allow-Origin, on a request or a preflight',
      async (other) => {
        const res = await app.get('/api/parties', { Origin: other });
        expect(res.status).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        expect((await preflight(app, other)).headers['access-control-allow-origin']).toBeUndefined();
      },
    );
  });
});

describe('paged lists', () => {
  let app: HttpApp;
  let ids: string[];

  beforeAll(async () => {
    app = await HttpApp.start();
    await propose(app, { title: 'Första' });
    await propose(app, { title: 'Andra' });
    await propose(app, { title: 'Tredje' });
    ids = ((await app.get('/api/initiatives')).body as Array<{ id: string }>).map((i) => i.id);
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('without limit: every item, and X-Total-Count', async () => {
    const res = await app.get('/api/initiatives');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(3);
    expect(res.headers['x-total-count']).toBe('3');
  });

  it('limit=1&offset=1: the second item only, X-Total-Count still the whole count', async () => {
    const res = await app.get('/api/initiatives?limit=1&offset=1');
    expect(res.status).toBe(200);
    expect((res.body as Array<{ id: string }>).map((i) => i.id)).toEqual([ids[1]]);
    expect(res.headers['x-total-count']).toBe('3');
  });

  it('limit=2&offset=2: what is left; offset past the end: an empty page', async () => {
    expect(((await app.get('/api/initiatives?limit=2&offset=2')).body as Array<{ id: string }>).map((i) => i.id)).toEqual([ids[2]]);
    const past = await app.get('/api/initiatives?offset=10');
    expect(past.body).toEqual([]);
    expect(past.headers['x-total-count']).toBe('3');
  });

  it('limit=1000 (the maximum) is allowed', async () => {
    expect((await app.get('/api/initiatives?limit=1000')).body).toHaveLength(3);
  });

  it('pages the ledger and an initiative\'s events the same way', async () => {
    const events = await app.get(`/api/initiatives/${ids[0]}/events?limit=1&offset=0`);
    expect(events.status).toBe(200);
    expect(events.body).toHaveLength(1);
    expect(events.headers['x-total-count']).toBe('1');
    const ledger = await app.get('/api/fund/ledger?limit=5');
    expect(ledger.body).toEqual([]);
    expect(ledger.headers['x-total-count']).toBe('0');
  });

  it.each([
    ['limit=0', 'limit', 'limit måste vara minst 1'],
    ['limit=1001', 'limit', 'limit får vara högst 1000'],
    ['limit=abc', 'limit', 'limit måste vara ett heltal'],
    ['limit=1.5', 'limit', 'limit måste vara ett heltal'],
    ['limit=-1', 'limit', 'limit måste vara ett heltal'],
    ['offset=-1', 'offset', 'offset måste vara ett heltal'],
    ['offset=x', 'offset', 'offset måste vara ett heltal'],
  ])('%s: 400 naming the parameter', async (query, field, message) => {
    const res = await app.get(`/api/initiatives?${query}`);
    expect(expectInvalidField(res, field).errors).toEqual([{ field, message }]);
    expect(res.headers['x-total-count']).toBeUndefined();
  });
});

describe('structured logs', () => {
  const VALID = tokenFor('auditor');
  const FINANCE = tokenFor('finance');
  /** Well-formed, but signed with another secret: 401. */
  const FORGED = (() => {
    const [header, payload] = VALID.split('.');
    return `${header}.${payload}.c2lnbmVkLXdpdGgtYW5vdGhlci1zZWNyZXQtMDEyMzQ1Njc4OQ`;
  })();
  const GARBAGE = 'not.a.jwt-at-all';
  const MARKER = 'HEMLIG-MARKÖR-I-KROPPEN';

  let lines: string[];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-logs-'));

  beforeAll(async () => {
    const chunks: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    let app: INestApplication | null = null;
    try {
      app = await createApp(testConfig(path.join(dir, 'dgr.sqlite')), { clock: { now: () => NOW }, logger: new JsonLogger() });
      await app.listen(0, '127.0.0.1');
      const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      const send = async (url: string, id: string, token: string | null, init: RequestInit = {}) => {
        const headers: Record<string, string> = { 'X-Request-Id': id, ...(init.headers as Record<string, string>) };
        if (token !== null) headers.authorization = `Bearer ${token}`;
        const res = await fetch(base + url, { ...init, headers });
        await res.text();
        return res.status;
      };
      expect(await send('/api/parties?asOf=2024-01-01', 'log-ok', VALID)).toBe(200);
      expect(await send('/api/parties', 'log-forged', FORGED)).toBe(401);
      expect(await send('/api/parties', 'log-garbage', GARBAGE)).toBe(401);
      expect(await send('/api/parties', 'log-none', null)).toBe(401);
      expect(
        await send('/api/fund/deposits', 'log-post', FINANCE, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ amountOre: 100, source: MARKER, bookedOn: '2024-01-10', reference: MARKER }),
        }),
      ).toBe(201);
      expect(
        await send('/api/fund/deposits', 'log-invalid', FINANCE, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ amountOre: MARKER }),
        }),
      ).toBe(400);
      // The request line is written when the answer has finished; give the last one a moment.
      for (let i = 0; i < 50 && !chunks.join('').includes('"log-invalid"'); i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      if (app) await app.close();
      spy.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    lines = chunks.join('').split('\n').filter((l) => l !== '');
  });

  const parsed = (): Json[] => lines.map((l) => JSON.parse(l) as Json);
  const requestLine = (id: string): Json[] => parsed().filter((l) => l.msg === 'request' && l.correlationId === id);

  it('every line on stdout is one JSON object with time, level and msg (startup lines too)', () => {
    expect(lines.length).toBeGreaterThan(6);
    for (const line of lines) {
      const entry = JSON.parse(line) as Json;
      expect(entry).toEqual(
        expect.objectContaining({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), level: expect.any(String), msg: expect.any(String) }),
      );
    }
    expect(parsed().filter((l) => l.msg !== 'request').length).toBeGreaterThan(0);
  });

  it('one request line per request, with its correlation id (X-Request-Id), status and subject, and the path without the query', () => {
    expect(requestLine('log-ok')).toEqual([
      { time: expect.any(String), level: 'info', context: 'HTTP', msg: 'request', method: 'GET', path: '/api/parties', status: 200, ms: expect.any(Number), correlationId: 'log-ok', sub: 'auditor' },
    ]);
    for (const id of ['log-forged', 'log-garbage', 'log-none'])
      expect(requestLine(id)).toEqual([
        { time: expect.any(String), level: 'info', context: 'HTTP', msg: 'request', method: 'GET', path: '/api/parties', status: 401, ms: expect.any(Number), correlationId: id },
      ]);
    expect(requestLine('log-post')).toEqual([expect.objectContaining({ method: 'POST', path: '/api/fund/deposits', status: 201, sub: 'finance' })]);
    expect(requestLine('log-invalid')).toEqual([expect.objectContaining({ method: 'POST', path: '/api/fund/deposits', status: 400, sub: 'finance' })]);
  });

  it('no line holds a token (valid, forged or garbage), the secret, an Authorization header or a body', () => {
    expect(lines.length).toBeGreaterThan(0);
    const all = lines.join('\n');
    for (const secret of [VALID, FINANCE, FORGED, GARBAGE, VALID.split('.')[2]!, FORGED.split('.')[2]!, TEST_SECRET, 'Bearer', MARKER])
      expect({ secret, found: all.includes(secret) }).toEqual({ secret, found: false });
    expect(all).not.toMatch(/authorization/i);
  });
});
