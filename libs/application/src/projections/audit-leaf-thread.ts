import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { HASH_SIZE, type PrecomputedLeaf } from '@dgr/audit';
import { AUDIT_LEAF_ROLE, type AuditLeafChunk, type AuditLeafJob, type AuditLeafMessage } from './audit-leaf.worker';

/** The worker's script beside this file: audit-leaf.worker.js in dist/, .ts when the sources run under jest. */
const SCRIPT = path.join(__dirname, `audit-leaf.worker${path.extname(__filename)}`);

/** Events per chunk the worker posts, and how many chunks it may be ahead (2,000 × 32: ~10 MB at most in flight). */
const CHUNK = 2000;
const WINDOW = 32;

/** Under jest the worker first registers tools/ts-worker-loader.cjs (as the commit and verify threads do). */
const newWorker = (workerData: AuditLeafJob): Worker =>
  SCRIPT.endsWith('.ts')
    ? new Worker(`require(${JSON.stringify(path.resolve(__dirname, '..', '..', '..', '..', 'tools', 'ts-worker-loader.cjs'))}); require(${JSON.stringify(SCRIPT)});`, {
        eval: true,
        workerData,
      })
    : new Worker(SCRIPT, { workerData });

/**
 * The audit read model's helper during a long catch-up from a SQLite log (ADR 0018, "The cold rebuild"): a worker
 * thread that reads the same log and computes each event's recomputed hash and leaf hash ahead of the main thread
 * (audit-leaf.worker.ts). `take` hands the main thread the result for the event it is applying — only when the
 * worker read the same event (position, id, stored hash); otherwise (the worker is behind, failed, or could not
 * canonicalise it) null, and the main thread computes it itself, as without the thread. The stream and position
 * checks stay on the main thread, over the events it applies. It never keeps the process alive.
 */
export class AuditLeafThread {
  private readonly chunks: AuditLeafChunk[] = [];
  /** The next entry of chunks[0] to look at. */
  private index = 0;
  private worker: Worker | null;
  /** The last position computed so far, and who waits for one. */
  private reached: number;
  private waiting: Array<{ position: number; resolve: () => void }> = [];
  /** Events whose results `take` handed out. */
  taken = 0;

  private constructor(
    job: AuditLeafJob,
    private readonly onFailure: (reason: string) => void,
  ) {
    this.until = job.until;
    this.reached = job.after;
    const worker = newWorker(job);
    worker.unref();
    worker.on('message', (m: AuditLeafMessage) => {
      if ('failed' in m) this.fail(m.failed);
      else if ('positions' in m) {
        this.chunks.push(m);
        this.reached = m.positions[m.positions.length - 1] ?? this.reached;
        this.wake(false);
      } else this.wake(true);
    });
    worker.on('error', (e) => this.fail(e.message));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
      this.wake(true);
    });
    this.worker = worker;
  }

  /** The last position the thread computes. */
  readonly until: number;

  /** Starts the thread over the events of the SQLite log `file` after `after` up to `until`. */
  static start(file: string, after: number, until: number, onFailure: (reason: string) => void): AuditLeafThread {
    return new AuditLeafThread({ role: AUDIT_LEAF_ROLE, file, after, until, chunk: CHUNK, window: WINDOW }, onFailure);
  }

  /** Resolves once the worker has computed up to `position`, or has ended (a test or a bench waits with it). */
  ready(position: number): Promise<void> {
    if (this.reached >= position || !this.worker) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ position, resolve }));
  }

  private wake(all: boolean): void {
    const now = this.waiting.filter((w) => all || w.position <= this.reached);
    this.waiting = this.waiting.filter((w) => !now.includes(w));
    for (const w of now) w.resolve();
  }

  /** What the worker computed for this event, or null (then the caller computes it). */
  take(event: { readonly position: number; readonly id: string; readonly hash: string }): PrecomputedLeaf | null {
    for (;;) {
      const chunk = this.chunks[0];
      if (!chunk) return null;
      while (this.index < chunk.positions.length && chunk.positions[this.index]! < event.position) this.index += 1;
      if (this.index < chunk.positions.length) break;
      this.chunks.shift();
      this.index = 0;
      this.worker?.postMessage({ credit: 1 });
    }
    const chunk = this.chunks[0]!;
    const i = this.index;
    const recomputedHash = chunk.recomputed[i];
    if (chunk.positions[i] !== event.position || chunk.ids[i] !== event.id || chunk.hashes[i] !== event.hash || recomputedHash == null) return null;
    this.taken += 1;
    return { recomputedHash, leafHash: new Uint8Array(chunk.leaves, i * HASH_SIZE, HASH_SIZE) };
  }

  private fail(reason: string): void {
    this.onFailure(reason);
    this.stop();
  }

  /** Ends the worker (its remaining results are dropped). */
  stop(): void {
    const worker = this.worker;
    this.worker = null;
    this.chunks.length = 0;
    this.wake(true);
    if (worker) void worker.terminate();
  }
}
