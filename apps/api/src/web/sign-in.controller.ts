import { Body, Controller, Get, NotFoundException, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError, isPartyId, isRole, NotAuthorised, PARTIES, partyName, type Actor } from '@dgr/domain';
import { Public } from '../auth/access.decorators';
import { CROSS_SITE_REFUSAL, isCrossSite, type AuthenticatedRequest } from '../auth/access.guard';
import { AuthSettings } from '../auth/auth-settings';
import type { OidcSignIn } from '../auth/oidc';
import { cookieOf, safeNext, SESSION_COOKIE, setCookie, SIGN_IN_COOKIE, signSession, signSignIn, verifySignIn } from '../auth/session';
import { Unauthenticated, verifyToken } from '@dgr/config';
import { html, type RawHtml } from './html';
import { renderPage, roleTitle } from './layout';

/** How one may sign in here: through the identity provider (when configured), and the local conveniences. */
export class SignInOptions {
  constructor(
    readonly oidc: OidcSignIn | null,
    /** DGR_WEB_DEV_SIGN_IN: sign in as any role without authentication (never in production). */
    readonly devSignIn: boolean,
  ) {}
}

type Form = Record<string, unknown>;

const textOf = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/**
 * Sign-in and sign-out of the web pages. A session is an HTTP-only, SameSite=Lax cookie holding a short
 * token signed with the session key (auth/session.ts); the guard accepts it like a bearer token.
 * Forms post `application/x-www-form-urlencoded` (they work without JavaScript); `POST /auth/token` also
 * takes JSON and then answers 204 or problem+json.
 *
 * Signing in, signing out and the dev sign-in refuse what a browser marks as coming from another site (403,
 * nothing set or cleared): otherwise a foreign page could post its own token and sign the visitor in as the
 * attacker (login CSRF), or sign them out. The same check as for writes carried by the cookie (isCrossSite).
 */
@ApiExcludeController()
@Controller()
@Public()
export class SignInController {
  constructor(
    private readonly settings: AuthSettings,
    private readonly options: SignInOptions,
  ) {}

  @Get('logga-in')
  page(@Req() req: AuthenticatedRequest, @Res() res: Response, @Query('next') next?: string, @Query('utloggad') signedOut?: string): void {
    this.render(res, 200, { actor: req.actor, next: safeNext(next), notice: signedOut !== undefined ? 'Du är utloggad.' : undefined });
  }

  /** A pasted token (from `npx dgr token` or the identity provider) becomes a session. */
  @Post('auth/token')
  token(@Req() req: Request, @Res() res: Response, @Body() body: Form | undefined): void {
    const form = Boolean(req.is('application/x-www-form-urlencoded'));
    const next = safeNext(body?.next);
    if (isCrossSite(req)) {
      if (!form) throw new NotAuthorised(CROSS_SITE_REFUSAL);
      return this.render(res, 403, { next, error: CROSS_SITE_REFUSAL });
    }
    const token = textOf(body?.token).replace(/^Bearer\s+/i, '');
    let actor: Actor;
    let expiresAt: Date | undefined;
    try {
      if (token === '') throw new Unauthenticated('Klistra in en token.');
      actor = verifyToken(token, this.settings.keys, this.settings.auth);
      expiresAt = expiryOf(token);
    } catch (e) {
      if (!form) throw e;
      this.render(res, 401, { next, error: (e as Error).message, field: 'token' });
      return;
    }
    this.startSession(res, actor, expiresAt);
    if (form) res.redirect(303, next);
    else res.status(204).end();
  }

  /** Local trials only (DGR_WEB_DEV_SIGN_IN=true, refused in production): sign in as any role. */
  @Post('auth/dev')
  dev(@Req() req: Request, @Res() res: Response, @Body() body: Form | undefined): void {
    if (!this.options.devSignIn) throw new NotFoundException('Provinloggningen är avstängd (DGR_WEB_DEV_SIGN_IN).');
    const next = safeNext(body?.next);
    if (isCrossSite(req)) return this.render(res, 403, { next, error: CROSS_SITE_REFUSAL });
    const role = body?.role;
    const party = textOf(body?.party);
    if (!isRole(role)) return this.render(res, 400, { next, error: 'Välj en roll.', field: 'dev-role' });
    const name = textOf(body?.name);
    let actor: Actor;
    if (role === 'clerk') {
      if (!isPartyId(party)) return this.render(res, 400, { next, error: 'En registrator måste välja sin part.', field: 'dev-party' });
      actor = { sub: `dev-clerk-${party}`, name: name || `Provregistrator ${partyName(party)}`, role, party };
    } else actor = { sub: `dev-${role}`, name: name || `Prov (${role})`, role };
    this.startSession(res, actor);
    res.redirect(303, next);
  }

