import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { from, lastValueFrom, map, type Observable } from 'rxjs';
import { Idempotency, type ClaimTicket } from '@dgr/application';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { InvalidRequest } from './invalid-request';
import { contextOf } from './request-context';

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on any POST: the same key (per token subject) and body answers as the first time;
 * see Idempotency for the rules. A replayed answer carries `Idempotent-Replayed: true`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: Idempotency) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest & { eventIdSeed?: string; idempotencyClaim?: ClaimTicket }>();
    const key = req.header('idempotency-key');
    if (req.method !== 'POST' || key === undefined || !req.actor) return next.handle();
    if (!KEY.test(key))
      throw new InvalidRequest([
        { field: 'Idempotency-Key', message: 'Idempotency-Key ska vara 1–255 synliga ASCII-tecken (t.ex. ett UUID)' },
      ]);
    const stream = Idempotency.streamOf(req.actor.sub, key);
    req.eventIdSeed = stream;
    const hash = Idempotency.hashOf(req.method, req.originalUrl, req.body);
    const res = context.switchToHttp().getResponse<Response>();
    let executed = false;
    const answer = this.idempotency.run(stream, hash, contextOf(req), async (ticket) => {
      req.idempotencyClaim = ticket;
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
