import { operationsConfigOf } from './operations.config';

const fail = (variable: string, message: string): Error => new Error(`${variable}: ${message}`);

describe('operationsConfigOf', () => {
  it('has metrics on the API port, a lag of 100 and 10 s of grace by default', () => {
    expect(operationsConfigOf({}, fail)).toEqual({ metrics: true, metricsPort: null, readyMaxLag: 100, shutdownGraceSeconds: 10, eventLoopResolutionMs: 10 });
  });

  it('reads DGR_METRICS, DGR_METRICS_PORT, DGR_READY_MAX_LAG, DGR_SHUTDOWN_GRACE_SECONDS and DGR_METRICS_EVENT_LOOP_RESOLUTION_MS', () => {
    expect(
      operationsConfigOf({ DGR_METRICS: 'OFF', DGR_METRICS_PORT: '9464', DGR_READY_MAX_LAG: '0', DGR_SHUTDOWN_GRACE_SECONDS: '30', DGR_METRICS_EVENT_LOOP_RESOLUTION_MS: '1' }, fail),
    ).toEqual({ metrics: false, metricsPort: 9464, readyMaxLag: 0, shutdownGraceSeconds: 30, eventLoopResolutionMs: 1 });
  });

  it('refuses a bad value, naming the variable', () => {
    expect(() => operationsConfigOf({ DGR_METRICS: 'yes' }, fail)).toThrow('DGR_METRICS: must be on or off, got "yes"');
    expect(() => operationsConfigOf({ DGR_METRICS_PORT: '70000' }, fail)).toThrow('DGR_METRICS_PORT: must be a whole number from 0 to 65535, got "70000"');
    expect(() => operationsConfigOf({ DGR_READY_MAX_LAG: '-1' }, fail)).toThrow(/^DGR_READY_MAX_LAG/);
    expect(() => operationsConfigOf({ DGR_METRICS_EVENT_LOOP_RESOLUTION_MS: '0' }, fail)).toThrow(/^DGR_METRICS_EVENT_LOOP_RESOLUTION_MS/);
  });
});
