/**
 * The two time axes and replay, on a real SQLite file through the real handlers:
 * - `knownAt` answers with only what the service had recorded by an instant;
 * - a replay from an empty state gives exactly the live read models (same canonical hash).
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DgrApplicationModule,
  ProjectionRunner,
  ProposeInitiativeCommand,
  Queries,
  ReadModels,
  RegisterPartyDecisionCommand,
  replay,
  EVENT_STORE,
  FundProjection,
  InitiativesProjection,
} from '@dgr/application';
import { PARTY_IDS } from '@dgr/domain';
import { canonicalJson, SqliteEventStore, type EventStore } from '@dgr/event-store';
import { demoHistory } from '../apps/cli/src/demo-history';
import { playDemo } from '../apps/cli/src/seed-demo';
import { expectProblem, HttpApp, proposal } from './support/http-app';

const hashOf = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex');

const open = async (file: string, clock: { now: () => string }): Promise<INestApplicationContext> => {
  const app = await NestFactory.createApplicationContext(
    DgrApplicationModule.register({ store: () => new SqliteEventStore(file), clock }),
    { logger: false },
  );
  await app.get(ProjectionRunner).start();
  return app;
};

describe('knownAt: what the service knew at an instant', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dgr-known-at-'));
  let now = '2024-12-20T10:00:00.000Z';
  let app: INestApplicationContext;
  const id = randomUUID();
  const ctx = { correlationId: 'known-at', actor: null };

  beforeAll(async () => {
    app = await open(join(dir, 'dgr.sqlite'), { now: () => now });
    const bus = app.get(CommandBus);
    await bus.execute(
      new ProposeInitiativeCommand(
        { initiativeId: id, title: 'Sent registrerat beslut', summary: 's', proposedBy: '1780', proposedOn: '2024-02-01', requestedAmountOre: 0, transportProgramme: true },
        ctx,
      ),
    );
    const decide = (party: (typeof PARTY_IDS)[number]) =>
      bus.execute(
        new RegisterPartyDecisionCommand(
          { initiativeId: id, party, outcome: 'approved', decidedOn: '2024-12-18', body: 'kommunfullmäktige', minuteReference: '§ 1' },
          ctx,
        ),
      );
    for (const party of PARTY_IDS.slice(0, 16)) await decide(party);
    // Säffle decided on 18 December, but its clerk registers it only on 10 January.
    now = '2025-01-10T09:00:00.000Z';
    await decide('1785');
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('today, with everything known: consensus reached on 2024-12-18, before the deadline', async () => {
    const view = await app.get(Queries).view();
    expect(view.getInitiative(id, '2024-12-31')).toMatchObject({ status: 'consensus', consensus: { reachedOn: '2024-12-18', missing: [] } });
  });

  it('known on 2025-01-01: on 2024-12-31 it was still open, Säffle missing', async () => {
    const view = await app.get(Queries).view('2025-01-01T00:00:00+01:00');
    expect(view.getInitiative(id, '2024-12-31')).toMatchObject({ status: 'open', consensus: { missing: ['1785'], reachedOn: null } });
    expect(view.getInitiative(id, '2025-01-05')).toMatchObject({ status: 'lapsed' });
  });

  it('known before the proposal was recorded: nothing at all', async () => {
    const view = await app.get(Queries).view('2024-12-20T09:59:59Z');
    expect(view.listInitiatives('2024-12-31')).toEqual([]);
  });
});

describe('replay: the read models rebuilt from an empty state equal the live ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dgr-replay-'));
  const file = join(dir, 'dgr.sqlite');
  let app: INestApplicationContext;

  beforeAll(async () => {
    app = await open(file, { now: () => '2026-11-23T12:00:00.000Z' });
    await playDemo(app.get(CommandBus), demoHistory('2026-11-23'));
  }, 120_000);

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has the same canonical hash of the whole state', async () => {
    const live = new ReadModels(app.get(InitiativesProjection), app.get(FundProjection));
    const { models, applied } = await replay(app.get<EventStore>(EVENT_STORE));
    expect(applied).toBe(app.get(ProjectionRunner).caughtUpTo);
    expect(hashOf(models.snapshot())).toBe(hashOf(live.snapshot()));
  });

  it('up to a position gives a different, smaller state (the hash is not trivially equal)', async () => {
    const live = new ReadModels(app.get(InitiativesProjection), app.get(FundProjection));
    const { models, lastPosition } = await replay(app.get<EventStore>(EVENT_STORE), { untilPosition: 20 });
    expect(lastPosition).toBe(20);
    expect(hashOf(models.snapshot())).not.toBe(hashOf(live.snapshot()));
  });
});

describe('knownAt over HTTP', () => {
  let http: HttpApp;

  beforeAll(async () => {
    http = await HttpApp.start();
    expect((await http.post('/api/initiatives', proposal())).status).toBe(201);
  });

  afterAll(async () => {
    await http.dispose();
  });

  it('before anything was recorded: empty answers; after: the initiative', async () => {
    expect((await http.get('/api/initiatives?knownAt=2020-01-01T00:00:00Z')).body).toEqual([]);
    expect((await http.get('/api/fund/ledger?knownAt=2020-01-01T00:00:00Z')).body).toEqual([]);
    expect((await http.get('/api/initiatives?knownAt=2030-01-01T00:00:00%2B01:00')).body).toHaveLength(1);
  });

  it('refuses an instant without a time zone, naming knownAt', async () => {
    const problem = expectProblem(await http.get('/api/initiatives?knownAt=2024-02-01'), 400);
    expect(problem.errors).toEqual([{ field: 'knownAt', message: expect.stringContaining('tidszon') }]);
  });
});
