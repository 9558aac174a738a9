import { ConfigError } from './config-error';
import { flag, optional, wholeNumber, type Env } from './parse';

/** The rest of the service's settings: its port, CORS, the rate limit, and the grant policy. */
export interface ServiceSection {
  readonly port: number;
  readonly rateLimitPerMinute: number;
  readonly rateLimitAnonymousPerMinute: number;
  readonly trustProxy: number | string | undefined;
  readonly corsOrigins: readonly string[];
  readonly requireFinalConsensus: boolean;
}

/** `PORT`, `DGR_RATE_LIMIT_PER_MINUTE`, `DGR_RATE_LIMIT_ANONYMOUS_PER_MINUTE`, `DGR_TRUST_PROXY`, `DGR_CORS_ORIGINS`, `DGR_REQUIRE_FINAL_CONSENSUS`. */
export const serviceSection = (env: Env): ServiceSection => {
  const port = wholeNumber(env, 'PORT', { fallback: 3000, min: 0, max: 65535, what: 'a whole number from 0 to 65535' });
  const rateLimitPerMinute = wholeNumber(env, 'DGR_RATE_LIMIT_PER_MINUTE', {
    fallback: 600,
    min: 0,
    max: Infinity,
    what: 'a whole number (0 turns the limit off)',
  });
  const rateLimitAnonymousPerMinute = wholeNumber(env, 'DGR_RATE_LIMIT_ANONYMOUS_PER_MINUTE', {
    fallback: 300,
    min: 0,
    max: Infinity,
    what: 'a whole number (0 turns the limit off)',
  });
  const rawTrustProxy = optional(env.DGR_TRUST_PROXY);
  const trustProxy = rawTrustProxy !== undefined && /^\d+$/.test(rawTrustProxy) ? Number(rawTrustProxy) : rawTrustProxy;
  const corsOrigins = (env.DGR_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of corsOrigins)
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      throw new ConfigError('DGR_CORS_ORIGINS', `"${origin}" is not an origin like https://dgr.example.se`);
  return { port, rateLimitPerMinute, rateLimitAnonymousPerMinute, trustProxy, corsOrigins, requireFinalConsensus: flag(env, 'DGR_REQUIRE_FINAL_CONSENSUS', false) };
};
