import { BadRequestException, createParamDecorator, UnsupportedMediaTypeException, type ExecutionContext } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '@dgr/application';
import type { Actor } from '@dgr/domain';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every request gets a correlation id: the caller's `X-Request-Id` when it is a sane token,
 * otherwise a new one. It is returned in the response header and recorded in every event.
 */
export const requestIdMiddleware = (req: Request, res: Response, next: NextFunction): void => {
  // Registered twice (before the body parser in createApp, and in AppModule): the first id stands.
  if ((req as Request & { correlationId?: string }).correlationId) return next();
  const given = req.header('x-request-id');
  const id = given && REQUEST_ID.test(given) ? given : randomUUID();
  (req as Request & { correlationId: string }).correlationId = id;
  res.setHeader('X-Request-Id', id);
  next();
};

/**
 * A body that is not JSON is refused (415) rather than ignored, so a clerk never sees every field
 * reported missing when the real problem is the content type. The one exception: the sign-in forms
 * under /auth/, which are plain HTML forms.
 */
export const jsonOnlyMiddleware = (req: Request, _res: Response, next: NextFunction): void => {
  const hasBody = Number(req.header('content-length') ?? 0) > 0 || req.header('transfer-encoding') !== undefined;
  const signInForm = req.path.startsWith('/auth/') && req.is('application/x-www-form-urlencoded');
  // The evidence route's PDF was read by its own parser (evidenceBodyMiddleware), before this one.
  if (Buffer.isBuffer(req.body)) return next();
  if (hasBody && !req.is('application/json') && !req.is('application/*+json') && !signInForm) {
    next(new UnsupportedMediaTypeException('Begärans innehåll ska vara JSON (Content-Type: application/json).'));
    return;
  }
  next();
};

/** Objects and lists inside one another in a body: far more than any request needs (3). */
export const MAX_BODY_DEPTH = 32;

const deeperThan = (value: unknown, max: number): boolean => {
  // Iterative: the point is to refuse what would overflow the stack of every recursive walk after it.
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
};

/**
 * A parsed body nested deeper than MAX_BODY_DEPTH is refused (400) right after the body parser, like a
 * malformed or too large one: validation, prototype-key stripping and idempotency hashing all walk the
 * body recursively, and a small but deep body (e.g. 10 000 nested lists in 20 kB) overflowed the stack (500).
 */
export const jsonDepthMiddleware = (req: Request, _res: Response, next: NextFunction): void => {
  if (!Buffer.isBuffer(req.body) && deeperThan(req.body, MAX_BODY_DEPTH)) {
    next(new BadRequestException(`Begärans innehåll är för djupt nästlat: högst ${MAX_BODY_DEPTH} nivåer av objekt och listor.`));
    return;
  }
  next();
};

/** The request's context for commands: its correlation id and who sent it. */
export const contextOf = (req: Request & { correlationId?: string; actor?: Actor }): RequestContext => ({
  correlationId: req.correlationId ?? randomUUID(),
  actor: req.actor ? { ...req.actor } : null,
});

export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): RequestContext => contextOf(host.switchToHttp().getRequest()));
