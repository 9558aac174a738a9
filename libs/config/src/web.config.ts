import { ConfigError } from './config-error';
import { dataFolderOf, flag, isProduction, optional, url, wholeNumber, type Env } from './parse';

/** Sign-in to the web pages: sessions, OpenID Connect, and the local conveniences. */
export interface WebConfig {
  /**
   * The key session cookies are signed with: `DGR_SESSION_SECRET` (at least 32 characters; set the same one
   * on every instance), or else `session-secret` in the data folder, created on first start (owner-only).
   */
  readonly sessionKey: { readonly kind: 'secret'; readonly secret: string } | { readonly kind: 'local-secret-file'; readonly file: string };
  /** How long a session lasts. `DGR_SESSION_HOURS`, default 8. */
  readonly sessionHours: number;
  /** Cookies only over HTTPS. `DGR_SECURE_COOKIES`, default true in production (NODE_ENV=production, any case). */
  readonly secureCookies: boolean;
  /** The region's identity provider; null when `DGR_OIDC_ISSUER` is unset (then a pasted token signs in). */
  readonly oidc: OidcConfig | null;
  /**
   * Sign in as any role without authentication, for local trials only. `DGR_WEB_DEV_SIGN_IN`, default false;
   * refused in production (NODE_ENV=production, any case).
   */
  readonly devSignIn: boolean;
}

export interface OidcConfig {
  /** `DGR_OIDC_ISSUER`: the provider's issuer URL (its discovery document is read from it). */
  readonly issuer: string;
  /** `DGR_OIDC_CLIENT_ID` and `DGR_OIDC_CLIENT_SECRET`: this service as the provider knows it. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** `DGR_OIDC_REDIRECT_URI`: where the provider sends the user back; default `<this origin>/auth/callback`. */
  readonly redirectUri?: string;
  /** `DGR_OIDC_SCOPES`, default `openid profile`. */
  readonly scopes: string;
  /** The claims that carry the role and the party (`DGR_OIDC_ROLE_CLAIM`, default `dgr_role`; `DGR_OIDC_PARTY_CLAIM`, default `dgr_party`). */
  readonly roleClaim: string;
  readonly partyClaim: string;
  /** Plain http to the provider: only for a provider on localhost (tests, trials). */
  readonly allowInsecureRequests: boolean;
}

/** The web section: `DGR_SESSION_SECRET`, `DGR_SESSION_HOURS`, `DGR_SECURE_COOKIES`, `DGR_WEB_DEV_SIGN_IN`, and OIDC. */
export const webSection = (env: Env, sqliteFile: string): WebConfig => {
  const production = isProduction(env);
  const secret = env.DGR_SESSION_SECRET;
  if (secret !== undefined && secret.length < 32) throw new ConfigError('DGR_SESSION_SECRET', 'must be at least 32 characters long');
  const sessionHours = wholeNumber(env, 'DGR_SESSION_HOURS', { fallback: 8, min: 1, max: 24, what: 'a whole number of hours from 1 to 24' });
  const devSignIn = flag(env, 'DGR_WEB_DEV_SIGN_IN', false);
  if (devSignIn && production)
    throw new ConfigError('DGR_WEB_DEV_SIGN_IN', 'signs in without authentication and is refused when NODE_ENV=production');
  return {
    sessionKey: secret !== undefined ? { kind: 'secret', secret } : { kind: 'local-secret-file', file: `${dataFolderOf(sqliteFile)}/session-secret` },
    sessionHours,
    secureCookies: flag(env, 'DGR_SECURE_COOKIES', production),
    oidc: oidcSection(env),
    devSignIn,
  };
};

const CLAIM = /^[A-Za-z_][A-Za-z0-9_.:/-]{0,127}$/;

/** The OpenID Connect provider: `DGR_OIDC_*`; null when `DGR_OIDC_ISSUER` is unset. */
const oidcSection = (env: Env): OidcConfig | null => {
  const issuer = optional(env.DGR_OIDC_ISSUER);
  if (!issuer) {
    for (const variable of ['DGR_OIDC_CLIENT_ID', 'DGR_OIDC_CLIENT_SECRET'])
      if (optional(env[variable])) throw new ConfigError('DGR_OIDC_ISSUER', `must be set when ${variable} is (the provider's issuer URL)`);
    return null;
  }
  const parsed = url('DGR_OIDC_ISSUER', issuer, `must be the provider's issuer URL, like https://login.regionvarmland.se, got "${issuer}"`);
  const local = parsed.hostname === 'localhost' || parsed.hostname === '127.0.0.1' || parsed.hostname === '[::1]';
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && local))
    throw new ConfigError('DGR_OIDC_ISSUER', `must use https:// (plain http only for a provider on localhost), got "${issuer}"`);
  const clientId = optional(env.DGR_OIDC_CLIENT_ID);
  if (!clientId) throw new ConfigError('DGR_OIDC_CLIENT_ID', 'must be set with DGR_OIDC_ISSUER (the client id the provider gave this service)');
  const clientSecret = optional(env.DGR_OIDC_CLIENT_SECRET);
  if (!clientSecret) throw new ConfigError('DGR_OIDC_CLIENT_SECRET', 'must be set with DGR_OIDC_ISSUER (the client secret the provider gave this service)');
  const redirectUri = optional(env.DGR_OIDC_REDIRECT_URI);
  if (redirectUri !== undefined && !/^https?:\/\/[^/\s]+\/\S*$/.test(redirectUri))
    throw new ConfigError('DGR_OIDC_REDIRECT_URI', `must be an absolute URL like https://dgr.regionvarmland.se/auth/callback, got "${redirectUri}"`);
  const scopes = optional(env.DGR_OIDC_SCOPES) ?? 'openid profile';
  if (!scopes.split(/\s+/).includes('openid')) throw new ConfigError('DGR_OIDC_SCOPES', `must include openid, got "${scopes}"`);
  const claim = (variable: string, fallback: string): string => {
    const value = optional(env[variable]) ?? fallback;
    if (!CLAIM.test(value)) throw new ConfigError(variable, `must be a claim name like ${fallback}, got "${value}"`);
    return value;
  };
  return {
    issuer,
    clientId,
    clientSecret,
    ...(redirectUri ? { redirectUri } : {}),
    scopes,
    roleClaim: claim('DGR_OIDC_ROLE_CLAIM', 'dgr_role'),
    partyClaim: claim('DGR_OIDC_PARTY_CLAIM', 'dgr_party'),
    allowInsecureRequests: parsed.protocol === 'http:',
  };
};
