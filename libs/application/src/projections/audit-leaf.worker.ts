/**
 * The body of the audit read model's leaf thread (audit-leaf-thread.ts starts it while the audit read model is
 * rebuilt from a SQLite log, ADR 0018): it reads the log itself, on a read-only connection of its own, after
 * `after` up to `until`, and for each event computes what the audit read model's check costs most — the canonical
 * JSON of the event, its hash recomputed from it, and its RFC 6962 leaf hash — on the machine's other core, while
 * the main thread applies the business read models. It posts them in chunks and stays at most `window` chunks
 * ahead of what the main thread took (one credit per chunk taken), so its memory is bounded at any log size.
 * It runs at the lowest CPU priority: it uses a core the machine has spare, and never takes one from the main
 * thread (on a busy machine it falls behind, and the main thread, which it tells where it is, hashes the events
 * itself: the worker then skips ahead to where the main thread is). Loaded on the main thread (for its types and
 * role), it does nothing.
 */

/** The lowest CPU priority (nice 19): only this thread's, on Linux (setpriority on the calling thread). */
const LOWEST_PRIORITY = 19;
import { setPriority } from 'node:os';
import { isMainThread, workerData, type MessagePort } from 'node:worker_threads';
import { hashAndLeafData, hashLeaf, HASH_SIZE } from '@dgr/audit';
import { SqliteEventStore } from '@dgr/event-store';

export const AUDIT_LEAF_ROLE = 'dgr-audit-leaves';

export interface AuditLeafJob {
  readonly role: typeof AUDIT_LEAF_ROLE;
  readonly file: string;
  /** Events after this position… */
  readonly after: number;
  /** …up to this one. */
  readonly until: number;
  /** Events per chunk posted. */
  readonly chunk: number;
  /** Chunks it may be ahead of the main thread. */
  readonly window: number;
  /**
   * Where it posts its chunks and gets its credits: the main thread reads them with `receiveMessageOnPort`, without
   * a turn of its event loop (a catch-up applies batch after batch without one).
   */
  readonly port: MessagePort;
}

/** One chunk of consecutive events as the worker read them: their identity, and what it computed. */
export interface AuditLeafChunk {
  readonly positions: number[];
  readonly ids: string[];
  /** The stored hashes (the main thread uses a result only for the same event with the same stored hash). */
  readonly hashes: string[];
  /** The hash recomputed from the content; null when it cannot be canonicalised (the main thread then checks it). */
  readonly recomputed: Array<string | null>;
  /** The leaf hashes, 32 bytes each, in order. */
  readonly leaves: ArrayBuffer;
}

export type AuditLeafMessage = AuditLeafChunk | { readonly done: true } | { readonly failed: string };

const run = async (job: AuditLeafJob): Promise<void> => {
  try {
    setPriority(LOWEST_PRIORITY);
  } catch {
    // A platform that cannot lower it: the thread runs at the normal priority.
  }
  let credit = job.window;
  let wake: (() => void) | null = null;
  /** Where the main thread is: the worker does not compute what it has already passed. */
  let mainAt = job.after;
  const port = job.port;
  port.on('message', (m: { credit?: number; at?: number }) => {
    credit += m.credit ?? 0;
    mainAt = Math.max(mainAt, m.at ?? 0);
    wake?.();
    wake = null;
  });
  const store = new SqliteEventStore(job.file, { readOnly: true });
  try {
    let position = job.after;
    while (position < job.until) {
      while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
      // A turn of the event loop per chunk: the main thread's messages (credits, where it is) arrive.
      await new Promise((resolve) => setImmediate(resolve));
      position = Math.max(position, mainAt);
      if (position >= job.until) break;
      const events = await store.readAll(position, Math.min(job.chunk, job.until - position));
      if (events.length === 0) break;
      const leaves = new Uint8Array(events.length * HASH_SIZE);
      const chunk: AuditLeafChunk = { positions: [], ids: [], hashes: [], recomputed: [], leaves: leaves.buffer };
      events.forEach((e, i) => {
        chunk.positions.push(e.position);
        chunk.ids.push(e.id);
        chunk.hashes.push(e.hash);
        try {
          const { recomputedHash, leafData } = hashAndLeafData(e);
          chunk.recomputed.push(recomputedHash);
          leaves.set(hashLeaf(leafData), i * HASH_SIZE);
        } catch {
          chunk.recomputed.push(null);
        }
      });
      credit -= 1;
      port.postMessage(chunk, [leaves.buffer]);
      position = events[events.length - 1]!.position;
    }
    port.postMessage({ done: true } satisfies AuditLeafMessage);
  } finally {
    await store.close();
  }
};

if (!isMainThread && (workerData as AuditLeafJob | undefined)?.role === AUDIT_LEAF_ROLE) {
  const job = workerData as AuditLeafJob;
  run(job).catch((e: unknown) => job.port.postMessage({ failed: e instanceof Error ? e.message : String(e) } satisfies AuditLeafMessage));
}
