import { createParamDecorator, UnsupportedMediaTypeException, type ExecutionContext } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../../../libs/application/src';
import type { Actor } from '../../../../libs/domain/src';

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
 * reported missing when the real problem is the content type.
 */
export const jsonOnlyMiddleware = (req: Request, _res: Response, next: NextFunction): void => {
  const hasBody = Number(req.header('content-length') ?? 0) > 0 || req.header('transfer-encoding') !== undefined;
  if (hasBody && !req.is('application/json') && !req.is('application/*+json')) {
    next(new UnsupportedMediaTypeException('Begärans innehåll ska vara JSON (Content-Type: application/json).'));
    return;
  }
  next();
};

/** The request's context for commands: its correlation id, who sent it, and its idempotency seed. */
export const contextOf = (req: Request & { correlationId?: string; actor?: Actor; eventIdSeed?: string }): RequestContext => ({
  correlationId: req.correlationId ?? randomUUID(),
  actor: req.actor ? { ...req.actor } : null,
  ...(req.eventIdSeed ? { eventIdSeed: req.eventIdSeed } : {}),
});

export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): RequestContext => contextOf(host.switchToHttp().getRequest()));
