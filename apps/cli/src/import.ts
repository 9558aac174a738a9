import { progressBar } from './progress';
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { eventHash, SqliteEventStore, type EventStore, type NewEvent, type RecordedEvent } from '@dgr/event-store';
import { ExportError } from './export-error';

/**
 * `dgr import --from FILE.jsonl`: a `dgr export --format jsonl` file into an EMPTY store, each event
 * with its original id, type, data and metadata.
 *
 * Two passes. The first writes nothing: it checks every line (shape, positions 1, 2, 3… without gaps,
 * each stream's revisions and hash chain, the recomputed hash against the exported one, ids unique)
 * and refuses the file at the first line that does not match. The second appends, a few thousand
 * events at a time (consecutive events of one stream in one append, with the expected revision; the
 * appends of a chunk share one commit), and reads each chunk back to check that every event landed
 * at the same position, stream and revision with the same hash.
 */

/** One line of a jsonl export: every stored field of the event. */
export type ExportedEvent = RecordedEvent;

export interface ImportResult {
  readonly events: number;
  readonly streams: number;
  readonly head: number;
}

const FIELDS = ['id', 'position', 'stream', 'revision', 'type', 'data', 'metadata', 'previousHash', 'hash'];

const refuse = (file: string, line: number, why: string): ExportError => new ExportError(`${file}, line ${line}: ${why}.`);

/** One line of an export, with its shape checked. */
export const parseExportedLine = (text: string, file: string, line: number): ExportedEvent => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw refuse(file, line, `not JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw refuse(file, line, 'not a JSON object');
  const o = value as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !FIELDS.includes(k));
  if (extra.length > 0) throw refuse(file, line, `unknown field ${extra.map((k) => `"${k}"`).join(', ')}`);
  const bad = (field: string, what: string) => refuse(file, line, `"${field}" must be ${what}`);
  if (typeof o.id !== 'string' || o.id === '') throw bad('id', 'a non-empty string');
  if (!Number.isSafeInteger(o.position) || (o.position as number) < 1) throw bad('position', 'a whole number from 1');
  if (typeof o.stream !== 'string' || o.stream === '') throw bad('stream', 'a non-empty string');
  if (!Number.isSafeInteger(o.revision) || (o.revision as number) < 0) throw bad('revision', 'a whole number from 0');
  if (typeof o.type !== 'string' || o.type === '') throw bad('type', 'a non-empty string');
  if (!('data' in o)) throw bad('data', 'present');
  if (o.metadata === null || typeof o.metadata !== 'object' || Array.isArray(o.metadata)) throw bad('metadata', 'an object');
  if (o.previousHash !== null && typeof o.previousHash !== 'string') throw bad('previousHash', 'a string or null');
  if (typeof o.hash !== 'string' || o.hash === '') throw bad('hash', 'a non-empty string');
  return o as unknown as ExportedEvent;
};

/** The file's events with their line numbers, one at a time (blank lines are skipped). */
async function* linesOf(file: string): AsyncGenerator<{ line: number; event: ExportedEvent }> {
  const reader = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of reader) {
      line += 1;
      if (text.trim() === '') continue;
      yield { line, event: parseExportedLine(text, file, line) };
    }
  } finally {
    reader.close();
  }
}

/** Pass 1: the whole file checked, nothing written. Returns the number of events and streams. */
export const checkExport = async (file: string): Promise<{ events: number; streams: number }> => {
  const heads = new Map<string, { revision: number; hash: string }>();
  const ids = new Set<string>();
  let position = 0;
  for await (const { line, event: e } of linesOf(file)) {
    if (e.position !== position + 1)
      throw refuse(file, line, `position ${e.position} where ${position + 1} was expected (an export's positions run 1, 2, 3… without gaps)`);
    position = e.position;
    if (ids.has(e.id)) throw refuse(file, line, `event id ${e.id} appears a second time`);
    ids.add(e.id);
    const head = heads.get(e.stream);
    const revision = head ? head.revision + 1 : 0;
    if (e.revision !== revision) throw refuse(file, line, `stream ${e.stream} has revision ${e.revision} where ${revision} was expected`);
    const previousHash = head ? head.hash : null;
    if (e.previousHash !== previousHash)
      throw refuse(file, line, `previousHash ${String(e.previousHash)} is not the hash of the stream's previous event (${String(previousHash)})`);
    const hash = eventHash({ stream: e.stream, revision: e.revision, type: e.type, data: e.data, metadata: e.metadata, previousHash });
    if (hash !== e.hash) throw refuse(file, line, `the hash recomputed from the event (${hash}) is not the exported hash ${e.hash}`);
    heads.set(e.stream, { revision: e.revision, hash });
  }
  return { events: position, streams: heads.size };
};

