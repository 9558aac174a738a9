/**
 * Attacks on the bearer token, over the real HTTP API. Each one is sent to a write that would
 * otherwise succeed (a valid deposit, with a finance role claim) and must be answered 401
 * (problem+json, code `unauthenticated`, the reason in `detail`) with nothing written: the store's
 * head position and the fund's ledger are unchanged. Positive controls (a correct token of each
 * configuration is accepted) keep the attacks honest: a test that cannot succeed proves nothing.
 *
 * Four apps: HS256 (the test secret), RS256 and ES256 (a public key, no secret), and HS256 with
 * an issuer and an audience to check. Token times are checked against the real clock (the apps'
 * fixed clock only sets the domain's "today"), so `exp` and `nbf` here are relative to Date.now().
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { expectProblem, HttpApp, TEST_SECRET, type HttpAnswer } from './support/http-app';

type Claims = Record<string, unknown>;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A finance officer's claims, valid for an hour; `overrides` set or (with `undefined`) remove claims. */
const claims = (overrides: Claims = {}): Claims => {
  const out: Claims = { sub: 'ekonomi-1', name: 'Eva Ekonom', role: 'finance', iat: nowSeconds(), exp: nowSeconds() + 3600, ...overrides };
  for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete out[k];
  return out;
};

