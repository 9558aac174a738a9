/**
 * The whole HTTP API on the EventStoreDB adapter, over the in-process FAKE of its client (no EventStoreDB server
 * runs where the tests run; the adapter's contract against a real server is
 * libs/event-store/src/eventstoredb-server.spec.ts). Not one line of the API or the domain knows which store
 * it runs on: the same requests give the same answers as on SQLite, a retried request is written once, the
 * audit's check of every hash passes, and a restart (a new connection, a new index) finds everything again at
 * the same positions.
 */
import { EventStoreDbEventStore, SqliteEventStore } from '@dgr/event-store';
import { FakeEventStoreDbClient } from '@dgr/event-store/testing';
import { decideAll, HttpApp, propose, type Json } from './support/http-app';

/** The same story on any store: a deposit, an initiative decided by all 17 parties, granted and paid out, one blocked. */
const story = async (app: HttpApp): Promise<{ granted: string; blocked: string }> => {
  expect((await app.post('/api/fund/deposits', { amountOre: 2_000_000_000, source: 'Region Värmland', bookedOn: '2024-01-10', reference: 'VER-1' })).status).toBe(201);
  const granted = await propose(app, { title: 'Kompetensplattform Värmland', requestedAmountOre: 600_000_000 });
  await decideAll(app, granted);
  expect((await app.post(`/api/initiatives/${granted}/grant`, { amountOre: 600_000_000, decidedOn: '2024-09-02', reference: 'RV 2024/1' })).status).toBe(201);
  expect((await app.post('/api/fund/withdrawals', { initiativeId: granted, amountOre: 250_000_000, bookedOn: '2024-10-01', reference: 'VER-2' })).status).toBe(201);
  const blocked = await propose(app, { title: 'Årjängs § 112 – ett nej' });
  await decideAll(app, blocked, { parties: ['17', '1715'], outcomes: { '1715': 'rejected' } });
  return { granted, blocked };
};

/** What an auditor sees, without the ids that differ between two runs of the story. */
const answers = async (app: HttpApp, ids: { granted: string; blocked: string }): Promise<Record<string, Json>> => {
  const get = async (url: string) => {
    const res = await app.get(url);
    expect(res.status).toBe(200);
    return res.body;
  };
  const strip = (initiative: Json) => ({ ...initiative, id: undefined });
  return {
    fund: await get('/api/fund'),
    years: await get('/api/fund/years'),
    ledger: (await get('/api/fund/ledger')).map((b: Json) => ({ ...b, initiativeId: undefined })),
    granted: strip(await get(`/api/initiatives/${ids.granted}`)),
    blocked: strip(await get(`/api/initiatives/${ids.blocked}`)),
    history: (await get(`/api/initiatives/${ids.granted}/events`)).map((e: Json) => [e.type, e.position]),
    position: await app.position(),
  };
};

describe('the API on EventStoreDB (adapter over the in-process FAKE client)', () => {
  const server = new FakeEventStoreDbClient();
  let esdb: HttpApp;
  let sqlite: HttpApp;
  let ids: { granted: string; blocked: string };
  let onSqlite: Record<string, Json>;

  beforeAll(async () => {
    // Each start opens its own connection to the same fake server, as a restarted process would.
    esdb = await HttpApp.start({ store: () => EventStoreDbEventStore.open(server.connectAnother()) });
    sqlite = await HttpApp.start();
    ids = await story(esdb);
    onSqlite = await answers(sqlite, await story(sqlite));
  }, 60_000);

  afterAll(async () => {
    await esdb?.dispose();
    await sqlite?.dispose();
  });

  it('gives the answers it gives on SQLite, at the same positions', async () => {
    const onEsdb = await answers(esdb, ids);
    expect(onEsdb.fund).toEqual({ balanceOre: 1_750_000_000, committedOre: 350_000_000, availableOre: 1_400_000_000 });
    expect(onEsdb.granted).toMatchObject({ status: 'consensus', grantedOre: 600_000_000, withdrawnOre: 250_000_000 });
    expect(onEsdb.blocked).toMatchObject({ status: 'blocked' });
    expect(onEsdb).toEqual(onSqlite);
  });

  it('stores the events in EventStoreDB streams named as on SQLite, between the server’s own system events', async () => {
    const streams = new Set(server.all.map((e) => e.streamId));
    expect([...streams].filter((s) => !s.startsWith('$') && !s.startsWith('idempotency-')).sort()).toEqual(
      ['fund-dgr', `initiative-${ids.blocked}`, `initiative-${ids.granted}`].sort(),
    );
    expect(server.all.some((e) => e.type.startsWith('$'))).toBe(true);
  });

  it('writes a request retried with its Idempotency-Key once, and answers it as the first time', async () => {
    const body = { amountOre: 1_000, source: 'Säffle kommun', bookedOn: '2024-11-01', reference: 'VER-3' };
    const first = await esdb.post('/api/fund/deposits', body, { 'idempotency-key': 'deposit-saffle-1' });
    const again = await esdb.post('/api/fund/deposits', body, { 'idempotency-key': 'deposit-saffle-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(server.all.filter((e) => e.type === 'FundDeposited')).toHaveLength(2);
  });

  it('passes the audit’s check of every hash, chain and position, read back from EventStoreDB', async () => {
    const res = await esdb.get('/api/audit/verify');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, events: await esdb.position(), mismatchCount: 0 });
  });

  it('after a restart on a new connection, every answer is the same, at the same positions', async () => {
    const before = await answers(esdb, ids);
    const checkpoint = (await esdb.get('/api/audit/checkpoint')).body;
    await esdb.restart();
    expect(await answers(esdb, ids)).toEqual(before);
    expect((await esdb.get('/api/audit/checkpoint')).body).toMatchObject({ size: checkpoint.size, root: checkpoint.root });
  });

  it('two instances on one database: each sees the other’s writes, and a race on one initiative has one winner', async () => {
    const second = await HttpApp.start({ store: () => EventStoreDbEventStore.open(server.connectAnother()) });
    try {
      const id = await propose(esdb, { title: 'Två instanser' });
      const position = await esdb.position();
      // The second instance's read models follow the log through its own subscription.
      for (let i = 0; i < 200 && (await second.position()) < position; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await second.position()).toBe(position);
      expect((await second.get(`/api/initiatives/${id}`)).body).toEqual((await esdb.get(`/api/initiatives/${id}`)).body);

      // Karlstad's decision, registered at the same moment through both instances: one is written, the other refused.
      const body = { party: '1780', outcome: 'approved', decidedOn: '2024-04-15', body: 'kommunfullmäktige', minuteReference: '§ 1' };
      const answers = await Promise.all([esdb.post(`/api/initiatives/${id}/decisions`, body), second.post(`/api/initiatives/${id}/decisions`, body)]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      const stream = server.all.filter((e) => e.streamId === `initiative-${id}`);
      expect(stream.map((e) => e.type)).toEqual(['InitiativeProposed', 'PartyDecisionRegistered']);
    } finally {
      await second.dispose();
    }
  });

  it('is not a SQLite store in disguise', async () => {
    // The SQLite file of the app's configuration is never opened with DGR_STORE's store given.
    const file = new SqliteEventStore(esdb.sqliteFile);
    expect(await file.headPosition()).toBe(0);
    await file.close();
  });
});
