import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { OnApplicationShutdown } from '@nestjs/common';
import { ServiceUnavailable, type StoreCheck, type StoreRecheck, type StoreRecheckRun, type StoreVerification } from '@dgr/application';
import type { Config } from '@dgr/config';
import type { RecheckJob, VerifyJob, VerifyOutcome } from './verify-job';

/** The worker's script beside this file: verify.worker.js in dist/, verify.worker.ts when the sources run under jest. */
const SCRIPT = path.join(__dirname, `verify.worker${path.extname(__filename)}`);

/** How long an idle worker is kept for the next verify before it is ended (its heap is given back). */
const IDLE_MS = 30_000;

/**
 * Under jest (ts-jest) the sources are TypeScript, which a worker thread cannot load by itself: the worker then
 * first registers tools/ts-worker-loader.cjs (a transpile-only require hook, as ts-jest compiles with
 * isolatedModules). The built server (`npm start`) runs dist/'s JavaScript and never loads it.
 */
const newWorker = (): Worker =>
  SCRIPT.endsWith('.ts')
    ? new Worker(`require(${JSON.stringify(path.resolve(__dirname, '..', '..', '..', '..', 'tools', 'ts-worker-loader.cjs'))}); require(${JSON.stringify(SCRIPT)});`, { eval: true })
    : new Worker(SCRIPT);

/** Why the check could not run, for the 503 answer (problem+json, with Retry-After). */
const unavailable = (reason: string): ServiceUnavailable =>
  new ServiceUnavailable(`Kontrollen av loggen kunde inte köras: ${reason}. Försök igen om en stund.`, 10, null, 'verify-failed');

/**
 * One worker thread, started at the first job and ended after `idleMs` without one (loading the code takes
 * longer than checking a small log; 0: at once, its heap given back). It never keeps the process alive (unref).
 * A worker that fails or exits fails the jobs it held; the next job starts a new one.
 */
class VerifyThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (outcome: VerifyOutcome<unknown>) => void>();
  private idle: NodeJS.Timeout | null = null;

  constructor(private readonly idleMs: number = IDLE_MS) {}

  run<R>(job: VerifyJob | RecheckJob): Promise<R> {
    return new Promise((resolve, reject) => {
      let worker: Worker;
      try {
        worker = this.started();
      } catch (e) {
        reject(unavailable(e instanceof Error ? e.message : String(e)));
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, (outcome) => (outcome.ok ? resolve(outcome.result as R) : reject(unavailable(outcome.message))));
      if (this.idle) clearTimeout(this.idle);
      this.idle = null;
      worker.postMessage({ id, job });
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = newWorker();
    worker.unref();
    worker.on('message', ({ id, outcome }: { id: number; outcome: VerifyOutcome<unknown> }) => {
      const settle = this.pending.get(id);
      this.pending.delete(id);
      settle?.(outcome);
      if (this.pending.size === 0 && this.worker === worker) {
        if (this.idleMs === 0) return this.end(worker);
        this.idle = setTimeout(() => this.end(worker), this.idleMs);
        this.idle.unref();
      }
    });
    const fail = (message: string): void => {
      if (this.worker !== worker) return;
      this.worker = null;
      for (const settle of this.pending.values()) settle({ ok: false, message });
      this.pending.clear();
    };
    worker.on('error', (e) => fail(e.message));
    worker.on('exit', (code) => fail(`arbetstråden avslutades (kod ${code}) utan svar`));
    this.worker = worker;
    return worker;
  }

  /** Ends the worker now; the jobs it held fail (503). */
  async close(): Promise<void> {
    const worker = this.worker;
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    if (!worker) return;
    await worker.terminate();
  }

  private end(worker: Worker): void {
    if (this.worker !== worker || this.pending.size > 0) return;
    this.worker = null;
    this.idle = null;
    void worker.terminate();
  }
}

/**
 * The StoreCheck of the API (ADR 0017): the whole-log check of GET /api/audit/verify runs in a
 * `node:worker_threads` Worker that opens the configured store itself, so the event loop stays free for other
 * requests while the log is read and hashed. One per app (create-app.ts); its worker ends with the app.
 *
 * Also the StoreRecheckRun: the re-check after a resumed start runs in a worker thread of its own, which lowers its
 * CPU priority to the lowest (nice 19, `lowPriority`) and ends as soon as the re-check is done.
 */
export class VerifyInWorker implements OnApplicationShutdown {
  private readonly thread = new VerifyThread();
  private readonly recheckThread = new VerifyThread(0);

  constructor(
    private readonly config: Pick<Config, 'store' | 'sqliteFile' | 'blobDir'>,
    private readonly options: { pageSize?: number; recheckLowPriority?: boolean } = {},
  ) {}

  readonly recheck: StoreRecheckRun = () =>
    this.recheckThread.run<StoreRecheck>({
      kind: 'recheck',
      config: { store: this.config.store, sqliteFile: this.config.sqliteFile },
      lowPriority: this.options.recheckLowPriority ?? true,
      pageSize: this.options.pageSize,
    });

  readonly check: StoreCheck = ({ against }) => {
    const publicKey = against?.publicKey;
    return this.thread.run<StoreVerification>({
      config: { store: this.config.store, sqliteFile: this.config.sqliteFile, blobDir: this.config.blobDir },
      against: against && {
        checkpoint: against.checkpoint,
        publicKey: publicKey === undefined || typeof publicKey === 'string' ? publicKey : publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
      pageSize: this.options.pageSize,
    });
  };

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.thread.close(), this.recheckThread.close()]);
  }
}
