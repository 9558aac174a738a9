import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../../../libs/application/src';

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

/** The request's context for commands: its correlation id (and, with authentication, its actor). */
export const Ctx = createParamDecorator(
  (_: unknown, host: ExecutionContext): RequestContext => {
    const req = host.switchToHttp().getRequest<Request & { correlationId?: string }>();
    return { correlationId: req.correlationId ?? randomUUID(), actor: null };
  },
);
