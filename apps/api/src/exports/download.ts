import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const logger = new Logger('Exports');

export interface Download {
  /** The Content-Type, with its charset. */
  readonly contentType: string;
  /** The file name the browser saves it under (ASCII). */
  readonly filename: string;
}

/**
 * Streams `chunks` as a file to download: `Content-Disposition: attachment`, never cached, written as the
 * client takes it (backpressure), and stopped when the client goes away. The first chunk is made before
 * anything is sent, so an export that fails at once is still a problem answer; one that fails later is cut
 * off (the chunked answer never ends properly, so no client takes it for a whole file) and logged.
 */
export const sendDownload = async (res: Response, download: Download, chunks: Iterable<string | Buffer> | AsyncIterable<string | Buffer>): Promise<void> =>
  sendStreamed(
    res,
    { 'Content-Type': download.contentType, 'Content-Disposition': `attachment; filename="${download.filename}"`, 'Cache-Control': 'no-store' },
    chunks,
    download.filename,
  );

/**
 * Streams `chunks` as a 200 answer with `headers`, a turn of the event loop between chunks, as the client takes
 * them; the first chunk is made before anything is sent (see sendDownload). `name` names the answer in the log.
 */
export const sendStreamed = async (
  res: Response,
  headers: Readonly<Record<string, string>>,
  chunks: Iterable<string | Buffer> | AsyncIterable<string | Buffer>,
  name: string,
): Promise<void> => {
  const iterator = Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]();
  const first = await iterator.next();
  res.status(200);
  for (const [header, value] of Object.entries(headers)) res.setHeader(header, value);
  async function* all(): AsyncGenerator<string | Buffer> {
    try {
      for (let next = first; !next.done; next = await iterator.next()) {
        yield next.value;
        // A fast reader never fills the socket, so without this the whole export would run in one turn of
        // the event loop (the store reads synchronously): every other request waited for it (8 s at 200,000 events).
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      await iterator.return?.();
    }
  }
  try {
    // One chunk waits in the stream at most (Readable.from's default holds 16): with a slow client the export
    // holds a page or two in memory, not sixteen.
    await pipeline(Readable.from(all(), { highWaterMark: 1 }), res);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return; // the client went away
    logger.error(`The download ${name} stopped part-way: ${e instanceof Error ? e.stack : String(e)}`);
  }
};