  /** Sends the browser to the identity provider (authorization code flow with PKCE). */
  @Get('auth/oidc')
  async oidcStart(@Req() req: Request, @Res() res: Response, @Query('next') next?: string): Promise<void> {
    const oidc = this.oidcOrNotFound();
    try {
      const { url, flight } = await oidc.start(this.redirectUri(req), safeNext(next));
      res.append('Set-Cookie', setCookie(SIGN_IN_COOKIE, signSignIn(flight, this.settings.session), 600, this.settings.session.secureCookies));
      res.redirect(303, url.href);
    } catch (e) {
      this.render(res, 503, { next: safeNext(next), error: (e as Error).message });
    }
  }

  /** The identity provider sends the browser back here with a code (or an error). */
  @Get('auth/callback')
  async oidcCallback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const oidc = this.oidcOrNotFound();
    res.append('Set-Cookie', setCookie(SIGN_IN_COOKIE, '', 0, this.settings.session.secureCookies));
    const flightCookie = cookieOf(req, SIGN_IN_COOKIE);
    const flight = flightCookie ? verifySignIn(flightCookie, this.settings.session) : null;
    if (!flight) return this.render(res, 400, { next: '/', error: 'Inloggningen hann gå ut eller startades i en annan flik. Försök igen.' });
    const redirectUri = this.redirectUri(req);
    const callbackUrl = new URL(req.originalUrl, redirectUri);
    try {
      const actor = await oidc.finish(callbackUrl, flight, redirectUri);
      this.startSession(res, actor);
      res.redirect(303, flight.next);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      this.render(res, 401, { next: flight.next, error: e.message });
    }
  }

  @Post('auth/logout')
  logout(@Req() req: AuthenticatedRequest, @Res() res: Response): void {
    if (isCrossSite(req)) return this.render(res, 403, { actor: req.actor, next: '/', error: CROSS_SITE_REFUSAL });
    res.append('Set-Cookie', setCookie(SESSION_COOKIE, '', 0, this.settings.session.secureCookies));
    res.redirect(303, '/logga-in?utloggad');
  }

  /** Who the session (or bearer token) names: for the pages' scripts. */
  @Get('auth/me')
  me(@Req() req: AuthenticatedRequest): Actor {
    if (!req.actor) throw new Unauthenticated('Inte inloggad.');
    return req.actor;
  }

  private startSession(res: Response, actor: Actor, expiresAt?: Date): void {
    const now = new Date();
    const session = signSession(actor, this.settings.session, now, expiresAt);
    const seconds = (session.expiresAt.getTime() - now.getTime()) / 1000;
    res.append('Set-Cookie', setCookie(SESSION_COOKIE, session.value, seconds, this.settings.session.secureCookies));
  }

  private oidcOrNotFound(): OidcSignIn {
    if (!this.options.oidc) throw new NotFoundException('Ingen identitetsleverantör är inställd (DGR_OIDC_ISSUER).');
    return this.options.oidc;
  }

  private redirectUri(req: Request): string {
    return this.options.oidc?.settings.redirectUri ?? `${req.protocol}://${req.get('host')}/auth/callback`;
  }

  private render(res: Response, status: number, view: SignInView): void {
    res
      .status(status)
      .type('html')
      .setHeader('Cache-Control', 'no-store')
      .send(renderPage({ title: 'Logga in', actor: view.actor, current: 'logga-in', status, body: signInBody(view, this.options) }));
  }
}

/** The `exp` of a token already verified, so a session never outlives the token it came from. */
const expiryOf = (token: string): Date | undefined => {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined;
  } catch {
    return undefined;
  }
};

