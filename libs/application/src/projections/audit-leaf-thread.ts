import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { HASH_SIZE, type PrecomputedLeaf } from '@dgr/audit';
import { AUDIT_LEAF_ROLE, type AuditLeafChunk, type AuditLeafJob, type AuditLeafMessage } from './audit-leaf.worker';

/** The worker's script beside this file: audit-leaf.worker.js in dist/, .ts when the sources run under jest. */
const SCRIPT = path.join(__dirname, `audit-leaf.worker${path.extname(__filename)}`);

/** Events per chunk the worker posts, and how many chunks it may be ahead (2,000 × 32: ~10 MB at most in flight). */
const CHUNK = 2000;
const WINDOW = 32;

/** Under jest the worker first registers tools/ts-worker-loader.cjs (as the commit and verify threads do). */
const newWorker = (workerData: AuditLeafJob): Worker => {
  const options = { workerData, transferList: [workerData.port] };
  return SCRIPT.endsWith('.ts')
    ? new Worker(`require(${JSON.stringify(path.resolve(__dirname, '..', '..', '..', '..', 'tools', 'ts-worker-loader.cjs'))}); require(${JSON.stringify(SCRIPT)});`, {
        ...options,
        eval: true,
      })
    : new Worker(SCRIPT, options);
};

/**
 * The audit read model's helper during a long catch-up from a SQLite log (ADR 0018, "The cold rebuild"): a worker
 * thread that reads the same log and computes each event's recomputed hash and leaf hash ahead of the main thread
 * (audit-leaf.worker.ts). `take` hands the main thread the result for the event it is applying — only when the
 * worker read the same event (position, id, stored hash); otherwise (the worker is behind, failed, or could not
 * canonicalise it) null, and the main thread computes it itself, as without the thread. The stream and position
 * checks stay on the main thread, over the events it applies. `take` reads the worker's chunks synchronously
 * (`receiveMessageOnPort`): a catch-up applies its batches without a turn of the event loop. It never keeps the
 * process alive.
 */
export class AuditLeafThread {
  private readonly chunks: AuditLeafChunk[] = [];
  /** The next entry of chunks[0] to look at. */
  private index = 0;
  private worker: Worker | null;
  private readonly port: MessagePort;
  /** The last position received so far; whether the worker is done (or gone). */
  private reached: number;
  private ended = false;
  /** Events whose results `take` handed out. */
  taken = 0;
  /** The position the worker was last told the main thread is at. */
  private told = 0;

  private constructor(
    job: Omit<AuditLeafJob, 'port'>,
    private readonly onFailure: (reason: string) => void,
  ) {
    this.until = job.until;
    this.reached = job.after;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    port1.unref();
    const worker = newWorker({ ...job, port: port2 });
    worker.unref();
    worker.on('error', (e) => this.fail(e.message));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
    });
    this.worker = worker;
  }

  /** The last position the thread computes. */
  readonly until: number;

  /** Starts the thread over the events of the SQLite log `file` after `after` up to `until`. */
  static start(file: string, after: number, until: number, onFailure: (reason: string) => void): AuditLeafThread {
    return new AuditLeafThread({ role: AUDIT_LEAF_ROLE, file, after, until, chunk: CHUNK, window: WINDOW }, onFailure);
  }

  /** Takes in what the worker posted so far (synchronously). */
  private receive(): void {
    if (this.ended) return;
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const message = m.message as AuditLeafMessage;
      if ('positions' in message) {
        this.chunks.push(message);
        this.reached = message.positions[message.positions.length - 1] ?? this.reached;
      } else if ('failed' in message) return this.fail(message.failed);
      else this.ended = true;
    }
  }

  /** Resolves once the worker has computed up to `position`, or has ended (a test waits with it). */
  async ready(position: number): Promise<void> {
    for (;;) {
      this.receive();
      if (this.reached >= position || this.ended || !this.worker) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** What the worker computed for this event, or null (then the caller computes it). */
  take(event: { readonly position: number; readonly id: string; readonly hash: string }): PrecomputedLeaf | null {
    if (this.reached < event.position) this.receive();
    for (;;) {
      const chunk = this.chunks[0];
      if (!chunk) {
        // The worker is behind (a busy machine): it is told where the main thread is, to skip ahead of it.
        if (event.position - this.told >= CHUNK && !this.ended) {
          this.told = event.position;
          this.port.postMessage({ at: event.position });
        }
        return null;
      }
      while (this.index < chunk.positions.length && chunk.positions[this.index]! < event.position) this.index += 1;
      if (this.index < chunk.positions.length) break;
      this.chunks.shift();
      this.index = 0;
      this.told = event.position;
      this.port.postMessage({ credit: 1, at: event.position });
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
    this.ended = true;
    this.chunks.length = 0;
    this.port.close();
    if (worker) void worker.terminate();
  }
}
