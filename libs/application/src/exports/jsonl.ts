import type { EventStore, RecordedEvent } from '@dgr/event-store';

/** One exported event: every stored field, in this order. */
export const jsonlLine = (e: RecordedEvent): string =>
  JSON.stringify({
    id: e.id,
    position: e.position,
    stream: e.stream,
    revision: e.revision,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    previousHash: e.previousHash,
    hash: e.hash,
  });

/**
 * The whole log up to the head when it starts, in global order, one JSON object a line (LF): the text of one
 * page read at a time (never the whole log in memory). Stopping the iteration stops the reading.
 */
async function* jsonlPages(store: EventStore, pageSize: number): AsyncGenerator<{ text: string; events: number }> {
  const head = await store.headPosition();
  let position = 0;
  while (position < head) {
    const page = await store.readAll(position, Math.min(pageSize, head - position));
    if (page.length === 0) return;
    yield { text: page.map((e) => jsonlLine(e) + '\n').join(''), events: page.length };
    position = page[page.length - 1]!.position;
  }
}

/** The jsonl export as chunks of text (GET /api/exports/events.jsonl streams them). */
export async function* jsonlChunks(store: EventStore, pageSize = 1000): AsyncGenerator<string> {
  for await (const page of jsonlPages(store, pageSize)) yield page.text;
}

/** Where chunks are written, waiting while it is full; `gone` when the reader went away (stop, not an error). */
export interface ChunkSink {
  write(chunk: string | Buffer): Promise<void>;
  readonly gone: boolean;
}

/** Writes the jsonl export to `out` (`dgr export --format jsonl`); returns the number of events written. */
export const exportJsonl = async (store: EventStore, out: ChunkSink, pageSize = 1000): Promise<number> => {
  let count = 0;
  for await (const page of jsonlPages(store, pageSize)) {
    if (out.gone) break;
    await out.write(page.text);
    count += page.events;
  }
  return count;
};