interface SignInView {
  readonly actor?: Actor;
  readonly next: string;
  readonly error?: string;
  /** The field the error belongs to. */
  readonly field?: 'token' | 'dev-role' | 'dev-party';
  readonly notice?: string;
}

const ROLES: ReadonlyArray<[string, string]> = [
  ['secretariat', 'Sekretariatet (VRAG/VRAU)'],
  ['clerk', 'Registrator för en part'],
  ['finance', 'Ekonomi (Region Värmland)'],
  ['auditor', 'Revisor'],
];

const fieldError = (view: SignInView, field: SignInView['field']): RawHtml =>
  view.error && view.field === field ? html`<p class="fel" id="${field}-fel">${view.error}</p>` : html``;

const invalid = (view: SignInView, field: SignInView['field']): RawHtml =>
  view.error && view.field === field ? html` aria-invalid="true" aria-describedby="${field}-fel"` : html``;

const signInBody = (view: SignInView, options: SignInOptions): RawHtml => html`
<h1>Logga in</h1>
${view.notice ? html`<p class="ruta">${view.notice}</p>` : ''}
${view.error && !view.field ? html`<div class="felruta" role="alert"><p>${view.error}</p></div>` : ''}
${view.error && view.field ? html`<div class="felruta" role="alert"><p>Inloggningen misslyckades. Se meddelandet vid fältet.</p></div>` : ''}
${view.actor ? html`<p class="ruta">Du är inloggad som <strong>${view.actor.name}</strong> (${roleTitle(view.actor)}). <a href="/">Till översikten</a></p>` : ''}
${
  options.oidc
    ? html`<section aria-labelledby="rubrik-idp">
  <h2 id="rubrik-idp">Med Region Värmlands inloggning</h2>
  <p>Ditt konto hos identitetsleverantören anger din roll och, för registratorer, din part.</p>
  <p><a class="knapp" href="/auth/oidc?next=${encodeURIComponent(view.next)}">Logga in via Region Värmland</a></p>
</section>`
    : ''
}
<section aria-labelledby="rubrik-token">
  <h2 id="rubrik-token">Med en token</h2>
  <p>För lokal användning: skapa en token på servern med <code>npx dgr token --role clerk --party 1780 --name "Ditt namn"</code> (roller: secretariat, clerk, finance, auditor) och klistra in den här.</p>
  <form method="post" action="/auth/token" class="formular">
    <input type="hidden" name="next" value="${view.next}">
    <div class="falt">
      <label for="token">Token</label>
      <textarea id="token" name="token" rows="4" required autocomplete="off" spellcheck="false"${invalid(view, 'token')}></textarea>
      ${fieldError(view, 'token')}
    </div>
    <button type="submit" class="knapp">Logga in med token</button>
  </form>
</section>
${
  options.devSignIn
    ? html`<section aria-labelledby="rubrik-prov">
  <h2 id="rubrik-prov">Provinloggning utan autentisering</h2>
  <p class="varning"><strong>Endast för lokal provkörning.</strong> Påslagen med DGR_WEB_DEV_SIGN_IN=true; går inte att slå på i produktion.</p>
  <form method="post" action="/auth/dev" class="formular">
    <input type="hidden" name="next" value="${view.next}">
    <div class="falt">
      <label for="dev-name">Namn</label>
      <input id="dev-name" name="name" type="text" autocomplete="name">
    </div>
    <div class="falt">
      <label for="dev-role">Roll</label>
      <select id="dev-role" name="role" required${invalid(view, 'dev-role')}>${ROLES.map(([value, label]) => html`<option value="${value}">${label}</option>`)}</select>
      ${fieldError(view, 'dev-role')}
    </div>
    <div class="falt">
      <label for="dev-party">Part (för registratorer)</label>
      <select id="dev-party" name="party"${invalid(view, 'dev-party')}><option value="">Ingen</option>${PARTIES.map((p) => html`<option value="${p.id}">${p.name} (${p.id})</option>`)}</select>
      ${fieldError(view, 'dev-party')}
    </div>
    <button type="submit" class="knapp sekundar">Provlogga in</button>
  </form>
</section>`
    : ''
}`;