const toNew = (e: ExportedEvent): NewEvent => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata });

/** Pass 2 for one chunk: appended by runs of one stream, then read back and compared. */
const appendChunk = async (store: EventStore, chunk: Array<{ line: number; event: ExportedEvent }>, file: string): Promise<void> => {
  const runs: Array<typeof chunk> = [];
  for (const item of chunk) {
    const run = runs[runs.length - 1];
    if (run && run[0]!.event.stream === item.event.stream) run.push(item);
    else runs.push([item]);
  }
  const before = chunk[0]!.event.position - 1;
  // Not awaited one by one: the store commits the appends queued together in one transaction.
  const results = await Promise.allSettled(
    runs.map((run) => {
      const first = run[0]!.event;
      return store.append(first.stream, run.map((r) => toNew(r.event)), first.revision === 0 ? 'no_stream' : first.revision - 1);
    }),
  );
  const failed = results.findIndex((r) => r.status === 'rejected');
  const stored = await store.readAll(before, chunk.length);
  for (const [i, { line, event: e }] of chunk.entries()) {
    const s = stored[i];
    const same =
      s !== undefined &&
      s.id === e.id &&
      s.position === e.position &&
      s.stream === e.stream &&
      s.revision === e.revision &&
      s.hash === e.hash &&
      s.previousHash === e.previousHash;
    if (!same) {
      const why =
        failed >= 0 && runs[failed]![0]!.line <= line
          ? `the store refused the append (${String((results[failed] as PromiseRejectedResult).reason)})`
          : s === undefined
            ? 'the event is not in the store after the append'
            : `the event landed at position ${s.position}, ${s.stream}@${s.revision}, hash ${s.hash}`;
      throw new ExportError(`${file}, line ${line}: ${why}.`);
    }
  }
};

/**
 * Imports an export into an empty store. `onProgress` gets (events appended, events in the file).
 * Refuses a store that holds events, and a file whose first mismatching line it names.
 */
export const importJsonl = async (
  store: EventStore,
  file: string,
  options: { chunkSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<ImportResult> => {
  if (!existsSync(file)) throw new ExportError(`there is no file ${file}`);
  const emptyCheck = async () => {
    const head = await store.headPosition();
    if (head > 0) throw new ExportError(`the store already holds ${head} events; an export is only imported into an empty store`);
  };
  await emptyCheck();
  let checked: { events: number; streams: number };
  try {
    checked = await checkExport(file);
    await emptyCheck();
  } catch (e) {
    if (e instanceof ExportError) throw new ExportError(`${e.message} Nothing was imported.`);
    throw e;
  }
  const chunkSize = options.chunkSize ?? 5000;
  let chunk: Array<{ line: number; event: ExportedEvent }> = [];
  let done = 0;
  const flush = async () => {
    await appendChunk(store, chunk, file);
    done += chunk.length;
    options.onProgress?.(done, checked.events);
    chunk = [];
  };
  try {
    for await (const item of linesOf(file)) {
      chunk.push(item);
      if (chunk.length >= chunkSize) await flush();
    }
    if (chunk.length > 0) await flush();
  } catch (e) {
    if (!(e instanceof ExportError)) throw e;
    const head = await store.headPosition();
    throw new ExportError(`${e.message} The store now holds ${head} of the file's ${checked.events} events: delete it before importing again.`);
  }
  return { events: done, streams: checked.streams, head: await store.headPosition() };
};

/** The command: opens the store, imports with a progress line on a terminal, prints what it did. */
export const runImport = async (file: string, from: string | undefined): Promise<string> => {
  if (!from) throw new ExportError('--from FILE.jsonl is required (a file written by dgr export --format jsonl)');
  if (!existsSync(from)) throw new ExportError(`there is no file ${from}`);
  const store = new SqliteEventStore(file);
  try {
    const result = await importJsonl(store, from, { onProgress: progressBar('import') });
    return `Imported ${result.events} events (${result.streams} streams) from ${from} into ${file}; every hash as exported.\n`;
  } finally {
    await store.close();
  }
};
