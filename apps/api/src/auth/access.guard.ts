import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { authorise, NotAuthorised, type Actor, type WriteAction } from '@dgr/domain';
import { AuthSettings } from './auth-settings';
import { PUBLIC, WRITES } from './access.decorators';
import { cookieOf, SESSION_COOKIE, verifySession } from './session';
import { TokenVerifier, Unauthenticated } from '@dgr/config';

export type AuthenticatedRequest = Request & { actor?: Actor };

/** The party a request acts for, for actions a clerk may take only for its own party. */
const PARTY_OF: Partial<Record<WriteAction, (req: Request) => unknown>> = {
  'propose-initiative': (req) => (req.body as Record<string, unknown> | undefined)?.proposedBy,
  'register-decision': (req) => (req.body as Record<string, unknown> | undefined)?.party,
  'correct-decision': (req) => req.params.party,
  'record-minutes': (req) => req.params.party,
  'record-appeal': (req) => req.params.party,
  'attach-evidence': (req) => req.params.party,
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every request but the public ones needs a valid bearer token or a web session cookie (401 otherwise);
 * a write also needs the authority for its action, and a clerk acts only for its own party (403 otherwise,
 * whatever the body says). Runs before validation, so a request outside one's authority learns nothing
 * about the body's faults. Public routes (health, the web pages, sign-in) get `actor` when the request
 * carries valid credentials, and none otherwise.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  /** Remembers the tokens it accepted; their time limits are checked on every request (TokenVerifier). */
  private readonly tokens: TokenVerifier;

  constructor(
    private readonly reflector: Reflector,
    private readonly settings: AuthSettings,
  ) {
    this.tokens = new TokenVerifier(settings.keys, settings.auth);
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) {
      req.actor = this.optionalActor(req);
      return true;
    }
    const actor = this.actorOf(req);
    req.actor = actor;
    const action = this.reflector.getAllAndOverride<WriteAction | undefined>(WRITES, targets);
    if (action) authorise(actor, action, PARTY_OF[action]?.(req));
    return true;
  }

  private actorOf(req: Request): Actor {
    const header = req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
      if (!match) throw new Unauthenticated('Ange en token: Authorization: Bearer <token>.');
      return this.tokens.verify(match[1]!);
    }
    const session = cookieOf(req, SESSION_COOKIE);
    if (session === undefined) throw new Unauthenticated('Ange en token: Authorization: Bearer <token>.');
    const actor = verifySession(session, this.settings.session);
    if (!SAFE_METHODS.has(req.method)) refuseCrossSite(req);
    return actor;
  }

  private optionalActor(req: Request): Actor | undefined {
    try {
      return this.actorOf(req);
    } catch {
      return undefined;
    }
  }
}

export const CROSS_SITE_REFUSAL = 'Begäran kom från en annan webbplats och avvisades.';

/**
 * Whether a browser marks the request as coming from another site. `Sec-Fetch-Site`, when sent, decides alone:
 * anything but same-origin or none (typed by the user) is another site. (It must: with the Referrer-Policy
 * no-referrer that helmet sets, a browser posts the pages' own forms with `Origin: null`.) Without it (an older
 * browser), an `Origin` whose host is not this one, `null` included. A request with neither (a program) is not
 * marked. Used for writes carried by the session cookie, and for signing in and out (SignInController), where
 * no cookie protects anything yet.
 */
export const isCrossSite = (req: Request): boolean => {
  const site = req.header('sec-fetch-site');
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = req.header('origin');
  if (origin === undefined) return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  return host !== req.header('host');
};

/**
 * A write carried by the session cookie must come from the service's own pages. SameSite=Lax already keeps
 * the cookie off cross-site posts, and the API takes only JSON (which a foreign form cannot send without
 * CORS); this refuses what a browser marks as coming from elsewhere, as a third wall.
 */
const refuseCrossSite = (req: Request): void => {
  if (isCrossSite(req)) throw new NotAuthorised(CROSS_SITE_REFUSAL);
};
