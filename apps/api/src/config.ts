import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEFAULT_SIE_ACCOUNTS, type SieAccounts } from '@dgr/application';
import { isPartyId, PARTY_IDS, type PartyId } from '@dgr/domain';
import { operationsConfigOf, type OperationsConfig } from './operations/operations-config';

/**
 * The service's configuration: the only place that reads process.env. Every value is checked at
 * boot; a bad one stops the start with a message naming the variable.
 */
export interface Config {
  /** TCP port of the HTTP API. `PORT`, default 3000. */
  readonly port: number;
  /** The embedded store's file. `DGR_SQLITE_FILE`, default `./data/dgr.sqlite`. */
  readonly sqliteFile: string;
  /** Which event store holds the log: `DGR_STORE` (docs/operations.md). */
  readonly store: StoreConfig;
  readonly auth: AuthConfig;
  /** Requests per minute per token subject. `DGR_RATE_LIMIT_PER_MINUTE`, default 600; 0 turns it off. */
  readonly rateLimitPerMinute: number;
  /** Origins allowed by CORS. `DGR_CORS_ORIGINS`, comma-separated; empty (default): CORS closed. */
  readonly corsOrigins: readonly string[];
  /** The BAS accounts of the fund's SIE export (`dgr export --format sie`). */
  readonly sieAccounts: SieAccounts;
  /** Signed checkpoints of the log (docs/audit.md). */
  readonly audit: AuditConfig;
  /**
   * Grants wait until the initiative's consensus is final (laga kraft: every approval past its appeal
   * window, no appeal pending). `DGR_REQUIRE_FINAL_CONSENSUS`, `true` or `false` (default).
   */
  readonly requireFinalConsensus: boolean;
  /** Reminders by e-mail (`dgr remind`, GET /api/reminders; docs/reminders.md). */
  readonly mail: MailConfig;
  /** Sign-in to the web pages (docs/web.md). */
  readonly web: WebConfig;
  readonly operations: OperationsConfig;
}

/** Sign-in to the web pages: sessions, OpenID Connect, and the local conveniences. */
export interface WebConfig {
  /**
   * The key session cookies are signed with: `DGR_SESSION_SECRET` (at least 32 characters; set the same one
   * on every instance), or else `session-secret` in the data folder, created on first start (owner-only).
   */
  readonly sessionKey: { readonly kind: 'secret'; readonly secret: string } | { readonly kind: 'local-secret-file'; readonly file: string };
  /** How long a session lasts. `DGR_SESSION_HOURS`, default 8. */
  readonly sessionHours: number;
  /** Cookies only over HTTPS. `DGR_SECURE_COOKIES`, default true when NODE_ENV=production. */
  readonly secureCookies: boolean;
  /** The region's identity provider; null when `DGR_OIDC_ISSUER` is unset (then a pasted token signs in). */
  readonly oidc: OidcConfig | null;
  /**
   * Sign in as any role without authentication, for local trials only. `DGR_WEB_DEV_SIGN_IN`, default false;
   * refused when NODE_ENV=production.
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

export interface MailConfig {
  /** `DGR_SMTP_URL`: `smtp://[user:pass@]host[:port]` or `smtps://…` (TLS from the start); null when unset. */
  readonly smtpUrl: string | null;
  /** The sender of reminders. `DGR_MAIL_FROM`, default `DGR <dgr@localhost>`. */
  readonly from: string;
  /** Each party's contact address: `DGR_PARTY_CONTACTS`, a JSON object `{ "1780": "registrator@karlstad.se" }` or a path to one. */
  readonly contacts: Readonly<Partial<Record<PartyId, string>>>;
}

export interface AuditConfig {
  /**
   * The Ed25519 key checkpoints are signed with: `DGR_AUDIT_SIGNING_KEY` (a PKCS#8 PEM private key, or a path
   * to one), or else `audit-signing-key.pem` in the data folder, created on first start (owner-only).
   */
  readonly key: { readonly kind: 'pem'; readonly privateKeyPem: string } | { readonly kind: 'local-key-file'; readonly file: string };
  /** The checkpoints' origin line. `DGR_AUDIT_ORIGIN`, default `dgr`. */
  readonly origin: string;
}

/**
 * The SIE export's BAS accounts (libs/application/src/exports/sie.ts): `DGR_SIE_FUND_ACCOUNT` (default 1930),
 * `DGR_SIE_DEPOSIT_ACCOUNT` (2071), `DGR_SIE_PAYOUT_ACCOUNT` (2072), `DGR_SIE_RETURN_ACCOUNT` (2073).
 */
export type { SieAccounts };

