import * as client from 'openid-client';
import { isPartyId, isRole, partyName, type Actor } from '@dgr/domain';
import { Unauthenticated, type OidcConfig } from '@dgr/config';
import type { SignInInFlight } from './session';

/**
 * Sign-in through the region's identity provider: OpenID Connect, authorization code flow with PKCE
 * (S256), state and nonce, on `openid-client`. The provider's discovery document is read on first use
 * (and again after a failure), so the service starts even while the provider is down.
 */
export class OidcSignIn {
  private configuration: Promise<client.Configuration> | null = null;

  constructor(readonly settings: OidcConfig) {}

  /** Where to send the browser, and what to keep (in a short cookie) until it comes back. */
  async start(redirectUri: string, next: string): Promise<{ url: URL; flight: SignInInFlight }> {
    const config = await this.config();
    const codeVerifier = client.randomPKCECodeVerifier();
    const flight: SignInInFlight = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier, next };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: flight.state,
      nonce: flight.nonce,
    });
    return { url, flight };
  }

  /**
   * Exchanges the code the provider sent back (checking state, nonce, PKCE and the ID token's signature,
   * issuer, audience and lifetime) and answers who signed in, with the role and party from the configured claims.
   */
  async finish(callbackUrl: URL, flight: SignInInFlight, redirectUri: string): Promise<Actor> {
    const config = await this.config();
    let claims: Record<string, unknown>;
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(
        config,
        callbackUrl,
        { pkceCodeVerifier: flight.codeVerifier, expectedState: flight.state, expectedNonce: flight.nonce, idTokenExpected: true },
        { redirect_uri: redirectUri },
      );
      claims = { ...(tokens.claims() ?? {}) };
    } catch (e) {
      throw new Unauthenticated(`Inloggningen misslyckades hos identitetsleverantören: ${messageOf(e)}.`);
    }
    if (claims[this.settings.roleClaim] === undefined) {
      try {
        const userInfo = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub));
        claims = { ...userInfo, ...claims };
      } catch (e) {
        throw new Unauthenticated(`Inloggningen misslyckades: användaruppgifterna kunde inte hämtas (${messageOf(e)}).`);
      }
    }
    return actorFromClaims(claims, this.settings);
  }

  private config(): Promise<client.Configuration> {
    if (!this.configuration) {
      const options = this.settings.allowInsecureRequests ? { execute: [client.allowInsecureRequests] } : undefined;
      this.configuration = client.discovery(new URL(this.settings.issuer), this.settings.clientId, this.settings.clientSecret, undefined, options);
      this.configuration.catch(() => {
        this.configuration = null;
      });
    }
    return this.configuration.catch((e: unknown) => {
      throw new Unauthenticated(`Identitetsleverantören ${this.settings.issuer} kan inte nås just nu (${messageOf(e)}). Försök igen om en stund.`);
    });
  }
}

const ROLE_WORDS = 'secretariat, clerk, finance eller auditor';

/** The actor the provider's claims name; refused (401) with the reason when the role or party is missing or wrong. */
export const actorFromClaims = (claims: Record<string, unknown>, settings: Pick<OidcConfig, 'roleClaim' | 'partyClaim'>): Actor => {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') throw new Unauthenticated('Inloggningen misslyckades: identitetsleverantören angav ingen användare (sub).');
  const rawRole = claims[settings.roleClaim];
  const roles = (Array.isArray(rawRole) ? rawRole : [rawRole]).filter(isRole);
  if (roles.length === 0)
    throw new Unauthenticated(`Ditt konto har ingen roll i DGR (anspråket ${settings.roleClaim} ska vara ${ROLE_WORDS}). Kontakta Region Värmlands behörighetsadministratör.`);
  if (new Set(roles).size > 1)
    throw new Unauthenticated(`Ditt konto har flera roller i DGR (${roles.join(', ')}); det ska ha en. Kontakta Region Värmlands behörighetsadministratör.`);
  const role = roles[0]!;
  const name = [claims.name, claims.preferred_username, claims.email, sub].find((v): v is string => typeof v === 'string' && v.trim() !== '')!;
  if (role !== 'clerk') return { sub, name, role };
  const party = claims[settings.partyClaim];
  if (!isPartyId(party))
    throw new Unauthenticated(`Ditt konto är registrator men anger ingen giltig part (anspråket ${settings.partyClaim} ska vara en SCB-kod som 1780 för ${partyName('1780')}).`);
  return { sub, name, role, party };
};

const messageOf = (e: unknown): string => {
  const error = e as { error?: unknown; error_description?: unknown; message?: unknown; cause?: { error_description?: unknown } };
  if (typeof error.error_description === 'string') return error.error_description;
  if (typeof error.cause?.error_description === 'string') return error.cause.error_description;
  if (typeof error.error === 'string') return error.error;
  return typeof error.message === 'string' ? error.message : String(e);
};
