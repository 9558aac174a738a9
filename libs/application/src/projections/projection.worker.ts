/**
 * The projection worker (ADR 0021): a thread that holds the read-model file's write connection and applies the
 * business read models (initiatives, fund, rule violations) from the log, so that the main thread's event loop
 * does none of it. It reads the log on a read-only connection of its own: at start it catches up from the read
 * models' checkpoints (in large batches, one transaction each), then follows the log — woken by the main thread
 * when a command appended (`head`), and polling for other processes' appends. After each committed batch it posts
 * the position reached; the main thread resolves its `waitFor` waiters from these messages. It also prepares the
 * day's statuses (`prepare`), the one other write of the business read models. An event this version cannot read
 * stops it before the event (`stopped`); any other error stops it too (`failed`): the main thread then refuses writes
 * and readiness says why.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Logger, type LoggerService } from '@nestjs/common';
import { CATCH_UP_BATCH, SqliteEventStore, UnreadableEvent, type RecordedEvent } from '@dgr/event-store';
import { ReadModelDb } from '@dgr/read-model-store';
import { FundProjection } from './fund.projection';
import { InitiativesProjection } from './initiatives.projection';
import { ReadModels } from './read-models';
import { RuleViolationsProjection } from './rule-violations.projection';

export const PROJECTION_WORKER_ROLE = 'dgr-projection-worker';

export interface ProjectionWorkerData {
  readonly role: typeof PROJECTION_WORKER_ROLE;
  /** The log (a SQLite file), opened read-only here. */
  readonly storeFile: string;
  /** The read-model file the process holds (its lock, ADR 0020): written here only. */
  readonly readModelFile: string;
  /** How often the log's head is looked at when no `head` message came (another process's appends). */
  readonly pollMs: number;
  /** Events per transaction at most: while behind, a batch takes everything up to it (the commit's cost amortises). */
  readonly maxBatch?: number;
  /** The process's commit signal (SQLITE_COMMIT_SIGNAL): every durable SQLite commit adds to it and notifies. */
  readonly appended: Int32Array;
}

export type ToProjectionWorker =
  | { readonly kind: 'start' }
  | { readonly kind: 'prepare'; readonly id: number; readonly day: string }
  | { readonly kind: 'close' };

export type UnreadableJson = ReturnType<UnreadableEvent['toJSON']>;

export type FromProjectionWorker =
  | { readonly kind: 'log'; readonly level: 'log' | 'warn' | 'error'; readonly context: string; readonly message: string }
  | { readonly kind: 'position'; readonly position: number; readonly dayChanges: number }
  | { readonly kind: 'started'; readonly position: number }
  | { readonly kind: 'stopped'; readonly position: number; readonly unreadable: UnreadableJson }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'prepared'; readonly id: number }
  | { readonly kind: 'closed' };

/** Atomics.waitAsync (Node ≥ 16; not yet in the TypeScript lib this project compiles with). */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

/** While catching up, the log says how far it got every this many events. */
const PROGRESS_EVERY = 50_000;

export const unreadableFromJson = (j: UnreadableJson): UnreadableEvent => new UnreadableEvent(j.position, j.stream, j.type, j.schemaVersion, j.reason, j.detail);

/** The worker's log lines go to the main thread's logger (JSON lines, or silent in tests). */
const forwardingLogger = (port: MessagePort): LoggerService => {
  const post = (level: 'log' | 'warn' | 'error', message: unknown, context: unknown): void =>
    port.postMessage({ kind: 'log', level, context: typeof context === 'string' ? context : 'ReadModels', message: String(message) } satisfies FromProjectionWorker);
  return {
    log: (m: unknown, c?: unknown) => post('log', m, c),
    warn: (m: unknown, c?: unknown) => post('warn', m, c),
    error: (m: unknown, ...rest: unknown[]) => post('error', m, rest[rest.length - 1]),
    debug: () => undefined,
    verbose: () => undefined,
  };
};

class ProjectionWorker {
  private readonly logger = new Logger('ReadModels');
  private readonly store: SqliteEventStore;
  private readonly db: ReadModelDb;
  private readonly models: ReadModels;
  private position = 0;
  /** The commit signal's count when the log was last read to its end. */
  private seenAppends = 0;
  private halted = false;
  private closing = false;
  private wake: (() => void) | null = null;
  private readonly started: Promise<void>;
  private markStarted!: () => void;
  private readonly maxBatch: number;

