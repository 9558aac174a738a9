import jwt from 'jsonwebtoken';
import { DomainError, isPartyId, isRole, type Actor, type Role } from '@dgr/domain';
import type { AuthConfig } from './tokens.config';
import type { TokenKeys } from './token-keys';

export class Unauthenticated extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'unauthenticated';
  readonly title = 'Inte inloggad';
}

/** How far in the future a token's `iat` may lie: the issuer's clock may run a little ahead of ours. */
export const TOKEN_CLOCK_SKEW_SECONDS = 60;

/**
 * Checks a bearer token and returns who it names. Refused (401): a wrong or missing signature, an
 * algorithm other than the configured one (so `alg: none` and HS256-against-RS256 fail), a `crit` header
 * (RFC 7515 §4.1.11: it names extensions the token must not be accepted without, and the service understands
 * none), no `exp` or an expired one, `nbf` in the future, no `iat` or one more than a minute in the future,
 * a lifetime (`exp` − `iat`) longer than DGR_TOKEN_MAX_DAYS, a wrong issuer or audience, missing claims, or a
 * clerk without a party.
 */
export const verifyToken = (token: string, keys: TokenKeys, auth: AuthConfig, now: Date = new Date()): Actor => {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  let header: jwt.JwtHeader;
  let payload: jwt.JwtPayload;
  try {
    const decoded = jwt.verify(token, keys.verifyKey, {
      algorithms: [keys.algorithm],
      issuer: auth.issuer,
      audience: auth.audience,
      clockTimestamp: nowSeconds,
      complete: true,
    });
    if (typeof decoded.payload === 'string') throw new Error('payload is not a JSON object');
    header = decoded.header;
    payload = decoded.payload;
  } catch (e) {
    throw new Unauthenticated(`Token avvisades: ${reasonOf(e)}.`);
  }
  if (Object.prototype.hasOwnProperty.call(header, 'crit'))
    throw new Unauthenticated('Token avvisades: den kräver tillägg (crit) som tjänsten inte förstår.');
  if (typeof payload.exp !== 'number') throw new Unauthenticated('Token avvisades: den saknar giltighetstid (exp).');
  if (typeof payload.iat !== 'number') throw new Unauthenticated('Token avvisades: den saknar utfärdandetid (iat).');
  if (payload.iat > nowSeconds + TOKEN_CLOCK_SKEW_SECONDS) throw new Unauthenticated('Token avvisades: den är utfärdad i framtiden (iat).');
  if (payload.exp - payload.iat > auth.maxTokenDays * 86_400)
    throw new Unauthenticated(`Token avvisades: den gäller längre än ${auth.maxTokenDays} dagar (exp − iat).`);
  const { sub, name, role, party } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.trim() === '') throw new Unauthenticated('Token avvisades: sub saknas.');
  if (typeof name !== 'string' || name.trim() === '') throw new Unauthenticated('Token avvisades: name saknas.');
  if (!isRole(role)) throw new Unauthenticated('Token avvisades: role måste vara secretariat, clerk, finance eller auditor.');
  if (role === 'clerk') {
    if (!isPartyId(party)) throw new Unauthenticated('Token avvisades: en registrators token måste ange sin part (party).');
    return { sub, name, role, party };
  }
  return { sub, name, role };
};

/** The claims of an accepted token that decide whether it is still accepted at a later instant. */
interface Accepted {
  readonly actor: Actor;
  readonly exp: number;
  readonly iat: number;
  readonly nbf: number | null;
}

/** How many accepted tokens a TokenVerifier remembers by default. */
export const VERIFIED_TOKENS_CAPACITY = 1024;

/**
 * verifyToken with a memo of the tokens it accepted, for the requests of a process: checking a signature is
 * the costly part of a request's authentication (an HMAC or an RSA/ECDSA verification, with jsonwebtoken's
 * parsing around it), and a client sends the same token again and again. Only the exact token string that was
 * accepted is remembered, and each time it is presented again the checks that depend on the time are made
 * again (`exp`, `nbf`, `iat` in the future): once one fails, the token is forgotten and verifyToken refuses it
 * with its own reason. Keys, issuer and audience are fixed for the verifier's life. Bounded: the oldest
 * remembered token is forgotten first.
 */
export class TokenVerifier {
  private readonly accepted = new Map<string, Accepted>();

  constructor(
    private readonly keys: TokenKeys,
    private readonly auth: AuthConfig,
    readonly capacity: number = VERIFIED_TOKENS_CAPACITY,
  ) {}

  verify(token: string, now: Date = new Date()): Actor {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const known = this.accepted.get(token);
    if (known) {
      if (nowSeconds < known.exp && (known.nbf === null || known.nbf <= nowSeconds) && known.iat <= nowSeconds + TOKEN_CLOCK_SKEW_SECONDS)
        return { ...known.actor };
      this.accepted.delete(token);
    }
    const actor = verifyToken(token, this.keys, this.auth, now);
    // Accepted: exp and iat are numbers (verifyToken checked), nbf a number when present (jsonwebtoken checked).
    const { exp, iat, nbf } = jwt.decode(token, { json: true }) as { exp: number; iat: number; nbf?: number };
    if (this.capacity > 0) {
      if (this.accepted.size >= this.capacity) this.accepted.delete(this.accepted.keys().next().value!);
      this.accepted.set(token, { actor: { ...actor }, exp, iat, nbf: typeof nbf === 'number' ? nbf : null });
    }
    return actor;
  }
}

const reasonOf = (e: unknown): string => {
  if (e instanceof jwt.TokenExpiredError) return 'den har gått ut';
  if (e instanceof jwt.NotBeforeError) return 'den gäller inte än (nbf)';
  const message = e instanceof Error ? e.message : String(e);
  if (/issuer/.test(message)) return 'fel utfärdare (iss)';
  if (/audience/.test(message)) return 'fel mottagare (aud)';
  if (/signature/.test(message)) return 'ogiltig signatur';
  if (/algorithm/.test(message)) return 'otillåten algoritm';
  return 'den är inte en giltig JWT';
};

export interface TokenRequest {
  readonly sub: string;
  readonly name: string;
  readonly role: Role;
  readonly party?: string;
  readonly days: number;
}

/** Signs a token with the local HS256 secret (for `dgr token` and tests); never one living longer than DGR_TOKEN_MAX_DAYS. */
export const signToken = (request: TokenRequest, keys: TokenKeys, auth: AuthConfig): string => {
  if (!keys.signKey)
    throw new Error('The service checks tokens from an identity provider (DGR_JWT_PUBLIC_KEY); it cannot sign tokens itself.');
  if (!(request.days > 0 && request.days <= auth.maxTokenDays))
    throw new RangeError(`A token lives more than 0 and at most ${auth.maxTokenDays} days (DGR_TOKEN_MAX_DAYS), not ${request.days}.`);
  const claims: Record<string, unknown> = { name: request.name, role: request.role };
  if (request.party !== undefined) claims.party = request.party;
  return jwt.sign(claims, keys.signKey, {
    algorithm: keys.algorithm,
    subject: request.sub,
    expiresIn: Math.round(request.days * 86_400),
    ...(auth.issuer ? { issuer: auth.issuer } : {}),
    ...(auth.audience ? { audience: auth.audience } : {}),
  });
};
