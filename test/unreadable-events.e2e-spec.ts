/**
 * An event this version cannot read (ADR 0011), crafted into a real SQLite log with a correct hash: the
 * server still starts, reads answer from the state before the event, GET /api/health/ready answers 503
 * naming it, writes answer 503 with Retry-After within 5 s, GET /api/health/live stays 200.
 */
import { SqliteEventStore, type NewEvent } from '@dgr/event-store';
import { decision, HttpApp, propose } from './support/http-app';

const crafted = (type: string, data: unknown, schemaVersion: unknown): NewEvent => ({
  id: `crafted-${type}-${String(schemaVersion)}`,
  type,
  data,
  metadata: { recordedAt: '2025-06-15T09:00:00.000Z', correlationId: 'crafted', causationId: null, schemaVersion: schemaVersion as number, actor: null },
});

/** Appends `event` to `stream` in the app's file while the app is stopped, then starts it again. */
const craftInto = async (app: HttpApp, stream: string, event: NewEvent): Promise<number> => {
  await app.stop();
  const store = new SqliteEventStore(app.sqliteFile);
  const head = (await store.readStream(stream)).length;
  const { position } = await store.append(stream, [event], head === 0 ? 'no_stream' : head - 1);
  await store.close();
  await app.restart();
  return position;
};

describe.each([
  {
    name: 'an event of a future type',
    event: (id: string) => crafted('InitiativeMerged', { initiativeId: id, into: 'another' }, 1),
    reason: 'unknown-type',
  },
  {
    name: 'a decision of a newer version',
    event: (id: string) => crafted('PartyDecisionRegistered', { ...decision('1715'), initiativeId: id, registeredAt: '2025-06-15T09:00:00.000Z' }, 4),
    reason: 'newer-version',
  },
  {
    name: 'a malformed decision (no party) that the upcaster refuses',
    event: (id: string) => crafted('PartyDecisionRegistered', { initiativeId: id, outcome: 'approved', decidedOn: '2024-04-15', registeredAt: '2025-06-15T09:00:00.000Z' }, 1),
    reason: 'upcast-refused',
  },
])('$name in the log', ({ event, reason }) => {
  let app: HttpApp;
  let id: string;
  let position: number;
  let before: unknown;

  beforeAll(async () => {
    app = await HttpApp.start();
    expect((await app.post('/api/fund/deposits', { amountOre: 1_000_000, source: 'Region Värmland', bookedOn: '2025-01-02', reference: 'V-1' })).status).toBe(201);
    id = await propose(app);
    expect((await app.post(`/api/initiatives/${id}/decisions`, decision('1780'))).status).toBe(201);
    before = (await app.get(`/api/initiatives/${id}`)).body;
    position = await craftInto(app, `initiative-${id}`, event(id));
  });
  afterAll(() => app.dispose());

  it('the service starts and answers reads from the state before the event', async () => {
    const res = await app.get(`/api/initiatives/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(before);
    expect(await app.position()).toBe(position - 1);
  });

  it('live is 200', async () => {
    const res = await app.get('/api/health/live', { authorization: 'none' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });

  it('ready is 503 problem+json naming the position, stream, type and reason', async () => {
    const res = await app.get('/api/health/ready', { authorization: 'none' });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 503,
      code: 'not-ready',
      event: { position, stream: `initiative-${id}`, type: event(id).type, reason },
    });
    expect(res.body.detail).toContain(`position ${position}`);
    expect(res.body.checks.error.readModels.status).toBe('down');
  });

  it('a write answers 503 with Retry-After within 5 s and writes nothing', async () => {
    const started = Date.now();
    const res = await app.post('/api/fund/deposits', { amountOre: 5, source: 'Region Värmland', bookedOn: '2025-01-03', reference: 'V-2' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({ code: 'unreadable-event', event: { position, reason } });
    const decided = await app.post(`/api/initiatives/${id}/decisions`, decision('1730'));
    expect(decided.status).toBe(503);
    expect(await app.position()).toBe(position - 1);
  });

  it('GET /api/health stays as it was', async () => {
    const res = await app.get('/api/health', { authorization: 'none' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', position: position - 1 });
  });
});
