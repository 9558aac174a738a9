/**
 * Bearer tokens for the bench's requests: HS256 JWTs signed with the bench's own secret (given to
 * the real app as DGR_JWT_SECRET), carrying the actor claims the events record (sub, name, role,
 * party). A clerk registers its own party's decisions; the secretariat proposes initiatives; finance deposits. The
 * bare endpoint gets the same headers, so both targets receive the same bytes.
 */
import { createHmac } from 'node:crypto';

export const BENCH_JWT_SECRET = 'dgr-bench-only-secret-0123456789abcdef';

const base64url = (json: unknown): string => Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');

const hs256 = (claims: Record<string, unknown>): string => {
  const now = Math.floor(Date.now() / 1000);
  const signed = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ ...claims, iat: now, exp: now + 3600 })}`;
  return `${signed}.${createHmac('sha256', BENCH_JWT_SECRET).update(signed).digest('base64url')}`;
};

export const clerkAuthorization = (party: string): string =>
  `Bearer ${hs256({ sub: `bench-clerk-${party}`, name: `Registrator ${party}`, role: 'clerk', party })}`;

export const secretariatAuthorization = (): string =>
  `Bearer ${hs256({ sub: 'bench-secretariat', name: 'Sekretariatet', role: 'secretariat' })}`;

export const auditorAuthorization = (): string => `Bearer ${hs256({ sub: 'bench-auditor', name: 'Revisor', role: 'auditor' })}`;

export const financeAuthorization = (): string => `Bearer ${hs256({ sub: 'bench-finance', name: 'Ekonomi', role: 'finance' })}`;
