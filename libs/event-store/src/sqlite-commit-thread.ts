import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fromWire, type CommitOutcome, type TextAppend, type WireError } from './sqlite-appender';
import { COMMIT_THREAD_ROLE, type CommitThreadData } from './sqlite-commit.worker';

/** The worker's script beside this file: sqlite-commit.worker.js in dist/, .ts when the sources run under jest. */
const SCRIPT = path.join(__dirname, `sqlite-commit.worker${path.extname(__filename)}`);

/**
 * Under jest (ts-jest) the sources are TypeScript, which a worker thread cannot load by itself: the worker then
 * first registers tools/ts-worker-loader.cjs (as the verify worker does). dist/ runs the JavaScript directly.
 */
const newWorker = (file: string): Worker => {
  const workerData: CommitThreadData = { role: COMMIT_THREAD_ROLE, file };
  return SCRIPT.endsWith('.ts')
    ? new Worker(`require(${JSON.stringify(path.resolve(__dirname, '..', '..', '..', 'tools', 'ts-worker-loader.cjs'))}); require(${JSON.stringify(SCRIPT)});`, {
        eval: true,
        workerData,
      })
    : new Worker(SCRIPT, { workerData });
};

interface InFlight {
  readonly resolve: (outcomes: CommitOutcome[]) => void;
  readonly reject: (e: Error) => void;
}

/**
 * The store's commit thread (ADR 0001): one worker with its own connection, one group commit at a time. It keeps
 * the process alive only while a commit is in flight. A worker that fails or exits fails the commit it held
 * (nothing of it is acknowledged; SQLite rolls an unfinished transaction back); the next commit starts a new one.
 */
export class SqliteCommitThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();

  constructor(private readonly file: string) {}

  commit(requests: TextAppend[][]): Promise<CommitOutcome[]> {
    return new Promise((resolve, reject) => {
      const worker = this.started();
      const id = this.nextId++;
      this.inFlight.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, requests });
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = newWorker(this.file);
    worker.unref();
    worker.on('message', (m: { id: number; outcomes?: CommitOutcome[]; failure?: WireError }) => {
      const waiting = this.inFlight.get(m.id);
      this.inFlight.delete(m.id);
      if (this.inFlight.size === 0) worker.unref();
      if (!waiting) return;
      if (m.failure) waiting.reject(fromWire(m.failure));
      else waiting.resolve(m.outcomes!);
    });
    const fail = (e: Error): void => {
      if (this.worker === worker) this.worker = null;
      const waiting = [...this.inFlight.values()];
      this.inFlight.clear();
      for (const w of waiting) w.reject(e);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the store's commit thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
