import { ConfigError } from './config-error';
/**
 * The operations settings (docs/operations.md): metrics, readiness and shutdown. A pure function of the
 * environment, kept apart from config.ts; `fail` makes the configuration's own error (it names the variable).
 */
export interface OperationsConfig {
  /** Prometheus metrics at GET /metrics: `DGR_METRICS`, `on` (default) or `off`. */
  readonly metrics: boolean;
  /** `DGR_METRICS_PORT`: serve /metrics on this port only (not on PORT); unset: on PORT. */
  readonly metricsPort: number | null;
  /** Ready while the read models are at most this many events behind the log's head. `DGR_READY_MAX_LAG`, default 100. */
  readonly readyMaxLag: number;
  /** On SIGTERM, in-flight requests get this long to finish. `DGR_SHUTDOWN_GRACE_SECONDS`, default 10. */
  readonly shutdownGraceSeconds: number;
  /**
   * `DGR_METRICS_EVENT_LOOP_RESOLUTION_MS`, default 10 (prom-client's): the sampling interval of the event-loop delay
   * histogram (`monitorEventLoopDelay`) behind `dgr_nodejs_eventloop_lag_p99_seconds` and `…_max_seconds`. Every sample
   * includes the interval itself, so `npm run bench` sets 1 to measure delays of a few milliseconds (docs/benchmarks.md).
   */
  readonly eventLoopResolutionMs: number;
}

type Fail = (variable: string, message: string) => Error;

const wholeNumber = (env: NodeJS.ProcessEnv, variable: string, fallback: number, min: number, max: number, fail: Fail): number => {
  const raw = env[variable]?.trim() ?? '';
  if (raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw fail(variable, `must be a whole number from ${min} to ${max}, got "${env[variable]}"`);
  return Number(raw);
};

export const operationsConfigOf = (env: NodeJS.ProcessEnv, fail: Fail): OperationsConfig => {
  const raw = env.DGR_METRICS?.trim().toLowerCase() ?? '';
  if (raw !== '' && raw !== 'on' && raw !== 'off') throw fail('DGR_METRICS', `must be on or off, got "${env.DGR_METRICS}"`);
  const metricsPort = env.DGR_METRICS_PORT?.trim() ? wholeNumber(env, 'DGR_METRICS_PORT', 0, 0, 65535, fail) : null;
  return {
    metrics: raw !== 'off',
    metricsPort,
    readyMaxLag: wholeNumber(env, 'DGR_READY_MAX_LAG', 100, 0, 1_000_000_000, fail),
    shutdownGraceSeconds: wholeNumber(env, 'DGR_SHUTDOWN_GRACE_SECONDS', 10, 0, 3600, fail),
    eventLoopResolutionMs: wholeNumber(env, 'DGR_METRICS_EVENT_LOOP_RESOLUTION_MS', 10, 1, 1000, fail),
  };
};

/** The operations section of the configuration: a bad value stops the start naming the variable. */
export const operationsSection = (env: NodeJS.ProcessEnv): OperationsConfig =>
  operationsConfigOf(env, (variable, message) => new ConfigError(variable, message));
