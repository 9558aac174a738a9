import jwt from 'jsonwebtoken';
import { loadConfig } from './config';
import { resolveTokenKeys } from './token-keys';
import { TokenVerifier, Unauthenticated } from './tokens';

const SECRET = 'token-verifier-spec-secret-that-is-long-enough-0123456789';
const config = loadConfig({ DGR_JWT_SECRET: SECRET });
const keys = resolveTokenKeys(config.auth);
const T0 = 1_750_000_000;
const at = (seconds: number): Date => new Date(seconds * 1000);

const sign = (claims: Record<string, unknown>, secret = SECRET): string =>
  jwt.sign({ sub: 'ekonomi-1', name: 'Eva Ekonom', role: 'finance', iat: T0, exp: T0 + 3600, ...claims }, secret, { algorithm: 'HS256' });

const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof Unauthenticated) return e.message;
    throw e;
  }
  throw new Error('accepted');
};

describe('TokenVerifier: verifyToken with a memo of the tokens it accepted', () => {
  afterEach(() => jest.restoreAllMocks());

  it('accepts a token again without checking its signature again, and answers the same actor (a copy)', () => {
    const verifier = new TokenVerifier(keys, config.auth);
    const token = sign({});
    const verify = jest.spyOn(jwt, 'verify');
    const first = verifier.verify(token, at(T0 + 10));
    const again = verifier.verify(token, at(T0 + 20));
    expect(again).toEqual({ sub: 'ekonomi-1', name: 'Eva Ekonom', role: 'finance' });
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('refuses a remembered token once it has expired, with verifyToken\'s own reason', () => {
    const verifier = new TokenVerifier(keys, config.auth);
    const token = sign({});
    verifier.verify(token, at(T0 + 10));
    expect(refusal(() => verifier.verify(token, at(T0 + 3600)))).toBe('Token avvisades: den har gått ut.');
    expect(refusal(() => verifier.verify(token, at(T0 + 3599 + 7200)))).toBe('Token avvisades: den har gått ut.');
    expect(verifier.verify(token, at(T0 + 3599))).toMatchObject({ sub: 'ekonomi-1' });
  });

  it('refuses a remembered token at an instant before its nbf or long before its iat', () => {
    const verifier = new TokenVerifier(keys, config.auth);
    const token = sign({ nbf: T0 + 100 });
    verifier.verify(token, at(T0 + 100));
    expect(refusal(() => verifier.verify(token, at(T0 + 99)))).toBe('Token avvisades: den gäller inte än (nbf).');
    const early = sign({});
    verifier.verify(early, at(T0));
    expect(refusal(() => verifier.verify(early, at(T0 - 61)))).toBe('Token avvisades: den är utfärdad i framtiden (iat).');
  });

  it('remembers only the exact token: another signature or another payload is checked (and refused)', () => {
    const verifier = new TokenVerifier(keys, config.auth);
    const token = sign({});
    verifier.verify(token, at(T0 + 10));
    const [header, payload] = token.split('.');
    expect(refusal(() => verifier.verify(`${header}.${payload}.${sign({}, 'another-secret-that-is-long-enough-0123456789').split('.')[2]}`, at(T0 + 10)))).toBe(
      'Token avvisades: ogiltig signatur.',
    );
    const forged = Buffer.from(JSON.stringify({ ...(jwt.decode(token) as object), role: 'secretariat' })).toString('base64url');
    expect(refusal(() => verifier.verify(`${header}.${forged}.${token.split('.')[2]}`, at(T0 + 10)))).toBe('Token avvisades: ogiltig signatur.');
  });

  it('forgets the oldest token beyond its capacity, and checks it again when it comes back', () => {
    const verifier = new TokenVerifier(keys, config.auth, 2);
    const tokens = ['a', 'b', 'c'].map((sub) => sign({ sub }));
    for (const t of tokens) verifier.verify(t, at(T0 + 10));
    const verify = jest.spyOn(jwt, 'verify');
    verifier.verify(tokens[2]!, at(T0 + 10));
    expect(verify).toHaveBeenCalledTimes(0);
    verifier.verify(tokens[0]!, at(T0 + 10));
    expect(verify).toHaveBeenCalledTimes(1);
  });
});
