import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthenticatedRequest } from './access.guard';

export class RateLimitSettings {
  constructor(readonly perMinute: number) {}
}

/**
 * A fixed one-minute window per token subject. Past the limit: 429 with `Retry-After` (seconds until
 * the window ends). Runs after authentication, so the subject is known and verified.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly settings: RateLimitSettings) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.settings.perMinute === 0) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!req.actor) return true;
    const now = Date.now();
    const minute = now - (now % 60_000);
    const w = this.windows.get(req.actor.sub);
    if (!w || w.start !== minute) {
      if (this.windows.size > 10_000) this.windows.clear();
      this.windows.set(req.actor.sub, { start: minute, count: 1 });
      return true;
    }
    w.count += 1;
    if (w.count <= this.settings.perMinute) return true;
    const retryAfter = Math.max(1, Math.ceil((minute + 60_000 - now) / 1000));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new HttpException(
      `För många förfrågningar: högst ${this.settings.perMinute} per minut. Försök igen om ${retryAfter} s.`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
