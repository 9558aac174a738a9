import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describeMismatch, LogChecker } from '@dgr/audit';
import {
  canonicalJson,
  connectEventStoreDb,
  EventStoreDbConnectionError,
  redactConnectionString,
  SqliteEventStore,
  type EventStore,
  type EventStoreDbClient,
  type NewEvent,
  type RecordedEvent,
} from '@dgr/event-store';
import { FileBlobStore, type BlobStore } from '@dgr/blob-store';
import { BlobCopyError, copyBlobs, referencedBlobs } from './blobs';
import { progressBar } from './progress';

/**
 * `dgr copy --from STORE --to STORE`: the whole log from one store to another, in order, every event with its
 * id, stream, revision, type, data and metadata, so that it lands at the same position with the same hash.
 *
 * - Before anything is appended, each page of the source is checked against its own hashes (as `dgr verify`
 *   does): a source that does not match them is not copied further.
 * - Consecutive events of one stream go in one append with the expected revision the source implies, one
 *   append at a time (commit order is then issue order on every store); each answer must name the source's
 *   position and revision, and each page is read back and compared with the source, field by field.
 * - Only into an empty store, or into one that holds exactly the start of the same log (an interrupted copy,
 *   or a copy made before the source grew): then it resumes after it. Anything else is refused untouched.
 */

export type StoreSpec = { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'eventstoredb'; readonly connectionString: string };

export class CopyError extends Error {}

const SPEC_HELP = 'sqlite:FILE or eventstoredb:CONNECTION-STRING (e.g. eventstoredb:esdb://localhost:2113?tls=false)';

/** `sqlite:FILE` or `eventstoredb:esdb://…`, as given to --from or --to. */
export const parseStoreSpec = (option: '--from' | '--to', value: string | undefined): StoreSpec => {
  if (value === undefined || value.trim() === '') throw new CopyError(`${option} is required: ${SPEC_HELP}`);
  const colon = value.indexOf(':');
  const scheme = colon < 0 ? '' : value.slice(0, colon);
  const rest = value.slice(colon + 1).trim();
  if (scheme === 'sqlite' && rest !== '') return { kind: 'sqlite', file: rest };
  if (scheme === 'eventstoredb' && /^esdb(\+discover)?:\/\/\S+$/.test(rest)) return { kind: 'eventstoredb', connectionString: rest };
  throw new CopyError(`${option} must be ${SPEC_HELP}, got "${scheme === 'eventstoredb' ? `eventstoredb:${redactConnectionString(rest)}` : value}"`);
};

/** The spec as it may be printed: the password of a connection string hidden. */
export const showSpec = (spec: StoreSpec): string =>
  spec.kind === 'sqlite' ? `sqlite:${spec.file}` : `eventstoredb:${redactConnectionString(spec.connectionString)}`;

export interface OpenOptions {
  /** Instead of the real client (tests: no EventStoreDB server runs where they run). */
  readonly connect?: (connectionString: string) => EventStoreDbClient;
  /**
   * The evidence files' folders (docs/evidence.md): `from` and `to` default to `blobs` beside an SQLite store,
   * and to `fallback` (DGR_BLOB_DIR) for an EventStoreDB one. The same folder on both sides: nothing to copy.
   */
  readonly blobs?: { readonly from?: string; readonly to?: string; readonly fallback?: string };
}

const blobDirOf = (spec: StoreSpec, given: string | undefined, fallback: string | undefined): string | undefined =>
  given ?? (spec.kind === 'sqlite' ? join(dirname(spec.file), 'blobs') : fallback);

const openSpec = async (option: '--from' | '--to', spec: StoreSpec, options: OpenOptions): Promise<EventStore> => {
  if (spec.kind === 'sqlite') {
    if (option === '--from' && !existsSync(spec.file)) throw new CopyError(`--from: there is no file ${spec.file}`);
    return new SqliteEventStore(spec.file);
  }
  try {
    return await connectEventStoreDb(spec.connectionString, { connect: options.connect });
  } catch (e) {
    if (e instanceof EventStoreDbConnectionError) throw new CopyError(`${option}: ${e.message}`);
    throw e;
  }
};

export interface CopyResult {
  /** Events appended by this run. */
  readonly copied: number;
  /** Events the target held already, the start of the same log. */
  readonly resumedAfter: number;
  /** The source's head when the copy began: the target's head now. */
  readonly head: number;
  /** The RFC 6962 Merkle root over the whole log, as `dgr verify` computes it (base64). */
  readonly root: string;
}

/** What must come out identical: every stored field of the event. */
const same = (a: RecordedEvent, b: RecordedEvent | undefined): boolean => b !== undefined && canonicalJson(a) === canonicalJson(b);

const toNew = (e: RecordedEvent): NewEvent => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata });

/** Consecutive events of one stream, in order. */
const runsOf = (events: readonly RecordedEvent[]): RecordedEvent[][] => {
  const runs: RecordedEvent[][] = [];
  for (const e of events) {
    const run = runs[runs.length - 1];
    if (run && run[0]!.stream === e.stream) run.push(e);
    else runs.push([e]);
  }
  return runs;
};

