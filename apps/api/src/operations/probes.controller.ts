import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { AuditService, EVENT_STORE, ProjectionRunner } from '@dgr/application';
import type { EventStore, UnreadableEvent } from '@dgr/event-store';
import { Public } from '../auth/access.decorators';

export class ReadinessSettings {
  constructor(readonly maxLag: number) {}
}

/** GET /api/health/ready is not ready: which checks failed, and the unreadable event when there is one. */
export class NotReady extends Error {
  constructor(
    readonly result: HealthCheckResult,
    readonly unreadable: UnreadableEvent | null,
  ) {
    super('not ready');
    this.name = 'NotReady';
  }
}

/** How long the store may take to answer the readiness probe. */
const STORE_TIMEOUT_MS = 2000;

const within = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });

/**
 * The probes (@nestjs/terminus; docs/operations.md): live answers while the process does, ready while the
 * service can do its work. No token needed. GET /api/health (HealthController) stays as it was.
 */
@ApiTags('health')
@Controller('api/health')
export class ProbesController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly projections: ProjectionRunner,
    private readonly audit: AuditService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly settings: ReadinessSettings,
  ) {}

  @Get('live')
  @Public()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness: the process answers (no dependency is checked).' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @Public()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary:
      'Readiness: the store answers, the read models are within DGR_READY_MAX_LAG events of its head, a checkpoint signing key is loaded and no event is unreadable. ' +
      'Else 503 application/problem+json naming what failed (and the unreadable event: position, stream, type, reason).',
  })
  async ready(): Promise<HealthCheckResult> {
    // Terminus runs the indicators side by side: both that need the head wait for the one question.
    const head: Promise<{ head: number } | { error: string }> = within(this.store.headPosition(), STORE_TIMEOUT_MS).then(
      (h) => ({ head: h }),
      (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }),
    );
    try {
      return await this.health.check([
        async () => {
          const s = this.indicator.check('store');
          const answer = await head;
          return 'head' in answer ? s.up({ head: answer.head }) : s.down({ message: answer.error });
        },
        async () => {
          const s = this.indicator.check('readModels');
          const position = this.projections.caughtUpTo;
          const unreadable = this.projections.unreadable;
          if (unreadable) return s.down({ position, unreadableEvent: unreadable.toJSON() });
          // The projection worker stopped (ADR 0021): what is read is no longer the log's latest.
          const failure = this.projections.failure;
          if (failure) return s.down({ position, message: failure });
          const answer = await head;
          if (!('head' in answer)) return s.down({ position, message: 'the log head is unknown (the store does not answer)' });
          const lag = answer.head - position;
          return lag <= this.settings.maxLag ? s.up({ position, lag }) : s.down({ position, lag, maxLag: this.settings.maxLag });
        },
        () => {
          const s = this.indicator.check('signingKey');
          return this.audit.canSign ? s.up() : s.down({ message: 'no checkpoint signing key is loaded' });
        },
      ]);
    } catch (e) {
      if (e instanceof ServiceUnavailableException) throw new NotReady(e.getResponse() as HealthCheckResult, this.projections.unreadable);
      throw e;
    }
  }
}
