import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { authorise, type Actor, type WriteAction } from '../../../../libs/domain/src';
import { AuthSettings } from './auth-settings';
import { PUBLIC, WRITES } from './access.decorators';
import { Unauthenticated, verifyToken } from './tokens';

export type AuthenticatedRequest = Request & { actor?: Actor };

/** The party a request acts for, for actions a clerk may take only for its own party. */
const PARTY_OF: Partial<Record<WriteAction, (req: Request) => unknown>> = {
  'propose-initiative': (req) => (req.body as Record<string, unknown> | undefined)?.proposedBy,
  'register-decision': (req) => (req.body as Record<string, unknown> | undefined)?.party,
  'correct-decision': (req) => req.params.party,
  'record-minutes': (req) => req.params.party,
  'record-appeal': (req) => req.params.party,
};

/**
 * Every request but the public ones needs a valid bearer token (401 otherwise); a write also needs the
 * authority for its action, and a clerk acts only for its own party (403 otherwise, whatever the body says).
 * Runs before validation, so a request outside one's authority learns nothing about the body's faults.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly settings: AuthSettings,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.header('authorization');
    const match = header ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim()) : null;
    if (!match) throw new Unauthenticated('Ange en token: Authorization: Bearer <token>.');
    const actor = verifyToken(match[1]!, this.settings.keys, this.settings.auth);
    req.actor = actor;
    const action = this.reflector.getAllAndOverride<WriteAction | undefined>(WRITES, targets);
    if (action) authorise(actor, action, PARTY_OF[action]?.(req));
    return true;
  }
}