export type JwtKeyConfig =
  /** HS256 with `DGR_JWT_SECRET`. */
  | { readonly kind: 'secret'; readonly secret: string }
  /** RS256 or ES256 with `DGR_JWT_PUBLIC_KEY` (the PEM itself or a path to it), for the region's identity provider. */
  | { readonly kind: 'public-key'; readonly publicKeyPem: string; readonly algorithm: 'RS256' | 'ES256' }
  /** Neither set: a secret in the data folder, created on first start (local use). */
  | { readonly kind: 'local-secret-file'; readonly file: string };

export interface AuthConfig {
  readonly key: JwtKeyConfig;
  /** Checked when set: `DGR_JWT_ISSUER`. */
  readonly issuer?: string;
  /** Checked when set: `DGR_JWT_AUDIENCE`. */
  readonly audience?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const dataFolderOf = (sqliteFile: string): string => {
  const slash = sqliteFile.lastIndexOf('/');
  return slash < 0 ? '.' : sqliteFile.slice(0, slash) || '/';
};

const jwtKey = (env: NodeJS.ProcessEnv, sqliteFile: string): JwtKeyConfig => {
  const secret = env.DGR_JWT_SECRET;
  const publicKey = env.DGR_JWT_PUBLIC_KEY?.trim();
  if (secret !== undefined && publicKey)
    throw new ConfigError('DGR_JWT_SECRET', 'set either DGR_JWT_SECRET (HS256) or DGR_JWT_PUBLIC_KEY (RS256/ES256), not both');
  if (secret !== undefined) {
    if (secret.length < 32) throw new ConfigError('DGR_JWT_SECRET', 'must be at least 32 characters long');
    return { kind: 'secret', secret };
  }
  if (publicKey) {
    let pem: string;
    try {
      pem = publicKey.startsWith('-----BEGIN') ? publicKey : readFileSync(publicKey, 'utf8');
    } catch (e) {
      throw new ConfigError('DGR_JWT_PUBLIC_KEY', `cannot read the key file ${publicKey}: ${(e as Error).message}`);
    }
    let key;
    try {
      key = createPublicKey(pem);
    } catch (e) {
      throw new ConfigError('DGR_JWT_PUBLIC_KEY', `is not a PEM public key: ${(e as Error).message}`);
    }
    if (key.asymmetricKeyType === 'rsa') return { kind: 'public-key', publicKeyPem: pem, algorithm: 'RS256' };
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
      return { kind: 'public-key', publicKeyPem: pem, algorithm: 'ES256' };
    throw new ConfigError('DGR_JWT_PUBLIC_KEY', 'must be an RSA key (RS256) or an EC P-256 key (ES256)');
  }
  return { kind: 'local-secret-file', file: `${dataFolderOf(sqliteFile)}/jwt-secret` };
};

const optional = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

const flag = (env: NodeJS.ProcessEnv, variable: string, fallback: boolean): boolean => {
  const raw = env[variable]?.trim().toLowerCase() ?? '';
  if (raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(variable, `must be true or false, got "${env[variable]}"`);
};

const sieAccounts = (env: NodeJS.ProcessEnv): SieAccounts => {
  const account = (variable: string, fallback: string): string => {
    const value = env[variable]?.trim() || fallback;
    if (!/^[1-8]\d{3}$/.test(value)) throw new ConfigError(variable, `must be a four-digit BAS account number (1000–8999), got "${env[variable]}"`);
    return value;
  };
  const accounts = {
    fund: account('DGR_SIE_FUND_ACCOUNT', DEFAULT_SIE_ACCOUNTS.fund),
    deposit: account('DGR_SIE_DEPOSIT_ACCOUNT', DEFAULT_SIE_ACCOUNTS.deposit),
    payout: account('DGR_SIE_PAYOUT_ACCOUNT', DEFAULT_SIE_ACCOUNTS.payout),
    return: account('DGR_SIE_RETURN_ACCOUNT', DEFAULT_SIE_ACCOUNTS.return),
  };
  const others: Array<[string, string]> = [['DGR_SIE_DEPOSIT_ACCOUNT', accounts.deposit], ['DGR_SIE_PAYOUT_ACCOUNT', accounts.payout], ['DGR_SIE_RETURN_ACCOUNT', accounts.return]];
  for (const [variable, value] of others)
    if (value === accounts.fund) throw new ConfigError(variable, `must differ from DGR_SIE_FUND_ACCOUNT (${accounts.fund})`);
  return accounts;
};

const auditConfig = (env: NodeJS.ProcessEnv, sqliteFile: string): AuditConfig => {
  const origin = env.DGR_AUDIT_ORIGIN?.trim() || 'dgr';
  if (!/^[^\s+]{1,255}$/u.test(origin) || /\p{Cc}/u.test(origin))
    throw new ConfigError('DGR_AUDIT_ORIGIN', `must be one line without spaces or "+" (e.g. dgr.regionvarmland.se/log), got "${env.DGR_AUDIT_ORIGIN}"`);
  const given = env.DGR_AUDIT_SIGNING_KEY?.trim();
  if (!given) return { key: { kind: 'local-key-file', file: `${dataFolderOf(sqliteFile)}/audit-signing-key.pem` }, origin };
  let pem: string;
  try {
    pem = given.startsWith('-----BEGIN') ? given : readFileSync(given, 'utf8');
  } catch (e) {
    throw new ConfigError('DGR_AUDIT_SIGNING_KEY', `cannot read the key file ${given}: ${(e as Error).message}`);
  }
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch (e) {
    throw new ConfigError('DGR_AUDIT_SIGNING_KEY', `is not a PEM private key (PKCS#8): ${(e as Error).message}`);
  }
  if (type !== 'ed25519') throw new ConfigError('DGR_AUDIT_SIGNING_KEY', `must be an Ed25519 private key, got ${String(type)}`);
  return { key: { kind: 'pem', privateKeyPem: pem }, origin };
};

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)*$/u;

/** A plain e-mail address (`registrator@karlstad.se`): no display name, no spaces. */
export const isEmailAddress = (value: unknown): value is string => typeof value === 'string' && value.length <= 254 && EMAIL.test(value);

/** The SMTP URL with its password replaced by `***`, for messages and logs. */
export const redactSmtpUrl = (raw: string): string => {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(an unparsable URL)';
  }
};

