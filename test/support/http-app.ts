/**
 * End-to-end support: the real HTTP app (createApp → listen on 127.0.0.1, port 0) over a
 * temporary SQLite file, driven with Node's global fetch. `restart()` closes the app and starts a
 * new one on the SAME file, so a test can check what survives a restart.
 */
import type { INestApplication } from '@nestjs/common';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, resolveTokenKeys, signToken, type Config } from '@dgr/config';
import { createApp } from '../../apps/api/src/create-app';
import type { EventStore } from '@dgr/event-store';

/** The HS256 secret every e2e app is configured with (DGR_JWT_SECRET). */
export const TEST_SECRET = 'e2e-secret-that-is-long-enough-for-hs256-0123456789';

/**
 * The configuration of an e2e app: the given file, the test secret, no rate limits unless asked.
 * A variable set to `undefined` in `env` is removed (e.g. `DGR_JWT_SECRET: undefined` with a public key).
 */
export const testConfig = (sqliteFile: string, env: Record<string, string | undefined> = {}): Config =>
  loadConfig({
    DGR_SQLITE_FILE: sqliteFile,
    DGR_JWT_SECRET: TEST_SECRET,
    DGR_RATE_LIMIT_PER_MINUTE: '0',
    DGR_RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
    PORT: '0',
    ...env,
  });

/** A valid token for a role (and, for clerks, a party), signed with the test secret. */
export const tokenFor = (role: 'secretariat' | 'clerk' | 'finance' | 'auditor', party?: string, days = 1): string => {
  const config = testConfig(':memory:');
  return signToken(
    { sub: `${role}${party ? `-${party}` : ''}`, name: `Test ${role}${party ? ` ${party}` : ''}`, role, party, days },
    resolveTokenKeys(config.auth),
    config.auth,
  );
};

const PARTY = /^(17|17\d\d)$/;

/**
 * The token a test request is sent with unless it sets `authorization` itself: the role whose job
 * the endpoint is (a clerk of the party the request names, Karlstad's when it names none).
 * `authorization: 'none'` sends no token at all.
 */
export const defaultAuthorization = (method: string, url: string, body: string | undefined): string => {
  const path = url.split('?')[0]!;
  if (method !== 'POST') return `Bearer ${tokenFor('auditor')}`;
  if (path.startsWith('/api/fund') || path.endsWith('/grant')) return `Bearer ${tokenFor('finance')}`;
  const correction = /\/decisions\/([^/]+)\/correction$/.exec(path);
  if (correction) return `Bearer ${tokenFor('clerk', PARTY.test(correction[1]!) ? correction[1] : '1780')}`;
  // Justering/anslag and appeals of a party's decision: that party's clerk.
  const legal = /\/decisions\/([^/]+)\/(minutes|appeals(\/[^/]+\/decision)?)$/.exec(path);
  if (legal) return `Bearer ${tokenFor('clerk', PARTY.test(legal[1]!) ? legal[1] : '1780')}`;
  if (path.endsWith('/decisions')) {
    let party: unknown;
    try {
      party = (JSON.parse(body ?? '{}') as { party?: unknown }).party;
    } catch {
      party = undefined;
    }
    return `Bearer ${tokenFor('clerk', typeof party === 'string' && PARTY.test(party) ? party : '1780')}`;
  }
  return `Bearer ${tokenFor('secretariat')}`;
};

/** "Now" for every e2e test: a plain summer day (the calendar day in Sweden is 2025-06-15). */
export const NOW = '2025-06-15T10:00:00.000Z';
export const TODAY = '2025-06-15';

/** The 17 parties' SCB codes, in the order the API lists them. */
export const PARTY_IDS = [
  '17', '1715', '1730', '1737', '1760', '1761', '1762', '1763', '1764',
  '1765', '1766', '1780', '1781', '1782', '1783', '1784', '1785',
] as const;

/** Parsed JSON of an answer: tests read into it freely and assert exact values. */
export type Json = any;

