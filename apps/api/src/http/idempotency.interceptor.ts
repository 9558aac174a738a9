import { createParamDecorator, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { from, lastValueFrom, map, type Observable } from 'rxjs';
import { Idempotency, type RetryKey } from '@dgr/application';
import type { WriteAction } from '@dgr/domain';
import { WRITES } from '../auth/access.keys';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { InvalidRequest } from './invalid-request';
import { contextOf } from './request-context';

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The write commands' methods: POST, and PUT (a decision's evidence file, whose body is the PDF itself). */
const KEYED_METHODS = new Set(['POST', 'PUT']);

type KeyedRequest = AuthenticatedRequest & { retryKey?: RetryKey };

/**
 * `Idempotency-Key` on the API's own write commands: the routes that declare their action with
 * `@Writes`, which the AccessGuard (it runs before every interceptor) has already authorised for this
 * actor: the POSTs, and the PUT of a decision's evidence (the same key and the same file answer as the first
 * time, with no second event). The same key (per token subject) and body answers as the first time; see
 * Idempotency for the rules. A replayed answer carries `Idempotent-Replayed: true`.
 *
 * Everywhere else (sign-in and sign-out, reads, the pages) the header is ignored: a route that writes no
 * command has nothing to retry safely, and a role that may not write must not reach the log through it.
 *
 * The request's RetryKey reaches the command by one explicit path: Idempotency.run makes it, this
 * interceptor hands it to the route as its `@Retry()` parameter, the controller puts it in the command,
 * the handler passes it to StreamWriter, which claims the key and derives the event ids from it.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: Idempotency,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<KeyedRequest>();
    const key = req.header('idempotency-key');
    const action = this.reflector.getAllAndOverride<WriteAction | undefined>(WRITES, [context.getHandler(), context.getClass()]);
    if (!KEYED_METHODS.has(req.method) || key === undefined || action === undefined || !req.actor) return next.handle();
    if (!KEY.test(key))
      throw new InvalidRequest([
        { field: 'Idempotency-Key', message: 'Idempotency-Key ska vara 1–255 synliga ASCII-tecken (t.ex. ett UUID)' },
      ]);
    const stream = Idempotency.streamOf(req.actor.sub, key);
    const hash = Idempotency.hashOf(req.method, req.originalUrl, req.body);
    const res = context.switchToHttp().getResponse<Response>();
    let executed = false;
    const answer = this.idempotency.run(stream, hash, contextOf(req), async (retryKey) => {
      req.retryKey = retryKey;
      executed = true;
      return { status: 201, body: await lastValueFrom(next.handle(), { defaultValue: null }) };
    });
    return from(answer).pipe(
      map((a) => {
        res.status(a.status);
        if (!executed) res.setHeader('Idempotent-Replayed', 'true');
        return a.body;
      }),
    );
  }
}

/**
 * The request's RetryKey, for a write route to put into its command: set when the request carries an
 * Idempotency-Key and the route declares `@Writes`; undefined otherwise.
 */
export const Retry = createParamDecorator((_: unknown, host: ExecutionContext): RetryKey | undefined =>
  host.switchToHttp().getRequest<KeyedRequest>().retryKey,
);
