import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ProjectionRunner } from '@dgr/application';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent, StreamAppend } from '@dgr/event-store';

/**
 * The service's Prometheus metrics (prom-client), in a registry of its own per app: HTTP request durations by
 * route and status, append latency, group-commit batch size, the read models' lag and the process's default
 * metrics (event-loop delay among them). docs/operations.md says what each is for and when to alert.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Histogram({
    name: 'dgr_http_request_duration_seconds',
    help: 'HTTP requests by method, route (the matched pattern) and status, in seconds',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly appends = new Histogram({
    name: 'dgr_append_duration_seconds',
    help: 'Appends to the event store, from the call to the durable answer, in seconds',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly groupCommits = new Histogram({
    name: 'dgr_group_commit_appends',
    help: 'Appends sharing one SQLite transaction (group commit), per commit',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });

  /** `eventLoopResolutionMs`: the event-loop delay histogram's sampling interval (DGR_METRICS_EVENT_LOOP_RESOLUTION_MS). */
  constructor(eventLoopResolutionMs = 10) {
    collectDefaultMetrics({ register: this.registry, prefix: 'dgr_', eventLoopMonitoringPrecision: eventLoopResolutionMs });
  }

  /** The read models' lag and position, read from the runner and the store when scraped. */
  observeReadModels(projections: ProjectionRunner, store: EventStore): void {
    new Gauge({
      name: 'dgr_read_models_position',
      help: 'The last global position the read models include',
      registers: [this.registry],
      collect() {
        this.set(projections.caughtUpTo);
      },
    });
    new Gauge({
      name: 'dgr_unreadable_events',
      help: '1 while the read models are stopped before an event this version cannot read (see GET /api/health/ready)',
      registers: [this.registry],
      collect() {
        this.set(projections.unreadable ? 1 : 0);
      },
    });
    new Gauge({
      name: 'dgr_projection_lag_events',
      help: "Events in the log that the read models do not include yet (the log's head minus their position)",
      registers: [this.registry],
      async collect() {
        this.set(Math.max(0, (await store.headPosition()) - projections.caughtUpTo));
      },
    });
  }

  groupCommitted(appends: number): void {
    this.groupCommits.observe(appends);
  }

  /** The store, with each append timed. */
  timedStore(store: EventStore): EventStore {
    const appends = this.appends;
    return {
      localFile: store.localFile,
      append: async (stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> => {
        const end = appends.startTimer();
        try {
          return await store.append(stream, events, expected);
        } finally {
          end();
        }
      },
      // A store that writes several streams in one transaction keeps doing so (ADR 0010), timed like append.
      ...(store.appendMany && {
        appendMany: async (batch: readonly StreamAppend[]): Promise<AppendResult[]> => {
          const end = appends.startTimer();
          try {
            return await store.appendMany!(batch);
          } finally {
            end();
          }
        },
      }),
      readStream: (stream, fromRevision) => store.readStream(stream, fromRevision),
      readAll: (after, max) => store.readAll(after, max),
      headPosition: () => store.headPosition(),
      subscribeToAll: (after, handler) => store.subscribeToAll(after, handler),
      close: () => store.close(),
    };
  }

  /** Times every request; the route is Express's matched pattern (`/api/initiatives/:id`), never the raw path. */
  middleware(): (req: Request, res: Response, next: NextFunction) => void {
    return (req, res, next) => {
      const end = this.requests.startTimer();
      res.on('finish', () => {
        const route = (req.route as { path?: unknown } | undefined)?.path;
        end({ method: req.method, route: typeof route === 'string' ? `${req.baseUrl}${route}` : 'unmatched', status: String(res.statusCode) });
      });
      next();
    };
  }

  /** The text exposition format, as GET /metrics answers it. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** GET /metrics on the API's own port. */
  handler(): (req: Request, res: Response) => void {
    return (_req, res) => {
      this.render()
        .then(({ contentType, body }) => res.status(200).setHeader('Content-Type', contentType).end(body))
        .catch((e: unknown) => res.status(500).type('text/plain').send(`metrics failed: ${String(e)}`));
    };
  }
}