export interface HttpAnswer<T = Json> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the answer is JSON (application/json or application/problem+json), otherwise the text. */
  readonly body: T;
  readonly text: string;
}

export type Headers = Record<string, string>;

export class HttpApp {
  private app: INestApplication | null = null;
  private base = '';

  private constructor(
    readonly dir: string,
    readonly sqliteFile: string,
    /** The app's clock: a fixed instant, or a function a test moves (e.g. past a rate-limit window). */
    private readonly now: string | (() => string),
    private readonly env: Record<string, string | undefined> = {},
    /** Opens the store for each start instead of the configured one (the SQLite file). */
    private readonly openStore?: () => Promise<EventStore>,
  ) {}

  /**
   * Starts the app on a new temporary SQLite file, or on `sqliteFile` when given (e.g. another app's
   * file: a second process on the same store; `stop()` that one, never `dispose()`, which removes the folder).
   */
  static async start(
    options: { now?: string | (() => string); env?: Record<string, string | undefined>; sqliteFile?: string; store?: () => Promise<EventStore> } = {},
  ): Promise<HttpApp> {
    const dir = options.sqliteFile ? path.dirname(options.sqliteFile) : fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-e2e-'));
    const app = new HttpApp(dir, options.sqliteFile ?? path.join(dir, 'dgr.sqlite'), options.now ?? NOW, options.env, options.store);
    await app.open();
    return app;
  }

  get baseUrl(): string {
    return this.base;
  }

  private async open(): Promise<void> {
    const now = this.now;
    const store = this.openStore ? await this.openStore() : undefined;
    const clock = { now: typeof now === 'function' ? now : () => now };
    const app = await createApp(testConfig(this.sqliteFile, this.env), { clock, logger: false, store });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as AddressInfo;
    this.app = app;
    this.base = `http://127.0.0.1:${address.port}`;
  }

  /** The running Nest app (a test that reaches a provider, e.g. the ProjectionRunner). */
  get nest(): INestApplication {
    if (!this.app) throw new Error('The app is not running');
    return this.app;
  }

  /** Closes the app (and its store); the file stays. */
  async stop(): Promise<void> {
    const app = this.app;
    this.app = null;
    if (app) await app.close();
  }

  /** Closes the app and starts a new one on the same file. */
  async restart(): Promise<void> {
    await this.stop();
    await this.open();
  }

  /** Stops the app and removes the temporary directory. */
  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The global position of the last event the read models include: unchanged means nothing was written. */
  async position(): Promise<number> {
    const res = await this.get('/api/health');
    if (res.status !== 200) throw new Error(`health: ${res.status} ${res.text}`);
    return res.body.position as number;
  }

  get<T = Json>(url: string, headers: Headers = {}): Promise<HttpAnswer<T>> {
    return this.request<T>('GET', url, undefined, headers);
  }

  /** POSTs `body` as JSON (no body at all when undefined). */
  post<T = Json>(url: string, body?: unknown, headers: Headers = {}): Promise<HttpAnswer<T>> {
    return body === undefined
      ? this.request<T>('POST', url, undefined, headers)
      : this.request<T>('POST', url, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
  }

  /** POSTs a raw string (for malformed or oversized bodies). */
  postRaw<T = Json>(url: string, raw: string, headers: Headers = { 'content-type': 'application/json' }): Promise<HttpAnswer<T>> {
    return this.request<T>('POST', url, raw, headers);
  }

  async request<T = Json>(method: string, url: string, body: string | undefined, headers: Headers): Promise<HttpAnswer<T>> {
    if (!this.app) throw new Error('The app is not running');
    const given = Object.keys(headers).find((h) => h.toLowerCase() === 'authorization');
    const sent: Headers = { ...headers };
    if (!given) sent.authorization = defaultAuthorization(method, url, body);
    else if (headers[given] === 'none') delete sent[given];
    const res = await fetch(this.base + url, { method, headers: sent, body });
    const text = await res.text();
    const out: Headers = {};
    res.headers.forEach((value, key) => (out[key] = value));
    const type = out['content-type'] ?? '';
    let parsed: unknown = text;
    if (/json/.test(type) && text !== '') parsed = JSON.parse(text);
    return { status: res.status, headers: out, body: parsed as T, text };
  }
}

// ---------------------------------------------------------------------------------------------
// Builders of request bodies: each takes overrides so a test states only what matters to it.
// ---------------------------------------------------------------------------------------------

export const proposal = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  title: 'Kompetensplattform Värmland',
  summary: 'Gemensam plattform för kompetensförsörjning i hela länet.',
  proposedBy: '1780',
  proposedOn: '2024-02-01',
  requestedAmountOre: 500_000_000,
  strategyLinks: [{ area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad' }],
  decisionDeadline: '2024-12-31',
  ...overrides,
});

export const decision = (party: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  party,
  outcome: 'approved',
  decidedOn: '2024-04-15',
  body: party === '17' ? 'regionfullmäktige' : 'kommunfullmäktige',
  minuteReference: '§ 42',
  caseNumber: `KS-2024/${party}`,
  ...overrides,
});

