import { HttpException, HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import { CLOCK, type Clock } from '@dgr/application';
import type { AuthenticatedRequest } from './access.guard';

export class RateLimitSettings {
  constructor(
    /** Requests a minute per token subject (`DGR_RATE_LIMIT_PER_MINUTE`); 0: no limit. */
    readonly perMinute: number,
    /** Requests a minute per client address without a valid token or session (`DGR_RATE_LIMIT_ANONYMOUS_PER_MINUTE`); 0: no limit. */
    readonly anonymousPerMinute = 0,
  ) {}
}

const WINDOW_MS = 60_000;
const MAX_KEYS = 10_000;

/**
 * A fixed one-minute window per key, on the injected clock: the token subject when the request carries a valid
 * token or session, else the client address (`req.ip`: the socket's peer, or, when Express's `trust proxy` is set
 * through `DGR_TRUST_PROXY`, the address the trusted proxies name). Past the limit: 429 with `Retry-After`
 * (seconds until the window ends). Runs after authentication, so the subject is known and verified; a request
 * refused there (401) did no work and is not counted.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly settings: RateLimitSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // A subject and an address never share a key: 'subject:' and 'address:' keep them apart.
    const [key, limit] = req.actor
      ? [`subject:${req.actor.sub}`, this.settings.perMinute]
      : [`address:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`, this.settings.anonymousPerMinute];
    if (limit === 0) return true;
    const now = Date.parse(this.clock.now());
    const minute = now - (now % WINDOW_MS);
    const w = this.windows.get(key);
    if (!w || w.start !== minute) {
      if (this.windows.size > MAX_KEYS) this.windows.clear();
      this.windows.set(key, { start: minute, count: 1 });
      return true;
    }
    w.count += 1;
    if (w.count <= limit) return true;
    const retryAfter = Math.max(1, Math.ceil((minute + WINDOW_MS - now) / 1000));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new HttpException(
      `För många förfrågningar: högst ${limit} per minut${req.actor ? '' : ' från samma adress utan inloggning'}. Försök igen om ${retryAfter} s.`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