const b64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token put together by hand: any header, any payload, any signature. */
const craft = (header: Claims, payload: Claims, sign: (input: string) => string): string => {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign(input)}`;
};

const hmac = (key: string) => (input: string) => createHmac('sha256', key).update(input).digest('base64url');

const hs256 = (payload: Claims | string, secret = TEST_SECRET): string => jwt.sign(payload, secret, { algorithm: 'HS256' });

const bearer = (token: string): string => `Bearer ${token}`;

/** Key pairs for the public-key configurations, and others of the same kinds that the apps do not trust. */
const rsaPair = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const p256Pair = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const rsa = rsaPair();
const otherRsa = rsaPair();
const ec = p256Pair();
const otherEc = p256Pair();

const rs256 = (payload: Claims, privateKey = rsa.privateKey): string => jwt.sign(payload, privateKey, { algorithm: 'RS256' });
const es256 = (payload: Claims, privateKey = ec.privateKey): string => jwt.sign(payload, privateKey, { algorithm: 'ES256' });

const ISSUER = 'https://idp.regionvarmland.se';
const AUDIENCE = 'dgr-api';

const DEPOSIT = { amountOre: 1_000, source: 'Kommunalförbundet Region Värmland', bookedOn: '2025-01-10', reference: 'VER-T' };

/** One app and how to sign a valid token for it (used to read the ledger before and after an attack). */
interface Target {
  app: HttpApp;
  readonly sign: (payload: Claims) => string;
}

const hs: Target = { app: null as unknown as HttpApp, sign: (p) => hs256(p) };
const rs: Target = { app: null as unknown as HttpApp, sign: (p) => rs256(p) };
const es: Target = { app: null as unknown as HttpApp, sign: (p) => es256(p) };
const issAud: Target = { app: null as unknown as HttpApp, sign: (p) => hs256({ iss: ISSUER, aud: AUDIENCE, ...p }) };

beforeAll(async () => {
  [hs.app, rs.app, es.app, issAud.app] = await Promise.all([
    HttpApp.start(),
    HttpApp.start({ env: { DGR_JWT_SECRET: undefined, DGR_JWT_PUBLIC_KEY: rsa.publicKey } }),
    HttpApp.start({ env: { DGR_JWT_SECRET: undefined, DGR_JWT_PUBLIC_KEY: ec.publicKey } }),
    HttpApp.start({ env: { DGR_JWT_ISSUER: ISSUER, DGR_JWT_AUDIENCE: AUDIENCE } }),
  ]);
});

afterAll(async () => {
  await Promise.all([hs, rs, es, issAud].map((t) => t.app?.dispose()));
});

const deposit = (target: Target, authorization: string): Promise<HttpAnswer> =>
  target.app.post('/api/fund/deposits', DEPOSIT, { authorization });

const ledgerOf = async (target: Target): Promise<unknown> => {
  const res = await target.app.get('/api/fund/ledger', { authorization: bearer(target.sign(claims({ sub: 'revisor-1', name: 'Rut Revisor', role: 'auditor' }))) });
  expect(res.status).toBe(200);
  return res.body;
};

/** Sends the deposit with `authorization` ('none': no header): 401 unauthenticated with `detail`, nothing written. */
const expectUnauthenticated = async (target: Target, authorization: string, detail: string): Promise<void> => {
  const positionBefore = await target.app.position();
  const ledgerBefore = await ledgerOf(target);
  const res = await deposit(target, authorization);
  expect(res.headers['www-authenticate']).toBe('Bearer realm="dgr", error="invalid_token"');
  const problem = expectProblem(res, 401);
  expect(problem).toMatchObject({ type: 'urn:dgr:problem:unauthenticated', code: 'unauthenticated', title: 'Inte inloggad', detail });
  expect(await target.app.position()).toBe(positionBefore);
  expect(await ledgerOf(target)).toEqual(ledgerBefore);
};

/** The deposit with `authorization` is accepted: 201, exactly one event, one more booking. */
const expectAccepted = async (target: Target, authorization: string): Promise<void> => {
  const positionBefore = await target.app.position();
  const ledgerBefore = (await ledgerOf(target)) as unknown[];
  const res = await deposit(target, authorization);
  expect(res.status).toBe(201);
  expect(await target.app.position()).toBe(positionBefore + 1);
  expect(await ledgerOf(target)).toHaveLength(ledgerBefore.length + 1);
};

const NO_TOKEN = 'Ange en token: Authorization: Bearer <token>.';
const NOT_A_JWT = 'Token avvisades: den är inte en giltig JWT.';
const BAD_SIGNATURE = 'Token avvisades: ogiltig signatur.';
const BAD_ALGORITHM = 'Token avvisades: otillåten algoritm.';
const BAD_ROLE = 'Token avvisades: role måste vara secretariat, clerk, finance eller auditor.';
const CLERK_WITHOUT_PARTY = 'Token avvisades: en registrators token måste ange sin part (party).';
const CRIT = 'Token avvisades: den kräver tillägg (crit) som tjänsten inte förstår.';
const NO_IAT = 'Token avvisades: den saknar utfärdandetid (iat).';
const IAT_IN_FUTURE = 'Token avvisades: den är utfärdad i framtiden (iat).';
const tooLong = (days: number): string => `Token avvisades: den gäller längre än ${days} dagar (exp − iat).`;
const DAY = 86_400;

interface Attack {
  readonly name: string;
  readonly authorization: () => string;
  readonly detail: string;
}

describe('HS256 (DGR_JWT_SECRET)', () => {
  it('control: a correct HS256 token, crafted here, is accepted (201)', async () => {
    await expectAccepted(hs, bearer(hs256(claims())));
  });

  it('control: the scheme name is case-insensitive ("bearer" is accepted, RFC 9110)', async () => {
    await expectAccepted(hs, `bearer ${hs256(claims())}`);
  });

  it('control: the hand-made signature below is a correct one (201)', async () => {
    await expectAccepted(hs, bearer(craft({ alg: 'HS256', typ: 'JWT' }, claims(), hmac(TEST_SECRET))));
  });

  it('control: a token living exactly DGR_TOKEN_MAX_DAYS (default 30) is accepted (201)', async () => {
    await expectAccepted(hs, bearer(hs256(claims({ exp: nowSeconds() + 30 * DAY }))));
  });

  it('control: iat up to a minute ahead of the service\'s clock (clock skew) is accepted (201)', async () => {
    await expectAccepted(hs, bearer(hs256(claims({ iat: nowSeconds() + 30 }))));
  });

  const attacks: Attack[] = [
    { name: 'no Authorization header', authorization: () => 'none', detail: NO_TOKEN },
    { name: 'an empty Authorization header', authorization: () => '', detail: NO_TOKEN },
    { name: '"Bearer" with no token', authorization: () => 'Bearer ', detail: NO_TOKEN },
    { name: 'malformed: "Bearer abc"', authorization: () => 'Bearer abc', detail: NOT_A_JWT },
    { name: 'malformed: Basic credentials', authorization: () => `Basic ${Buffer.from('ekonomi:hemligt').toString('base64')}`, detail: NO_TOKEN },
    { name: 'malformed: a valid token under another scheme ("Token …")', authorization: () => `Token ${hs256(claims())}`, detail: NO_TOKEN },
    { name: 'malformed: a token of 2 segments (header.payload)', authorization: () => bearer(hs256(claims()).split('.').slice(0, 2).join('.')), detail: NOT_A_JWT },
    { name: 'malformed: a token of 4 segments', authorization: () => bearer(`${hs256(claims())}.abc`), detail: NOT_A_JWT },
    { name: 'malformed: characters outside base64url', authorization: () => 'Bearer !!!*not*base64*!!!', detail: NO_TOKEN },
    { name: 'malformed: 3 segments of base64 that is not JSON', authorization: () => bearer(['garbage', 'more garbage', 'sig'].map(b64url).join('.')), detail: NOT_A_JWT },
    { name: 'a payload that is not a JSON object (a signed string)', authorization: () => bearer(hs256('finance')), detail: NOT_A_JWT },
    { name: 'alg none, empty signature', authorization: () => bearer(craft({ alg: 'none', typ: 'JWT' }, claims(), () => '')), detail: BAD_SIGNATURE },
    { name: 'alg None (mixed case), empty signature', authorization: () => bearer(craft({ alg: 'None', typ: 'JWT' }, claims(), () => '')), detail: BAD_SIGNATURE },
    { name: 'alg none with a valid token\'s signature kept', authorization: () => bearer(craft({ alg: 'none', typ: 'JWT' }, claims(), () => hs256(claims()).split('.')[2]!)), detail: BAD_ALGORITHM },
    { name: 'HS512 signed with the right secret (algorithm not the configured one)', authorization: () => bearer(jwt.sign(claims(), TEST_SECRET, { algorithm: 'HS512' })), detail: BAD_ALGORITHM },
    { name: 'RS256 signed with some RSA key', authorization: () => bearer(rs256(claims())), detail: BAD_ALGORITHM },
    { name: 'wrong signature: signed with another secret', authorization: () => bearer(hs256(claims(), 'another-secret-that-is-long-enough-for-hs256-xyz')), detail: BAD_SIGNATURE },
    {
      name: 'tampered payload: an auditor\'s token with role changed to finance, signature kept',
      authorization: () => {
        const [header, , signature] = hs256(claims({ role: 'auditor' })).split('.');
        return bearer(`${header}.${b64url(claims())}.${signature}`);
      },
      detail: BAD_SIGNATURE,
    },
    { name: 'expired (exp an hour ago)', authorization: () => bearer(hs256(claims({ iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }))), detail: 'Token avvisades: den har gått ut.' },
    { name: 'expired a few seconds ago', authorization: () => bearer(hs256(claims({ exp: nowSeconds() - 5 }))), detail: 'Token avvisades: den har gått ut.' },
    { name: 'no exp at all', authorization: () => bearer(hs256(claims({ exp: undefined }))), detail: 'Token avvisades: den saknar giltighetstid (exp).' },
    { name: 'nbf in the future', authorization: () => bearer(hs256(claims({ nbf: nowSeconds() + 3600 }))), detail: 'Token avvisades: den gäller inte än (nbf).' },
    { name: 'a clerk token without a party', authorization: () => bearer(hs256(claims({ role: 'clerk' }))), detail: CLERK_WITHOUT_PARTY },
    { name: 'a clerk token with an unknown party (9999)', authorization: () => bearer(hs256(claims({ role: 'clerk', party: '9999' }))), detail: CLERK_WITHOUT_PARTY },
    { name: 'a clerk token with the party as a number (1780)', authorization: () => bearer(hs256(claims({ role: 'clerk', party: 1780 }))), detail: CLERK_WITHOUT_PARTY },
    { name: 'role missing', authorization: () => bearer(hs256(claims({ role: undefined }))), detail: BAD_ROLE },
    { name: 'role unknown (admin)', authorization: () => bearer(hs256(claims({ role: 'admin' }))), detail: BAD_ROLE },
    { name: 'role in another case (FINANCE)', authorization: () => bearer(hs256(claims({ role: 'FINANCE' }))), detail: BAD_ROLE },
    { name: 'roles as a list (["finance"])', authorization: () => bearer(hs256(claims({ role: ['finance'] }))), detail: BAD_ROLE },
    { name: 'empty sub', authorization: () => bearer(hs256(claims({ sub: '' }))), detail: 'Token avvisades: sub saknas.' },
    { name: 'blank sub (spaces)', authorization: () => bearer(hs256(claims({ sub: '   ' }))), detail: 'Token avvisades: sub saknas.' },
    { name: 'sub missing', authorization: () => bearer(hs256(claims({ sub: undefined }))), detail: 'Token avvisades: sub saknas.' },
    { name: 'name missing', authorization: () => bearer(hs256(claims({ name: undefined }))), detail: 'Token avvisades: name saknas.' },
    // Issue 17, item 6: a critical header the service does not understand (RFC 7515 §4.1.11), a token that never
    // expires, and one issued in the future were all accepted.
    { name: 'crit: ["exp2"] (an extension the service does not understand)', authorization: () => bearer(craft({ alg: 'HS256', typ: 'JWT', crit: ['exp2'] }, claims({ exp2: nowSeconds() + 60 }), hmac(TEST_SECRET))), detail: CRIT },
    { name: 'crit: ["b64"] (RFC 7797, not understood either)', authorization: () => bearer(craft({ alg: 'HS256', typ: 'JWT', b64: true, crit: ['b64'] }, claims(), hmac(TEST_SECRET))), detail: CRIT },
    { name: 'crit: [] (an empty list is malformed, RFC 7515)', authorization: () => bearer(craft({ alg: 'HS256', typ: 'JWT', crit: [] }, claims(), hmac(TEST_SECRET))), detail: CRIT },
    { name: 'exp: 1e300 (a token that never expires)', authorization: () => bearer(craft({ alg: 'HS256', typ: 'JWT' }, claims({ exp: 1e300 }), hmac(TEST_SECRET))), detail: tooLong(30) },
    { name: 'a lifetime of 30 days and a second (over DGR_TOKEN_MAX_DAYS)', authorization: () => bearer(hs256(claims({ exp: nowSeconds() + 30 * DAY + 1 }))), detail: tooLong(30) },
    { name: 'no iat (its lifetime cannot be known)', authorization: () => bearer(craft({ alg: 'HS256', typ: 'JWT' }, claims({ iat: undefined }), hmac(TEST_SECRET))), detail: NO_IAT },
    { name: 'iat as a string', authorization: () => bearer(craft({ alg: 'HS256', typ: 'JWT' }, claims({ iat: String(nowSeconds()) }), hmac(TEST_SECRET))), detail: NO_IAT },
    { name: 'iat a year in the future', authorization: () => bearer(hs256(claims({ iat: nowSeconds() + 365 * DAY, exp: nowSeconds() + 365 * DAY + 3600 }))), detail: IAT_IN_FUTURE },
    { name: 'iat two minutes in the future (beyond the clock skew)', authorization: () => bearer(hs256(claims({ iat: nowSeconds() + 120 }))), detail: IAT_IN_FUTURE },
  ];

  it.each(attacks)('$name → 401', async ({ authorization, detail }) => {
    await expectUnauthenticated(hs, authorization(), detail);
  });
});

describe('RS256 (DGR_JWT_PUBLIC_KEY: an RSA public key, no secret)', () => {
  it('control: a correct RS256 token, signed with the private key, is accepted (201)', async () => {
    await expectAccepted(rs, bearer(rs256(claims())));
  });

  const attacks: Attack[] = [
    { name: 'no token', authorization: () => 'none', detail: NO_TOKEN },
    { name: 'HS256 signed with the test secret', authorization: () => bearer(hs256(claims())), detail: BAD_ALGORITHM },
    { name: 'key confusion: HS256 with the RSA public key PEM as the HMAC secret', authorization: () => bearer(craft({ alg: 'HS256', typ: 'JWT' }, claims(), hmac(rsa.publicKey))), detail: BAD_ALGORITHM },
    { name: 'alg none, empty signature', authorization: () => bearer(craft({ alg: 'none', typ: 'JWT' }, claims(), () => '')), detail: BAD_SIGNATURE },
    { name: 'RS256 signed with another RSA key', authorization: () => bearer(rs256(claims(), otherRsa.privateKey)), detail: BAD_SIGNATURE },
    { name: 'ES256 (algorithm not the configured one)', authorization: () => bearer(es256(claims())), detail: BAD_ALGORITHM },
    { name: 'RS256, right key, but expired', authorization: () => bearer(rs256(claims({ exp: nowSeconds() - 60 }))), detail: 'Token avvisades: den har gått ut.' },
    { name: 'RS256, right key, but no exp', authorization: () => bearer(rs256(claims({ exp: undefined }))), detail: 'Token avvisades: den saknar giltighetstid (exp).' },
    { name: 'RS256, right key, but crit: ["exp2"]', authorization: () => bearer(jwt.sign(claims(), rsa.privateKey, { algorithm: 'RS256', header: { alg: 'RS256', crit: ['exp2'] } as jwt.JwtHeader })), detail: CRIT },
    { name: 'RS256, right key, but exp: 1e300', authorization: () => bearer(rs256(claims({ exp: 1e300 }))), detail: tooLong(30) },
    { name: 'RS256, right key, but no iat', authorization: () => bearer(jwt.sign(claims({ iat: undefined }), rsa.privateKey, { algorithm: 'RS256', noTimestamp: true })), detail: NO_IAT },
  ];

  it.each(attacks)('$name → 401', async ({ authorization, detail }) => {
    await expectUnauthenticated(rs, authorization(), detail);
  });
});

describe('ES256 (DGR_JWT_PUBLIC_KEY: an EC P-256 public key, no secret)', () => {
  it('control: a correct ES256 token, signed with the private key, is accepted (201)', async () => {
    await expectAccepted(es, bearer(es256(claims())));
  });

  const attacks: Attack[] = [
    { name: 'HS256 signed with the test secret', authorization: () => bearer(hs256(claims())), detail: BAD_ALGORITHM },
    { name: 'key confusion: HS256 with the EC public key PEM as the HMAC secret', authorization: () => bearer(craft({ alg: 'HS256', typ: 'JWT' }, claims(), hmac(ec.publicKey))), detail: BAD_ALGORITHM },
    { name: 'ES256 signed with another P-256 key', authorization: () => bearer(es256(claims(), otherEc.privateKey)), detail: BAD_SIGNATURE },
    { name: 'RS256 (algorithm not the configured one)', authorization: () => bearer(rs256(claims())), detail: BAD_ALGORITHM },
    { name: 'alg none, empty signature', authorization: () => bearer(craft({ alg: 'none', typ: 'JWT' }, claims(), () => '')), detail: BAD_SIGNATURE },
  ];

  it.each(attacks)('$name → 401', async ({ authorization, detail }) => {
    await expectUnauthenticated(es, authorization(), detail);
  });
});

describe(`issuer and audience (DGR_JWT_ISSUER=${ISSUER}, DGR_JWT_AUDIENCE=${AUDIENCE})`, () => {
  it('control: a token with the right issuer and audience is accepted (201)', async () => {
    await expectAccepted(issAud, bearer(hs256(claims({ iss: ISSUER, aud: AUDIENCE }))));
  });

  const attacks: Attack[] = [
    { name: 'wrong issuer', authorization: () => bearer(hs256(claims({ iss: 'https://evil.example', aud: AUDIENCE }))), detail: 'Token avvisades: fel utfärdare (iss).' },
    { name: 'no issuer', authorization: () => bearer(hs256(claims({ aud: AUDIENCE }))), detail: 'Token avvisades: fel utfärdare (iss).' },
    { name: 'wrong audience', authorization: () => bearer(hs256(claims({ iss: ISSUER, aud: 'another-api' }))), detail: 'Token avvisades: fel mottagare (aud).' },
    { name: 'no audience', authorization: () => bearer(hs256(claims({ iss: ISSUER }))), detail: 'Token avvisades: fel mottagare (aud).' },
    { name: 'neither issuer nor audience (a plain test token)', authorization: () => bearer(hs256(claims())), detail: 'Token avvisades: fel mottagare (aud).' },
  ];

  it.each(attacks)('$name → 401', async ({ authorization, detail }) => {
    await expectUnauthenticated(issAud, authorization(), detail);
  });
});

describe('DGR_TOKEN_MAX_DAYS=2: the longest lifetime is configurable', () => {
  const short: Target = { app: null as unknown as HttpApp, sign: (p) => hs256(p) };
  beforeAll(async () => {
    short.app = await HttpApp.start({ env: { DGR_TOKEN_MAX_DAYS: '2' } });
  });
  afterAll(async () => {
    await short.app?.dispose();
  });

  it('control: a token of two days is accepted (201)', async () => {
    await expectAccepted(short, bearer(hs256(claims({ exp: nowSeconds() + 2 * DAY }))));
  });

  it('a token of three days is refused (401)', async () => {
    await expectUnauthenticated(short, bearer(hs256(claims({ exp: nowSeconds() + 3 * DAY }))), tooLong(2));
  });
});
