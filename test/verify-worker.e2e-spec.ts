/**
 * GET /api/audit/verify runs its whole-log check in a worker thread (apps/api/src/audit/verify-in-worker.ts,
 * issue 13): the server's own connection reads none of the log for it, other requests are answered while it
 * runs, two at once share one check, and a check that cannot run is a 503 problem. (That the worker still finds
 * a tampered or unreadable log is test/audit-verify.e2e-spec.ts, which goes through the same worker.)
 */
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { SqliteEventStore, type RecordedEvent } from '@dgr/event-store';
import { expectProblem, HttpApp, propose } from './support/http-app';

/** A message to the verify worker (VerifyInWorker posts {id, job}), not one to the store's commit thread. */
const isVerifyJob = (message: unknown): boolean => typeof message === 'object' && message !== null && 'job' in message;

describe('GET /api/audit/verify in a worker thread', () => {
  let app: HttpApp;

  beforeEach(async () => {
    app = await HttpApp.start();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await app.dispose();
  });

  it("reads the log on a connection of its own: the server's connection returns none of the log's events for it", async () => {
    for (let i = 0; i < 4; i += 1) await propose(app, { title: `Initiativ ${i}` });
    const readAll = SqliteEventStore.prototype.readAll;
    const returned: number[] = [];
    // Only the server's thread sees this spy: the worker is another isolate with its own module.
    jest.spyOn(SqliteEventStore.prototype, 'readAll').mockImplementation(async function (this: SqliteEventStore, after: number, max: number): Promise<RecordedEvent[]> {
      const page = await readAll.call(this, after, max);
      returned.push(...page.map((e) => e.position));
      return page;
    });
    const res = await app.get('/api/audit/verify');
    expect(res.body).toMatchObject({ ok: true, events: 4, streams: 4, mismatchCount: 0 });
    // The checkpoint the check is made against names when its last event was recorded: one read of event 4.
    expect(returned).toEqual([4]);
  });

  it('answers GET /api/health while a verify runs', async () => {
    for (let i = 0; i < 3; i += 1) await propose(app, { title: `Initiativ ${i}` });
    const finished: string[] = [];
    const verify = app.get('/api/audit/verify').then((res) => (finished.push('verify'), res));
    // Sent once the verify has reached the worker (so it is under way), before it has answered.
    await new Promise<void>((resolve) => {
      const spy = jest.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
        spy.mockRestore();
        this.postMessage(...args);
        resolve();
      });
    });
    const health = await app.get('/api/health').then((res) => (finished.push('health'), res));
    expect(health.status).toBe(200);
    expect((await verify).body).toMatchObject({ ok: true, events: 3 });
    expect(finished).toEqual(['health', 'verify']);
  });

  it('shares one check between two requests that arrive together', async () => {
    await propose(app);
    const spy = jest.spyOn(Worker.prototype, 'postMessage');
    // The store's commit thread is a worker too (ADR 0019): only verify jobs count.
    const jobs = (): number => spy.mock.calls.filter(([m]) => isVerifyJob(m)).length;
    const [a, b] = await Promise.all([app.get('/api/audit/verify'), app.get('/api/audit/verify')]);
    expect(a.body).toMatchObject({ ok: true, events: 1 });
    expect(b.body).toEqual(a.body);
    expect(jobs()).toBe(1);
    // Once it has answered, the next request runs a check of its own.
    await propose(app, { title: 'Andra' });
    expect((await app.get('/api/audit/verify')).body).toMatchObject({ ok: true, events: 2 });
    expect(jobs()).toBe(2);
  });

  it('is a 503 problem, with Retry-After, when the worker cannot open the store', async () => {
    await propose(app);
    // The server keeps its open connection to the removed file; the worker finds no file to open.
    fs.rmSync(app.sqliteFile);
    const res = await app.get('/api/audit/verify');
    const problem = expectProblem(res, 503);
    expect(problem.code).toBe('verify-failed');
    expect(problem.detail).toMatch(/^Kontrollen av loggen kunde inte köras: .+Försök igen om en stund\.$/);
    expect(res.headers['retry-after']).toBe('10');
    expect((await app.get('/api/health')).status).toBe(200);
  });
});
