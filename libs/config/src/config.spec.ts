import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from './config-error';
import { loadConfig } from './config';

describe('configuration', () => {
  it('defaults: port 3000, ./data/dgr.sqlite, a local token secret beside it, 600 requests a minute (300 per address unsigned), CORS closed', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      sqliteFile: './data/dgr.sqlite',
      store: { kind: 'sqlite' },
      blobDir: './data/blobs',
      readModelFile: './data/read-models.sqlite',
      readModelSlots: true,
      readModelWorker: true,
      auth: { key: { kind: 'local-secret-file', file: './data/jwt-secret' }, issuer: undefined, audience: undefined, maxTokenDays: 30 },
      rateLimitPerMinute: 600,
      rateLimitAnonymousPerMinute: 300,
      trustProxy: undefined,
      corsOrigins: [],
      sieAccounts: { fund: '1930', deposit: '2071', payout: '2072', return: '2073' },
      audit: { key: { kind: 'local-key-file', file: './data/audit-signing-key.pem' }, origin: 'dgr' },
      mail: { smtpUrl: null, from: 'DGR <dgr@localhost>', contacts: {} },
      requireFinalConsensus: false,
      web: { sessionKey: { kind: 'local-secret-file', file: './data/session-secret' }, sessionHours: 8, secureCookies: false, oidc: null, devSignIn: false },
      public: { enabled: true, license: 'http://creativecommons.org/publicdomain/zero/1.0/', baseUrl: null, contactEmail: null },
      operations: { metrics: true, metricsPort: null, readyMaxLag: 100, shutdownGraceSeconds: 10, eventLoopResolutionMs: 10 },
    });
  });

  it('DGR_READ_MODEL_FILE: the persistent read models, beside the log by default (with either store), never the log itself', () => {
    expect(loadConfig({ DGR_READ_MODEL_FILE: '/fast/dgr-read-models.sqlite' }).readModelFile).toBe('/fast/dgr-read-models.sqlite');
    expect(loadConfig({ DGR_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false', DGR_SQLITE_FILE: '/srv/a/dgr.sqlite' }).readModelFile).toBe(
      '/srv/a/read-models.sqlite',
    );
    expect(() => loadConfig({ DGR_READ_MODEL_FILE: ' ' })).toThrow(/DGR_READ_MODEL_FILE/);
    expect(() => loadConfig({ DGR_SQLITE_FILE: '/srv/dgr.sqlite', DGR_READ_MODEL_FILE: '/srv/dgr.sqlite' })).toThrow(/DGR_READ_MODEL_FILE/);
  });

  it('takes PORT, DGR_SQLITE_FILE, the JWT settings (with DGR_TOKEN_MAX_DAYS), the rate limit and CORS origins', () => {
    const secret = 'x'.repeat(32);
    expect(
      loadConfig({
        PORT: '8080',
        DGR_SQLITE_FILE: '/var/lib/dgr/log.sqlite',
        DGR_JWT_SECRET: secret,
        DGR_JWT_ISSUER: 'https://idp.regionvarmland.se',
        DGR_JWT_AUDIENCE: 'dgr',
        DGR_TOKEN_MAX_DAYS: '7',
        DGR_RATE_LIMIT_PER_MINUTE: '60',
        DGR_RATE_LIMIT_ANONYMOUS_PER_MINUTE: '30',
        DGR_TRUST_PROXY: '1',
        DGR_CORS_ORIGINS: 'https://dgr.regionvarmland.se, http://localhost:5173',
      }),
    ).toEqual({
      port: 8080,
      sqliteFile: '/var/lib/dgr/log.sqlite',
      store: { kind: 'sqlite' },
      blobDir: '/var/lib/dgr/blobs',
      readModelFile: '/var/lib/dgr/read-models.sqlite',
      readModelSlots: true,
      readModelWorker: true,
      auth: { key: { kind: 'secret', secret }, issuer: 'https://idp.regionvarmland.se', audience: 'dgr', maxTokenDays: 7 },
      rateLimitPerMinute: 60,
      rateLimitAnonymousPerMinute: 30,
      trustProxy: 1,
      corsOrigins: ['https://dgr.regionvarmland.se', 'http://localhost:5173'],
      sieAccounts: { fund: '1930', deposit: '2071', payout: '2072', return: '2073' },
      audit: { key: { kind: 'local-key-file', file: '/var/lib/dgr/audit-signing-key.pem' }, origin: 'dgr' },
      mail: { smtpUrl: null, from: 'DGR <dgr@localhost>', contacts: {} },
      requireFinalConsensus: false,
      web: { sessionKey: { kind: 'local-secret-file', file: '/var/lib/dgr/session-secret' }, sessionHours: 8, secureCookies: false, oidc: null, devSignIn: false },
      public: { enabled: true, license: 'http://creativecommons.org/publicdomain/zero/1.0/', baseUrl: null, contactEmail: null },
      operations: { metrics: true, metricsPort: null, readyMaxLag: 100, shutdownGraceSeconds: 10, eventLoopResolutionMs: 10 },
    });
  });

  it('takes DGR_READ_MODEL_FILE; without it, read-models.sqlite beside the store, or in memory with a store in memory', () => {
    expect(loadConfig({ DGR_SQLITE_FILE: '/srv/dgr/log.sqlite', DGR_READ_MODEL_FILE: ' /fast/dgr-read.sqlite ' }).readModelFile).toBe('/fast/dgr-read.sqlite');
    expect(loadConfig({ DGR_SQLITE_FILE: 'log.sqlite' }).readModelFile).toBe('./read-models.sqlite');
    expect(loadConfig({ DGR_SQLITE_FILE: ':memory:' }).readModelFile).toBe(':memory:');
    expect(loadConfig({ DGR_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' }).readModelFile).toBe('./data/read-models.sqlite');
  });

  it('readModelSlots: only the default file lets a second instance take the next slot (ADR 0020); a file set explicitly is one instance’s', () => {
    expect(loadConfig({ DGR_SQLITE_FILE: '/srv/dgr/log.sqlite' }).readModelSlots).toBe(true);
    expect(loadConfig({ DGR_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' }).readModelSlots).toBe(true);
    expect(loadConfig({ DGR_SQLITE_FILE: '/srv/dgr/log.sqlite', DGR_READ_MODEL_FILE: '/srv/dgr/read-models.sqlite' }).readModelSlots).toBe(false);
    expect(loadConfig({ DGR_SQLITE_FILE: ':memory:' }).readModelSlots).toBe(false);
  });

  it('readModelWorker: DGR_READ_MODEL_WORKER, true by default (ADR 0021); anything but true or false stops the start', () => {
    expect(loadConfig({}).readModelWorker).toBe(true);
    expect(loadConfig({ DGR_READ_MODEL_WORKER: ' FALSE ' }).readModelWorker).toBe(false);
    expect(loadConfig({ DGR_READ_MODEL_WORKER: 'true' }).readModelWorker).toBe(true);
    expect(() => loadConfig({ DGR_READ_MODEL_WORKER: 'yes' })).toThrow(/DGR_READ_MODEL_WORKER: must be true or false/);
  });

  it('takes the web sign-in settings: session secret and length, secure cookies, the identity provider and its claims', () => {
    const web = loadConfig({
      DGR_SESSION_SECRET: 's'.repeat(32),
      DGR_SESSION_HOURS: '4',
      DGR_SECURE_COOKIES: 'true',
      DGR_OIDC_ISSUER: 'https://login.regionvarmland.se/realms/dgr',
      DGR_OIDC_CLIENT_ID: 'dgr',
      DGR_OIDC_CLIENT_SECRET: 'hemligt',
      DGR_OIDC_ROLE_CLAIM: 'groups',
      DGR_OIDC_PARTY_CLAIM: 'scb_kod',
    }).web;
    expect(web).toEqual({
      sessionKey: { kind: 'secret', secret: 's'.repeat(32) },
      sessionHours: 4,
      secureCookies: true,
      oidc: {
        issuer: 'https://login.regionvarmland.se/realms/dgr',
        clientId: 'dgr',
        clientSecret: 'hemligt',
        scopes: 'openid profile',
        roleClaim: 'groups',
        partyClaim: 'scb_kod',
        allowInsecureRequests: false,
      },
      devSignIn: false,
    });
    expect(loadConfig({ NODE_ENV: 'production' }).web.secureCookies).toBe(true);
    expect(loadConfig({ DGR_WEB_DEV_SIGN_IN: 'true' }).web.devSignIn).toBe(true);
    expect(loadConfig({ DGR_OIDC_ISSUER: 'http://127.0.0.1:4000', DGR_OIDC_CLIENT_ID: 'a', DGR_OIDC_CLIENT_SECRET: 'b' }).web.oidc?.allowInsecureRequests).toBe(true);
  });

  it.each([
    [{ DGR_WEB_DEV_SIGN_IN: 'true', NODE_ENV: 'production' }, 'DGR_WEB_DEV_SIGN_IN'],
    [{ DGR_WEB_DEV_SIGN_IN: 'ja' }, 'DGR_WEB_DEV_SIGN_IN'],
    [{ DGR_SESSION_SECRET: 'short' }, 'DGR_SESSION_SECRET'],
    [{ DGR_SESSION_HOURS: '0' }, 'DGR_SESSION_HOURS'],
    [{ DGR_SESSION_HOURS: '48' }, 'DGR_SESSION_HOURS'],
    [{ DGR_OIDC_CLIENT_ID: 'dgr' }, 'DGR_OIDC_ISSUER'],
    [{ DGR_OIDC_ISSUER: 'login.regionvarmland.se' }, 'DGR_OIDC_ISSUER'],
    [{ DGR_OIDC_ISSUER: 'http://login.regionvarmland.se', DGR_OIDC_CLIENT_ID: 'a', DGR_OIDC_CLIENT_SECRET: 'b' }, 'DGR_OIDC_ISSUER'],
    [{ DGR_OIDC_ISSUER: 'https://login.regionvarmland.se', DGR_OIDC_CLIENT_SECRET: 'b' }, 'DGR_OIDC_CLIENT_ID'],
    [{ DGR_OIDC_ISSUER: 'https://login.regionvarmland.se', DGR_OIDC_CLIENT_ID: 'a' }, 'DGR_OIDC_CLIENT_SECRET'],
    [{ DGR_OIDC_ISSUER: 'https://login.regionvarmland.se', DGR_OIDC_CLIENT_ID: 'a', DGR_OIDC_CLIENT_SECRET: 'b', DGR_OIDC_SCOPES: 'profile' }, 'DGR_OIDC_SCOPES'],
    [{ DGR_OIDC_ISSUER: 'https://login.regionvarmland.se', DGR_OIDC_CLIENT_ID: 'a', DGR_OIDC_CLIENT_SECRET: 'b', DGR_OIDC_ROLE_CLAIM: 'has space' }, 'DGR_OIDC_ROLE_CLAIM'],
    [{ DGR_OIDC_ISSUER: 'https://login.regionvarmland.se', DGR_OIDC_CLIENT_ID: 'a', DGR_OIDC_CLIENT_SECRET: 'b', DGR_OIDC_REDIRECT_URI: '/auth/callback' }, 'DGR_OIDC_REDIRECT_URI'],
  ])('refuses the web setting %j, naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}: `));
  });

  // Issue 17, item 8: `NODE_ENV=Production` used to start with dev sign-in and insecure cookies.
  it.each(['production', 'Production', 'PRODUCTION', ' production ', '\tProduction\n'])(
    'NODE_ENV=%j is production: dev sign-in refused, secure cookies by default',
    (nodeEnv) => {
      expect(() => loadConfig({ NODE_ENV: nodeEnv, DGR_WEB_DEV_SIGN_IN: 'true' })).toThrow(/^DGR_WEB_DEV_SIGN_IN: .*refused when NODE_ENV=production/);
      expect(loadConfig({ NODE_ENV: nodeEnv }).web.secureCookies).toBe(true);
      expect(loadConfig({ NODE_ENV: nodeEnv, DGR_SECURE_COOKIES: 'false' }).web.secureCookies).toBe(false);
    },
  );

  it.each(['development', 'test', 'prod', 'production-like', ''])('NODE_ENV=%j is not production', (nodeEnv) => {
    expect(loadConfig({ NODE_ENV: nodeEnv, DGR_WEB_DEV_SIGN_IN: 'true' }).web).toMatchObject({ devSignIn: true, secureCookies: false });
  });

  it('picks RS256 for an RSA public key and ES256 for a P-256 key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(loadConfig({ DGR_JWT_PUBLIC_KEY: rsa }).auth.key).toMatchObject({ kind: 'public-key', algorithm: 'RS256' });
    expect(loadConfig({ DGR_JWT_PUBLIC_KEY: ec }).auth.key).toMatchObject({ kind: 'public-key', algorithm: 'ES256' });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DGR_SQLITE_FILE: '  ' }, 'DGR_SQLITE_FILE'],
    [{ DGR_READ_MODEL_FILE: ' ' }, 'DGR_READ_MODEL_FILE'],
    [{ DGR_SQLITE_FILE: '/srv/dgr.sqlite', DGR_READ_MODEL_FILE: '/srv/dgr.sqlite' }, 'DGR_READ_MODEL_FILE'],
    [{ DGR_JWT_SECRET: 'short' }, 'DGR_JWT_SECRET'],
    [{ DGR_JWT_SECRET: 'x'.repeat(40), DGR_JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----' }, 'DGR_JWT_SECRET'],
    [{ DGR_JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----' }, 'DGR_JWT_PUBLIC_KEY'],
    [{ DGR_JWT_PUBLIC_KEY: '/no/such/key.pem' }, 'DGR_JWT_PUBLIC_KEY'],
    [{ DGR_TOKEN_MAX_DAYS: '0' }, 'DGR_TOKEN_MAX_DAYS'],
    [{ DGR_TOKEN_MAX_DAYS: '367' }, 'DGR_TOKEN_MAX_DAYS'],
    [{ DGR_TOKEN_MAX_DAYS: '1.5' }, 'DGR_TOKEN_MAX_DAYS'],
    [{ DGR_TOKEN_MAX_DAYS: 'thirty' }, 'DGR_TOKEN_MAX_DAYS'],
    [{ DGR_RATE_LIMIT_PER_MINUTE: 'many' }, 'DGR_RATE_LIMIT_PER_MINUTE'],
    [{ DGR_RATE_LIMIT_ANONYMOUS_PER_MINUTE: '-1' }, 'DGR_RATE_LIMIT_ANONYMOUS_PER_MINUTE'],
    [{ DGR_CORS_ORIGINS: '*' }, 'DGR_CORS_ORIGINS'],
    [{ DGR_REQUIRE_FINAL_CONSENSUS: 'yes' }, 'DGR_REQUIRE_FINAL_CONSENSUS'],
    [{ DGR_SIE_FUND_ACCOUNT: '193' }, 'DGR_SIE_FUND_ACCOUNT'],
    [{ DGR_SIE_DEPOSIT_ACCOUNT: '2071a' }, 'DGR_SIE_DEPOSIT_ACCOUNT'],
    [{ DGR_SIE_PAYOUT_ACCOUNT: '0999' }, 'DGR_SIE_PAYOUT_ACCOUNT'],
    [{ DGR_SIE_RETURN_ACCOUNT: '1930' }, 'DGR_SIE_RETURN_ACCOUNT'],
  ])('refuses %j, naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}: `));
  });

  it('DGR_BLOB_DIR: the evidence files beside the store by default, or the folder given (a shared volume)', () => {
    expect(loadConfig({ DGR_SQLITE_FILE: '/var/lib/dgr/log.sqlite' }).blobDir).toBe('/var/lib/dgr/blobs');
    expect(loadConfig({ DGR_SQLITE_FILE: 'log.sqlite' }).blobDir).toBe('./blobs');
    expect(loadConfig({ DGR_BLOB_DIR: ' /mnt/dgr-delad/blobs ' }).blobDir).toBe('/mnt/dgr-delad/blobs');
    expect(() => loadConfig({ DGR_BLOB_DIR: ' ' })).toThrow(/^DGR_BLOB_DIR: /);
  });
});