const mailConfig = (env: NodeJS.ProcessEnv): MailConfig => {
  const rawUrl = env.DGR_SMTP_URL?.trim() || null;
  if (rawUrl !== null) {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw new ConfigError('DGR_SMTP_URL', 'must be a URL like smtp://localhost:25 or smtps://user:password@mail.example.se:465');
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
      throw new ConfigError('DGR_SMTP_URL', `must use the scheme smtp:// or smtps://, got ${url.protocol}//`);
    if (url.hostname === '') throw new ConfigError('DGR_SMTP_URL', 'must name the mail server\'s host, e.g. smtp://localhost:25');
  }
  const from = env.DGR_MAIL_FROM?.trim() || 'DGR <dgr@localhost>';
  const named = /^([^<>\r\n]*)<([^<>\s]+)>$/.exec(from);
  if (!isEmailAddress(named ? named[2] : from))
    throw new ConfigError('DGR_MAIL_FROM', `must be an address like dgr@regionvarmland.se or "DGR <dgr@regionvarmland.se>", got "${env.DGR_MAIL_FROM}"`);
  return { smtpUrl: rawUrl, from, contacts: partyContacts(env.DGR_PARTY_CONTACTS) };
};

/** `DGR_PARTY_CONTACTS`: inline JSON (starting with `{`) or a path to a JSON file, `{ "<SCB code>": "address" }`. */
const partyContacts = (given: string | undefined): Partial<Record<PartyId, string>> => {
  const value = given?.trim();
  if (!value) return {};
  let text = value;
  if (!value.startsWith('{')) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (e) {
      throw new ConfigError('DGR_PARTY_CONTACTS', `cannot read the contacts file ${value}: ${(e as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('DGR_PARTY_CONTACTS', `is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError('DGR_PARTY_CONTACTS', 'must be a JSON object from SCB code to e-mail address, e.g. {"1780": "registrator@karlstad.se"}');
  const contacts: Partial<Record<PartyId, string>> = {};
  for (const [code, address] of Object.entries(parsed as Record<string, unknown>)) {
    if (!isPartyId(code))
      throw new ConfigError('DGR_PARTY_CONTACTS', `"${code}" is not a party's SCB code (${PARTY_IDS.join(', ')})`);
    const trimmed = typeof address === 'string' ? address.trim() : address;
    if (!isEmailAddress(trimmed))
      throw new ConfigError('DGR_PARTY_CONTACTS', `the address of ${code} must be one e-mail address like registrator@karlstad.se, got ${JSON.stringify(address)}`);
    contacts[code] = trimmed;
  }
  return contacts;
};

/**
 * `DGR_STORE=sqlite` (default): the embedded store in `DGR_SQLITE_FILE`. `DGR_STORE=eventstoredb`: an EventStoreDB
 * (KurrentDB) server or cluster at `EVENTSTORE_CONNECTION_STRING` (`esdb://host:2113?tls=false`,
 * `esdb://a:2113,b:2113,c:2113`, `esdb+discover://cluster.dns:2113`). Secrets and keys stay in the
 * `DGR_SQLITE_FILE` folder either way.
 */
export type StoreConfig = { readonly kind: 'sqlite' } | { readonly kind: 'eventstoredb'; readonly connectionString: string };

const storeConfig = (env: NodeJS.ProcessEnv): StoreConfig => {
  const kind = env.DGR_STORE?.trim().toLowerCase() || 'sqlite';
  const connectionString = env.EVENTSTORE_CONNECTION_STRING?.trim() || '';
  if (kind === 'sqlite') return { kind };
  if (kind !== 'eventstoredb') throw new ConfigError('DGR_STORE', `must be sqlite or eventstoredb, got "${env.DGR_STORE}"`);
  if (connectionString === '')
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'must be set when DGR_STORE=eventstoredb, e.g. esdb://localhost:2113?tls=false');
  if (!/^esdb(\+discover)?:\/\/\S+$/.test(connectionString))
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'must be a connection string like esdb://localhost:2113?tls=false or esdb+discover://cluster.dns:2113');
  return { kind, connectionString };
};