/** Checks a page of the source against its own hashes (and feeds the Merkle tree). */
const checkSource = (checker: LogChecker, page: readonly RecordedEvent[]): void => {
  for (const e of page) {
    const mismatch = checker.add(e);
    if (mismatch)
      throw new CopyError(
        `the source does not match its own hashes: ${describeMismatch(mismatch)}. Nothing from position ${mismatch.position} on was copied; run dgr verify on the source`,
      );
  }
};

/**
 * Copies `source`'s log into `target` (see above). `onProgress` gets (the target's head, the source's head).
 */
export const copyLog = async (
  source: EventStore,
  target: EventStore,
  options: {
    pageSize?: number;
    onProgress?: (done: number, total: number) => void;
    /** The evidence files: each page's files are copied before its events are appended (no event without its file). */
    blobs?: { readonly from: BlobStore; readonly to: BlobStore };
  } = {},
): Promise<CopyResult> => {
  const pageSize = options.pageSize ?? 1000;
  const head = await source.headPosition();
  const present = await target.headPosition();
  const checker = new LogChecker();
  if (present > head)
    throw new CopyError(`the target already holds ${present} events, more than the source's ${head}: it is another log; dgr copy only writes into an empty store`);
  // What the target holds must be the start of this very log.
  for (let position = 0; position < present; ) {
    const [mine, theirs] = await Promise.all([source.readAll(position, Math.min(pageSize, present - position)), target.readAll(position, Math.min(pageSize, present - position))]);
    checkSource(checker, mine);
    const differs = mine.findIndex((e, i) => !same(e, theirs[i]));
    if (differs >= 0 || mine.length === 0)
      throw new CopyError(
        `the target is not empty: it holds ${present} events, and position ${position + Math.max(differs, 0) + 1} is not the source's. ` +
          'dgr copy only writes into an empty store (or resumes a copy of the same log); nothing was written',
      );
    position = mine[mine.length - 1]!.position;
  }
  options.onProgress?.(present, head);
  let position = present;
  while (position < head) {
    const page = await source.readAll(position, Math.min(pageSize, head - position));
    if (page.length === 0) throw new CopyError(`the source ends at position ${position}, before its head ${head}`);
    checkSource(checker, page);
    if (options.blobs)
      try {
        await copyBlobs(referencedBlobs(page), options.blobs.from, options.blobs.to);
      } catch (e) {
        if (e instanceof BlobCopyError) throw new CopyError(`${e.message}. Nothing from position ${page[0]!.position} on was copied`);
        throw e;
      }
    for (const run of runsOf(page)) {
      const first = run[0]!;
      const last = run[run.length - 1]!;
      let result;
      try {
        result = await target.append(first.stream, run.map(toNew), first.revision === 0 ? 'no_stream' : first.revision - 1);
      } catch (e) {
        throw new CopyError(
          `the target refused the events from position ${first.position} (${first.stream}@${first.revision}): ${(e as Error).message}. ` +
            `It holds the ${first.position - 1} events before them; the same command resumes after them`,
        );
      }
      if (result.position !== last.position || result.nextRevision !== last.revision)
        throw new CopyError(
          `event ${last.id} landed at position ${result.position} (${last.stream}@${result.nextRevision}), where the source has it at ${last.position} (@${last.revision}): is something else writing to the target?`,
        );
    }
    const copied = await target.readAll(position, page.length);
    const differs = page.findIndex((e, i) => !same(e, copied[i]));
    if (differs >= 0)
      throw new CopyError(`the copy of position ${page[differs]!.position} does not read back as the source's event: ${canonicalJson(copied[differs] ?? null)}`);
    position = page[page.length - 1]!.position;
    options.onProgress?.(position, head);
  }
  return { copied: head - present, resumedAfter: present, head, root: checker.tree.root().toString('base64') };
};

/** The command: opens both stores, copies with a progress bar on a terminal, says what it did. */
export const runCopy = async (from: string | undefined, to: string | undefined, options: OpenOptions = {}): Promise<string> => {
  const source = parseStoreSpec('--from', from);
  const target = parseStoreSpec('--to', to);
  const where = (s: StoreSpec) => (s.kind === 'sqlite' ? `sqlite:${resolve(s.file)}` : `eventstoredb:${s.connectionString}`);
  if (where(source) === where(target)) throw new CopyError('--from and --to name the same store');
  const input = await openSpec('--from', source, options);
  try {
    const output = await openSpec('--to', target, options);
    try {
      const fromDir = blobDirOf(source, options.blobs?.from, options.blobs?.fallback);
      const toDir = blobDirOf(target, options.blobs?.to, options.blobs?.fallback);
      const blobs = fromDir && toDir ? { from: new FileBlobStore(resolve(fromDir)), to: new FileBlobStore(resolve(toDir)) } : undefined;
      const result = await copyLog(input, output, { onProgress: progressBar('copy'), blobs });
      const resumed = result.resumedAfter > 0 ? ` after the ${result.resumedAfter} it held already` : '';
      return (
        `Copied ${result.copied} events${resumed} from ${showSpec(source)} to ${showSpec(target)}: ${result.head} events, ` +
        `each at the same position with the same hash; Merkle root ${result.root}.\n`
      );
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
};
