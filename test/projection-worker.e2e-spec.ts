/**
 * The projection worker (ADR 0021, DGR_READ_MODEL_WORKER=true): the business read models are applied on a worker
 * thread that holds the read-model file's write connection; the main thread reads them read-only. A command's
 * answer still waits for its own position (read-your-writes), a cold catch-up leaves the event loop turning
 * (counted in turns, no clock), the rows equal a replay's, and a worker that dies makes writes answer 503 and
 * readiness fail instead of serving stale data silently.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { DgrApplicationModule, ProjectionRunner, ProposeInitiativeCommand, Queries, readModelsHash, replay, ServiceUnavailable } from '@dgr/application';
import { SqliteEventStore } from '@dgr/event-store';
import { ReadModelDb } from '@dgr/read-model-store';
import { decideAll, decision, HttpApp, propose, TODAY } from './support/http-app';
import { turnsDuring } from './support/turns';

const INITIATIVES = 300;

const proposeCommand = (n: number): ProposeInitiativeCommand =>
  new ProposeInitiativeCommand(
    {
      initiativeId: `00000000-0000-4000-8000-${String(n + 1).padStart(12, '0')}`,
      title: `Initiativ ${n}`,
      summary: 's',
      proposedBy: '1780',
      proposedOn: '2026-03-01',
      requestedAmountOre: 1000,
      transportProgramme: true,
      decisionDeadline: '2026-12-31',
    },
    { correlationId: 'worker', actor: null },
  );

const clock = { now: () => '2026-11-23T12:00:00.000Z' };

describe('the projection worker over a SQLite log (application context)', () => {
  let dir: string;
  let logFile: string;
  let app: INestApplicationContext | null = null;

  const open = async (worker: boolean): Promise<INestApplicationContext> => {
    const readModels = ReadModelDb.openExclusive(path.join(dir, worker ? 'worker-read-models.sqlite' : 'read-models.sqlite'));
    const context = await NestFactory.createApplicationContext(
      DgrApplicationModule.register({
        store: () => new SqliteEventStore(logFile),
        clock,
        readModels,
        // Small batches: the catch-up below takes several transactions.
        projectionWorker: worker ? { storeFile: logFile, maxBatch: 25 } : undefined,
      }),
      { logger: false },
    );
    return context;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-worker-'));
    logFile = path.join(dir, 'dgr.sqlite');
    // The log, written through the in-process runner.
    const writer = await open(false);
    await writer.get(ProjectionRunner).start();
    const bus = writer.get(CommandBus);
    for (let n = 0; n < INITIATIVES; n++) await bus.execute(proposeCommand(n));
    await writer.close();
  }, 120_000);

  afterEach(async () => {
    await app?.close();
    app = null;
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a cold start catches up on the worker while the event loop keeps turning, and the rows equal a replay', async () => {
    app = await open(true);
    const runner = app.get(ProjectionRunner);
    expect(runner.inWorker).toBe(true);
    // Business read models built from nothing on the worker: the main thread only waits (and hashes the audit leaves).
    expect(await turnsDuring(runner.start())).toBeGreaterThanOrEqual(INITIATIVES / 25);
    expect(runner.caughtUpTo).toBe(INITIATIVES);
    const store = new SqliteEventStore(logFile, { readOnly: true });
    try {
      expect(readModelsHash(runner.readModels)).toBe(readModelsHash((await replay(store)).models));
    } finally {
      await store.close();
    }
  }, 60_000);

  it('a command resolves once the worker applied its event, and a read right after sees it', async () => {
    app = await open(true);
    const runner = app.get(ProjectionRunner);
    await runner.start();
    const bus = app.get(CommandBus);
    const queries = app.get(Queries);
    for (let n = INITIATIVES; n < INITIATIVES + 5; n++) {
      await bus.execute(proposeCommand(n));
      const id = `00000000-0000-4000-8000-${String(n + 1).padStart(12, '0')}`;
      expect(queries.getInitiative(id, '2026-11-23')).toMatchObject({ id, title: `Initiativ ${n}` });
      expect(runner.caughtUpTo).toBe(n + 1);
    }
    // The status filter awaits the day's statuses, which the worker writes (asked by message), then reads them.
    const page = await queries.filterInitiatives({ asOf: '2026-11-23', status: 'open', limit: 10 });
    expect(page.total).toBe(INITIATIVES + 5);
    await runner.prepareStatuses('2026-11-23');
    expect(await queries.filterInitiatives({ asOf: '2026-11-23', status: 'open', limit: 10 })).toEqual(page);
  }, 60_000);

  it('a worker that dies stops the writes (503) instead of leaving the reads stale', async () => {
    app = await open(true);
    const runner = app.get(ProjectionRunner);
    await runner.start();
    await (runner as unknown as { thread: { worker: { terminate(): Promise<number> } } }).thread.worker.terminate();
    await new Promise((resolve) => setImmediate(resolve));
    expect(runner.failure).toMatch(/projection worker/);
    expect(() => runner.assertReadable()).toThrow(ServiceUnavailable);
    await expect(app.get(CommandBus).execute(proposeCommand(9999))).rejects.toBeInstanceOf(ServiceUnavailable);
  }, 60_000);
});

describe('the projection worker in the HTTP app (DGR_READ_MODEL_WORKER=true)', () => {
  let app: HttpApp;

  beforeAll(async () => {
    app = await HttpApp.start({ env: { DGR_READ_MODEL_WORKER: 'true' } });
  }, 60_000);

  afterAll(async () => {
    await app.dispose();
  });

  it('runs the business read models on the worker', () => {
    expect(app.nest.get(ProjectionRunner).inWorker).toBe(true);
  });

  it('each decision is read back at once (read-your-writes through the worker)', async () => {
    const id = await propose(app);
    for (const party of ['1780', '1715', '1730']) {
      const res = await app.post(`/api/initiatives/${id}/decisions`, decision(party));
      expect(res.status).toBe(201);
      const read = await app.get(`/api/initiatives/${id}`);
      expect(read.status).toBe(200);
      expect(read.body.decisions.map((d: { party: string }) => d.party)).toContain(party);
    }
    const other = await propose(app, { title: 'Andra initiativet' });
    await decideAll(app, other);
    const read = await app.get(`/api/initiatives/${other}`);
    expect(read.body.consensus?.status ?? read.body.status).toBeDefined();
    const list = await app.get(`/api/initiatives?asOf=${TODAY}`);
    expect(list.status).toBe(200);
    expect(list.headers['x-total-count']).toBe('2');
  }, 60_000);

  it('readiness fails, and writes answer 503, once the worker died', async () => {
    expect((await app.get('/api/health/ready', { authorization: 'none' })).status).toBe(200);
    const runner = app.nest.get(ProjectionRunner);
    await (runner as unknown as { thread: { worker: { terminate(): Promise<number> } } }).thread.worker.terminate();
    await new Promise((resolve) => setImmediate(resolve));
    const ready = await app.get('/api/health/ready', { authorization: 'none' });
    expect(ready.status).toBe(503);
    expect(ready.body.checks.error.readModels).toMatchObject({ status: 'down', message: expect.stringMatching(/projection worker/) });
    const write = await propose(app).catch((e: Error) => e);
    expect(write).toBeInstanceOf(Error);
    expect(String(write)).toMatch(/503/);
  }, 60_000);
});