/** Reads the environment; `overrides` (e.g. a command's `--file`) win over it. */
export const loadConfig = (source: NodeJS.ProcessEnv = process.env, overrides: Record<string, string | undefined> = {}): Config => {
  const env: NodeJS.ProcessEnv = { ...source };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) env[k] = v;
  const rawPort = env.PORT?.trim() || '3000';
  if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65535)
    throw new ConfigError('PORT', `must be a whole number from 0 to 65535, got "${env.PORT}"`);
  const sqliteFile = env.DGR_SQLITE_FILE === undefined ? './data/dgr.sqlite' : env.DGR_SQLITE_FILE.trim();
  if (sqliteFile === '') throw new ConfigError('DGR_SQLITE_FILE', 'must be a file path, got an empty value');
  const rawRate = env.DGR_RATE_LIMIT_PER_MINUTE?.trim() || '600';
  if (!/^\d+$/.test(rawRate))
    throw new ConfigError('DGR_RATE_LIMIT_PER_MINUTE', `must be a whole number (0 turns the limit off), got "${env.DGR_RATE_LIMIT_PER_MINUTE}"`);
  const corsOrigins = (env.DGR_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of corsOrigins)
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      throw new ConfigError('DGR_CORS_ORIGINS', `"${origin}" is not an origin like https://dgr.example.se`);
  return {
    port: Number(rawPort),
    sqliteFile,
    store: storeConfig(env),
    auth: { key: jwtKey(env, sqliteFile), issuer: optional(env.DGR_JWT_ISSUER), audience: optional(env.DGR_JWT_AUDIENCE) },
    rateLimitPerMinute: Number(rawRate),
    corsOrigins,
    sieAccounts: sieAccounts(env),
    audit: auditConfig(env, sqliteFile),
    requireFinalConsensus: flag(env, 'DGR_REQUIRE_FINAL_CONSENSUS', false),
    mail: mailConfig(env),
    web: webConfig(env, sqliteFile),
    operations: operationsConfigOf(env, (variable, message) => new ConfigError(variable, message)),
  };
};

const CLAIM = /^[A-Za-z_][A-Za-z0-9_.:/-]{0,127}$/;

const webConfig = (env: NodeJS.ProcessEnv, sqliteFile: string): WebConfig => {
  const production = env.NODE_ENV?.trim() === 'production';
  const secret = env.DGR_SESSION_SECRET;
  if (secret !== undefined && secret.length < 32) throw new ConfigError('DGR_SESSION_SECRET', 'must be at least 32 characters long');
  const rawHours = env.DGR_SESSION_HOURS?.trim() || '8';
  if (!/^\d+$/.test(rawHours) || Number(rawHours) < 1 || Number(rawHours) > 24)
    throw new ConfigError('DGR_SESSION_HOURS', `must be a whole number of hours from 1 to 24, got "${env.DGR_SESSION_HOURS}"`);
  const devSignIn = flag(env, 'DGR_WEB_DEV_SIGN_IN', false);
  if (devSignIn && production)
    throw new ConfigError('DGR_WEB_DEV_SIGN_IN', 'signs in without authentication and is refused when NODE_ENV=production');
  return {
    sessionKey: secret !== undefined ? { kind: 'secret', secret } : { kind: 'local-secret-file', file: `${dataFolderOf(sqliteFile)}/session-secret` },
    sessionHours: Number(rawHours),
    secureCookies: flag(env, 'DGR_SECURE_COOKIES', production),
    oidc: oidcConfig(env),
    devSignIn,
  };
};

const oidcConfig = (env: NodeJS.ProcessEnv): OidcConfig | null => {
  const issuer = optional(env.DGR_OIDC_ISSUER);
  if (!issuer) {
    for (const variable of ['DGR_OIDC_CLIENT_ID', 'DGR_OIDC_CLIENT_SECRET'])
      if (optional(env[variable])) throw new ConfigError('DGR_OIDC_ISSUER', `must be set when ${variable} is (the provider's issuer URL)`);
    return null;
  }
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError('DGR_OIDC_ISSUER', `must be the provider's issuer URL, like https://login.regionvarmland.se, got "${issuer}"`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local))
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
    allowInsecureRequests: url.protocol === 'http:',
  };
};