  constructor(
    private readonly port: MessagePort,
    private readonly data: ProjectionWorkerData,
  ) {
    this.store = new SqliteEventStore(data.storeFile, { readOnly: true });
    this.db = new ReadModelDb(data.readModelFile);
    this.models = new ReadModels(new InitiativesProjection(this.db), new FundProjection(this.db), new RuleViolationsProjection(this.db));
    this.maxBatch = data.maxBatch ?? CATCH_UP_BATCH;
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  private post(m: FromProjectionWorker): void {
    this.port.postMessage(m);
  }

  onMessage(m: ToProjectionWorker): void {
    switch (m.kind) {
      case 'start':
        void this.run();
        return;
      case 'prepare':
        void this.started
          .then(() => (this.closing ? undefined : this.models.initiatives.prepareStatuses(m.day)))
          .finally(() => this.post({ kind: 'prepared', id: m.id }));
        return;
      case 'close':
        this.closing = true;
        this.wakeUp();
        return;
    }
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async run(): Promise<void> {
    try {
      await this.catchUp();
      this.post({ kind: 'started', position: this.position });
      this.markStarted();
      while (!this.closing) {
        // Read before the log: an append told of while it is read is not missed (the wait then returns at once).
        this.seenAppends = Atomics.load(this.data.appended, 0);
        if (!this.halted) await this.follow(Number.MAX_SAFE_INTEGER);
        if (!this.closing) await this.idle();
      }
    } catch (e) {
      this.halted = true;
      this.markStarted();
      this.post({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
      while (!this.closing) await this.idle();
    }
    this.close();
  }

  /** As the in-process runner's start (ADR 0018): resume from the checkpoints, a cold build with bulk writes. */
  private async catchUp(): Promise<void> {
    await this.models.checkAgainst(this.store);
    const head = await this.store.headPosition();
    const from = Math.min(this.models.position, head);
    this.position = from;
    if (from >= head) return;
    this.logger.log(from === 0 ? `Read models are built from the log's ${head} events` : `Read models resume at position ${from}; the log's head is ${head}`);
    this.models.beginCatchUp();
    try {
      await this.follow(head, { from, head, logged: from });
      if (!this.halted) this.logger.log(`Read models caught up with ${head} events`);
    } finally {
      const started = performance.now();
      this.models.endCatchUp();
      this.db.truncateWal();
      const ms = performance.now() - started;
      if (ms >= 1000) this.logger.log(`Read models: indexes and checkpoint written in ${(ms / 1000).toFixed(1)} s`);
    }
  }

  /** Applies what the log holds after the position, up to `until`, in batches of up to maxBatch events. */
  private async follow(until: number, progress?: { from: number; head: number; logged: number }): Promise<void> {
    while (!this.halted && !this.closing && this.position < until) {
      const batch = await this.store.readAll(this.position, Math.min(this.maxBatch, until - this.position));
      if (batch.length === 0) return;
      this.apply(batch);
      if (progress && this.position - progress.logged >= PROGRESS_EVERY) {
        progress.logged = this.position;
        this.logger.log(`Read models: ${this.position - progress.from} of ${progress.head - progress.from} events applied (position ${this.position} of ${progress.head})`);
      }
      // A turn of this thread's loop between batches: a `prepare` or `close` is heard.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private apply(batch: readonly RecordedEvent[]): void {
    const fresh = batch.filter((e) => e.position > this.position);
    if (fresh.length === 0) return;
    const { applied, error } = this.models.applyBatch(fresh);
    if (applied > 0) this.position = fresh[applied - 1]!.position;
    if (error === null) {
      this.post({ kind: 'position', position: this.position, dayChanges: this.models.initiatives.dayChanges });
      return;
    }
    const event = fresh[applied]!;
    const unreadable =
      error instanceof UnreadableEvent
        ? error
        : new UnreadableEvent(event.position, event.stream, event.type, event.metadata?.schemaVersion, 'malformed', `the read models refuse it: ${String(error)}`);
    this.halted = true;
    this.post({ kind: 'stopped', position: this.position, unreadable: unreadable.toJSON() });
  }

  /** Until a commit of this process (the shared commit signal), a close (message), or the poll's time (another process's appends). */
  private async idle(): Promise<void> {
    if (this.closing) return;
    if (this.halted) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      return;
    }
    const told = waitAsync(this.data.appended, 0, this.seenAppends, this.data.pollMs);
    if (!told.async) return;
    await Promise.race([told.value, new Promise<void>((resolve) => (this.wake = resolve))]);
    this.wake = null;
  }

  private close(): void {
    try {
      this.db.close();
    } finally {
      void this.store.close().finally(() => this.post({ kind: 'closed' }));
    }
  }
}

if (!isMainThread && parentPort && (workerData as { role?: string } | null)?.role === PROJECTION_WORKER_ROLE) {
  const port = parentPort;
  Logger.overrideLogger(forwardingLogger(port));
  try {
    const worker = new ProjectionWorker(port, workerData as ProjectionWorkerData);
    port.on('message', (m: ToProjectionWorker) => worker.onMessage(m));
  } catch (e) {
    port.postMessage({ kind: 'failed', message: e instanceof Error ? e.message : String(e) } satisfies FromProjectionWorker);
  }
}
