import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { SQLITE_COMMIT_SIGNAL, type UnreadableEvent } from '@dgr/event-store';
import {
  PROJECTION_WORKER_ROLE,
  unreadableFromJson,
  type FromProjectionWorker,
  type ProjectionWorkerData,
  type ToProjectionWorker,
} from './projection.worker';

/** The worker's script beside this file: projection.worker.js in dist/, .ts when the sources run under jest. */
const SCRIPT = path.join(__dirname, `projection.worker${path.extname(__filename)}`);

/** How long a close waits for the worker to finish its batch and close its connections before it is ended. */
const CLOSE_TIMEOUT_MS = 10_000;

/** Where the projection worker runs (ApplicationOptions.projectionWorker): the log's file; the read-model file is the process's. */
export interface ProjectionWorkerOptions {
  /** The SQLite log's file (the worker opens it read-only). */
  readonly storeFile: string;
  /** How often the worker looks at the log's head without being told (another process's appends); default 500 ms. */
  readonly pollMs?: number;
  /** Events per transaction at most (default: the store's catch-up batch). */
  readonly maxBatch?: number;
}

/** What the thread tells its owner (ProjectionRunner). */
export interface ProjectionThreadEvents {
  position(position: number, dayChanges: number): void;
  stopped(position: number, unreadable: UnreadableEvent): void;
  failed(message: string): void;
}

/**
 * The main thread's side of the projection worker (projection.worker.ts, ADR 0021): starts it, forwards its log
 * lines to the process's logger, and turns its messages into calls of `events`. A worker that fails or exits
 * unasked is reported as `failed`.
 */
export class ProjectionThread {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly prepared = new Map<number, () => void>();
  private closing: Promise<void> | null = null;
  private ended = false;
  private readonly started: Promise<number>;

  constructor(readModelFile: string, options: ProjectionWorkerOptions, events: ProjectionThreadEvents) {
    const workerData: ProjectionWorkerData = {
      role: PROJECTION_WORKER_ROLE,
      storeFile: options.storeFile,
      readModelFile,
      pollMs: options.pollMs ?? 500,
      maxBatch: options.maxBatch,
      // Every durable SQLite commit of this process adds to it (the commit thread does, ADR 0019): the worker waits
      // on it between batches, so the main thread sends nothing per command (a message each cost it 6 % of its profile).
      appended: SQLITE_COMMIT_SIGNAL,
    };
    this.worker = SCRIPT.endsWith('.ts')
      ? new Worker(`require(${JSON.stringify(path.resolve(__dirname, '..', '..', '..', '..', 'tools', 'ts-worker-loader.cjs'))}); require(${JSON.stringify(SCRIPT)});`, {
          eval: true,
          workerData,
        })
      : new Worker(SCRIPT, { workerData });
    let resolveStarted!: (p: number) => void;
    let rejectStarted!: (e: Error) => void;
    this.started = new Promise((resolve, reject) => ((resolveStarted = resolve), (rejectStarted = reject)));
    const fail = (message: string): void => {
      if (this.ended) return;
      this.ended = true;
      for (const done of this.prepared.values()) done();
      this.prepared.clear();
      rejectStarted(new Error(message));
      events.failed(message);
    };
    this.worker.on('message', (m: FromProjectionWorker) => {
      switch (m.kind) {
        case 'log':
          new Logger(m.context)[m.level](m.message);
          return;
        case 'position':
          events.position(m.position, m.dayChanges);
          return;
        case 'started':
          resolveStarted(m.position);
          return;
        case 'stopped':
          events.stopped(m.position, unreadableFromJson(m.unreadable));
          resolveStarted(m.position);
          return;
        case 'failed':
          fail(`the projection worker stopped: ${m.message}`);
          return;
        case 'prepared': {
          const done = this.prepared.get(m.id);
          this.prepared.delete(m.id);
          done?.();
          return;
        }
        case 'closed':
          return;
      }
    });
    this.worker.on('error', (e) => fail(`the projection worker failed: ${e.message}`));
    this.worker.on('exit', (code) => {
      if (!this.closing) fail(`the projection worker exited (code ${code})`);
      this.ended = true;
    });
    this.send({ kind: 'start' });
  }

  private send(m: ToProjectionWorker): void {
    if (!this.ended && !this.closing) this.worker.postMessage(m);
  }

  /** Resolves with the position the worker's start (its catch-up) reached; rejects when it failed. */
  whenStarted(): Promise<number> {
    return this.started;
  }



  /** Has the worker prepare the day's statuses (InitiativesProjection.prepareStatuses) and waits until it did. */
  prepareStatuses(day: string): Promise<void> {
    if (this.ended || this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.prepared.set(id, resolve);
      this.send({ kind: 'prepare', id, day });
    });
  }

  /** Lets the worker finish its batch and close its connections, then ends it. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.ended) return;
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      const closed = new Promise<void>((resolve) => {
        const onMessage = (m: FromProjectionWorker): void => {
          if (m.kind !== 'closed') return;
          this.worker.off('message', onMessage);
          resolve();
        };
        this.worker.on('message', onMessage);
      });
      this.worker.postMessage({ kind: 'close' } satisfies ToProjectionWorker);
      const timer = setTimeout(() => void this.worker.terminate(), CLOSE_TIMEOUT_MS);
      await Promise.race([closed, exited]);
      clearTimeout(timer);
      for (const done of this.prepared.values()) done();
      this.prepared.clear();
      await this.worker.terminate();
      this.ended = true;
    })();
    return this.closing;
  }
}
