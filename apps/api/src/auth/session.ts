import { createSecretKey, type KeyObject } from 'node:crypto';
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import { isPartyId, isRole, type Actor } from '@dgr/domain';
import { localSecret, Unauthenticated, type WebConfig } from '@dgr/config';

/** The web session: an HTTP-only, SameSite=Lax cookie holding a short JWT signed with the session key. */
export const SESSION_COOKIE = 'dgr_session';
/** The OpenID Connect sign-in in flight (state, nonce, PKCE verifier), for ten minutes. */
export const SIGN_IN_COOKIE = 'dgr_sign_in';

/** A session token is never an API token and vice versa: the audience tells them apart. */
const SESSION_AUDIENCE = 'dgr-web-session';
const SIGN_IN_AUDIENCE = 'dgr-web-sign-in';

export interface SessionSettings {
  readonly key: KeyObject;
  readonly hours: number;
  readonly secureCookies: boolean;
  /** Set when this start created the local session secret. */
  readonly createdFile: string | null;
}

export const resolveSessionSettings = (web: WebConfig): SessionSettings => {
  const { secret, createdFile } = web.sessionKey.kind === 'secret' ? { secret: web.sessionKey.secret, createdFile: null } : localSecret(web.sessionKey.file);
  return { key: createSecretKey(Buffer.from(secret, 'utf8')), hours: web.sessionHours, secureCookies: web.secureCookies, createdFile };
};

/** Signs a session for `actor`, ending at `expiresAt` (never later than the session length from `now`). */
export const signSession = (actor: Actor, settings: SessionSettings, now: Date, expiresAt?: Date): { value: string; expiresAt: Date } => {
  const longest = new Date(now.getTime() + settings.hours * 3_600_000);
  const end = expiresAt && expiresAt < longest ? expiresAt : longest;
  const claims: Record<string, unknown> = {
    name: actor.name,
    role: actor.role,
    iat: Math.floor(now.getTime() / 1000),
    exp: Math.floor(end.getTime() / 1000),
  };
  if (actor.party !== undefined) claims.party = actor.party;
  const value = jwt.sign(claims, settings.key, { algorithm: 'HS256', subject: actor.sub, audience: SESSION_AUDIENCE });
  return { value, expiresAt: end };
};

/** Who a session cookie names; refused (401) when it is forged, expired or malformed. */
export const verifySession = (value: string, settings: SessionSettings, now: Date = new Date()): Actor => {
  let payload: jwt.JwtPayload;
  try {
    const decoded = jwt.verify(value, settings.key, { algorithms: ['HS256'], audience: SESSION_AUDIENCE, clockTimestamp: Math.floor(now.getTime() / 1000) });
    if (typeof decoded === 'string') throw new Error('not an object');
    payload = decoded;
  } catch (e) {
    if (e instanceof jwt.TokenExpiredError) throw new Unauthenticated('Sessionen har gått ut. Logga in igen.');
    throw new Unauthenticated('Sessionen är ogiltig. Logga in igen.');
  }
  const { sub, name, role, party } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || typeof name !== 'string' || !isRole(role)) throw new Unauthenticated('Sessionen är ogiltig. Logga in igen.');
  if (role === 'clerk') {
    if (!isPartyId(party)) throw new Unauthenticated('Sessionen är ogiltig. Logga in igen.');
    return { sub, name, role, party };
  }
  return { sub, name, role };
};

/** What a sign-in through the identity provider must find again when the user comes back. */
export interface SignInInFlight {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** The local path to land on afterwards. */
  readonly next: string;
}

export const signSignIn = (flight: SignInInFlight, settings: SessionSettings): string =>
  jwt.sign({ ...flight }, settings.key, { algorithm: 'HS256', audience: SIGN_IN_AUDIENCE, expiresIn: 600 });

export const verifySignIn = (value: string, settings: SessionSettings): SignInInFlight | null => {
  try {
    const decoded = jwt.verify(value, settings.key, { algorithms: ['HS256'], audience: SIGN_IN_AUDIENCE });
    if (typeof decoded === 'string') return null;
    const { state, nonce, codeVerifier, next } = decoded as Record<string, unknown>;
    if (typeof state !== 'string' || typeof nonce !== 'string' || typeof codeVerifier !== 'string' || typeof next !== 'string') return null;
    return { state, nonce, codeVerifier, next: safeNext(next) };
  } catch {
    return null;
  }
};

/** A cookie of the request, or undefined. */
export const cookieOf = (req: Request, name: string): string | undefined => {
  const header = req.header('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
};

/** A `Set-Cookie` value: HTTP-only, SameSite=Lax, path /, Secure when configured; `maxAgeSeconds` 0 clears it. */
export const setCookie = (name: string, value: string, maxAgeSeconds: number, secure: boolean): string =>
  [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`, ...(secure ? ['Secure'] : [])].join('; ');

/** Only a local path is followed after sign-in (never `//evil.example` or `https://…`): anything else lands on `/`. */
export const safeNext = (next: unknown): string =>
  typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/auth/') ? next : '/';
