// A real OpenID Connect provider (the `oidc-provider` package) for the sign-in tests, run as its own Node
// process because the package is ESM-only. It listens on 127.0.0.1 (port OIDC_PORT, default any free one)
// and prints one JSON line `{"issuer": "http://127.0.0.1:PORT"}` once it is ready.
//
// Environment: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI (the DGR app's /auth/callback).
// Accounts (any password): the keys of ACCOUNTS below; their claims carry the DGR role and party.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const ACCOUNTS = {
  karlstad: { name: 'Karin Karlstad', dgr_role: 'clerk', dgr_party: '1780' },
  ekonomi: { name: 'Erik Ekonomi', dgr_role: 'finance' },
  revisor: { name: 'Rut Revisor', dgr_role: 'auditor' },
  sekretariat: { name: 'Siv Sekretariat', dgr_role: 'secretariat' },
  utanroll: { name: 'Ulf Utanroll' },
  utanpart: { name: 'Pia Utanpart', dgr_role: 'clerk' },
};

const { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI } = process.env;
if (!OIDC_CLIENT_ID || !OIDC_CLIENT_SECRET || !OIDC_REDIRECT_URI) {
  process.stderr.write('oidc-provider.mjs: set OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_REDIRECT_URI\n');
  process.exit(2);
}

const server = createServer();
await new Promise((resolve) => server.listen(Number(process.env.OIDC_PORT ?? 0), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: OIDC_CLIENT_ID,
      client_secret: OIDC_CLIENT_SECRET,
      redirect_uris: [OIDC_REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [{ ...signingKey, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: ['oidc-provider-test-cookie-key-0123456789'] },
  // The role and party come with the profile scope (from the userinfo endpoint, as the ID token carries only sub).
  claims: { openid: ['sub'], profile: ['name', 'dgr_role', 'dgr_party'] },
  pkce: { required: () => true },
  findAccount: async (_ctx, id) =>
    ACCOUNTS[id] ? { accountId: id, claims: async () => ({ sub: id, ...ACCOUNTS[id] }) } : undefined,
  // A first-party client: the region's users are not asked to consent to the DGR service.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile');
    await grant.save();
    return grant;
  },
});
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
