/**
 * The operations endpoints on a healthy service: live and ready (no token), GET /api/health unchanged, and
 * Prometheus metrics that a real text-format parser reads (parse-prometheus-text-format, not a regex).
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { decision, HttpApp, propose } from './support/http-app';

describe('a healthy service', () => {
  let app: HttpApp;
  let id: string;
  beforeAll(async () => {
    app = await HttpApp.start();
    id = await propose(app);
    expect((await app.post(`/api/initiatives/${id}/decisions`, decision('1780'))).status).toBe(201);
    expect((await app.get(`/api/initiatives/${id}`)).status).toBe(200);
  });
  afterAll(() => app.dispose());

  it('is live and ready without a token', async () => {
    const live = await app.get('/api/health/live', { authorization: 'none' });
    expect(live.status).toBe(200);
    const ready = await app.get('/api/health/ready', { authorization: 'none' });
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { store: { status: 'up', head: 2 }, readModels: { status: 'up', position: 2, lag: 0 }, signingKey: { status: 'up' } },
    });
  });

  it('keeps GET /api/health as it was', async () => {
    const res = await app.get('/api/health', { authorization: 'none' });
    expect(res.body).toEqual({ status: 'ok', position: 2 });
  });

  it('serves Prometheus metrics at /metrics without a token, in the text format', async () => {
    const res = await app.get('/metrics', { authorization: 'none' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = new Map(parsePrometheusTextFormat(res.text).map((f) => [f.name, f]));

    expect(families.get('dgr_http_request_duration_seconds')?.type).toBe('HISTOGRAM');
    // The parser flattens a labelled histogram into its buckets (it keeps labels of plain samples only), so
    // the per-route counts are read by parsing the family's _count series on their own.
    const counts = parsePrometheusTextFormat(res.text.split('\n').filter((l) => l.startsWith('dgr_http_request_duration_seconds_count{')).join('\n') + '\n');
    const samples = counts[0]!.metrics;
    const count = (method: string, route: string, status: string): number =>
      Number(samples.find((m) => m.labels?.method === method && m.labels.route === route && m.labels.status === status)?.value ?? 0);
    expect(count('GET', '/api/initiatives/:id', '200')).toBeGreaterThanOrEqual(1);
    expect(count('POST', '/api/initiatives/:id/decisions', '201')).toBe(1);
    expect(samples.every((m) => !m.labels?.route?.includes(id))).toBe(true);

    expect(Number(families.get('dgr_append_duration_seconds')?.metrics[0]?.count)).toBeGreaterThanOrEqual(2);
    expect(Number(families.get('dgr_group_commit_appends')?.metrics[0]?.count)).toBeGreaterThanOrEqual(1);
    expect(families.get('dgr_projection_lag_events')?.metrics[0]?.value).toBe('0');
    expect(families.get('dgr_read_models_position')?.metrics[0]?.value).toBe('2');
    expect(families.get('dgr_unreadable_events')?.metrics[0]?.value).toBe('0');
    expect(families.get('dgr_nodejs_eventloop_lag_p99_seconds')?.type).toBe('GAUGE');
    expect(families.get('dgr_process_resident_memory_bytes')?.type).toBe('GAUGE');
  });
});

describe('DGR_METRICS=off', () => {
  let app: HttpApp;
  beforeAll(async () => {
    app = await HttpApp.start({ env: { DGR_METRICS: 'off' } });
  });
  afterAll(() => app.dispose());

  it('serves no /metrics', async () => {
    const res = await app.get('/metrics', { authorization: 'none' });
    expect(res.status).toBe(404);
  });
});