/** Proposes an initiative and returns its id (fails the test unless 201). */
export const propose = async (app: HttpApp, overrides: Record<string, unknown> = {}, headers: Headers = {}): Promise<string> => {
  const res = await app.post('/api/initiatives', proposal(overrides), headers);
  if (res.status !== 201) throw new Error(`propose: ${res.status} ${res.text}`);
  return (res.body as { id: string }).id;
};

/**
 * Registers a decision for each party given (all 17 by default), each approved unless `outcomes`
 * says otherwise, on `decidedOn(party, index)`. Fails the test unless every answer is 201.
 */
export const decideAll = async (
  app: HttpApp,
  initiativeId: string,
  options: {
    parties?: readonly string[];
    outcomes?: Record<string, 'approved' | 'rejected'>;
    decidedOn?: (party: string, index: number) => string;
    headers?: (party: string) => Headers;
  } = {},
): Promise<void> => {
  const parties = options.parties ?? PARTY_IDS;
  for (const [index, party] of parties.entries()) {
    const res = await app.post(
      `/api/initiatives/${initiativeId}/decisions`,
      decision(party, {
        outcome: options.outcomes?.[party] ?? 'approved',
        decidedOn: options.decidedOn ? options.decidedOn(party, index) : '2024-04-15',
      }),
      options.headers ? options.headers(party) : {},
    );
    if (res.status !== 201) throw new Error(`decision of ${party}: ${res.status} ${res.text}`);
  }
};

/** A calendar day `days` after `date` (both YYYY-MM-DD). */
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Every error answer: application/problem+json with type, title, status and detail. */
export const expectProblem = (res: HttpAnswer, status: number): Record<string, Json> => {
  expect({ status: res.status, contentType: res.headers['content-type'] }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/problem\+json/),
  });
  const body = res.body as Record<string, Json>;
  expect(body).toEqual(
    expect.objectContaining({
      type: expect.stringMatching(/^urn:dgr:problem:[a-z0-9-]+$/),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    }),
  );
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.detail.length).toBeGreaterThan(0);
  return body;
};

/** A 400 whose `errors` name exactly `field` (possibly among others). */
export const expectInvalidField = (res: HttpAnswer, field: string): Record<string, Json> => {
  const body = expectProblem(res, 400);
  expect(body.errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
  return body;
};

/**
 * Sends a request that must be refused with `status`: checks the problem answer, and that nothing
 * was written (the store's head position and the fund's ledger are unchanged). Returns the problem.
 */
export const expectRefused = async (
  app: HttpApp,
  send: () => Promise<HttpAnswer>,
  status: number,
): Promise<Record<string, Json>> => {
  const positionBefore = await app.position();
  const ledgerBefore = (await app.get('/api/fund/ledger')).body;
  const problem = expectProblem(await send(), status);
  expect(await app.position()).toBe(positionBefore);
  expect((await app.get('/api/fund/ledger')).body).toEqual(ledgerBefore);
  return problem;
};
