import type { INestApplicationContext } from '@nestjs/common';
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { CSV_WHATS, csvChunks, exportJsonl, isSieYear, Queries, sieChunks, type CsvWhat } from '@dgr/application';
import { isCalendarDate } from '@dgr/domain';
import { SqliteEventStore } from '@dgr/event-store';
import type { Config } from '@dgr/config';
import { parseSeparator } from './csv';
import { ExportError } from './export-error';
import { FileBlobStore } from '@dgr/blob-store';
import { allReferencedBlobs, BlobCopyError, copyBlobs } from './blobs';

/**
 * `dgr export --format jsonl|csv|sie`: to standard output, or with `--out FILE` to that file (written
 * beside it first and renamed when complete, so a failed export leaves no half file behind). Every format is
 * written as it is made, a chunk at a time, each when the output has taken the one before: the log is read a
 * page at a time (jsonl), the CSV and SIE lines are made from the read models as they are written.
 */

export interface ExportArgs {
  readonly format?: string;
  readonly what?: string;
  readonly separator?: string;
  readonly 'as-of'?: string;
  readonly year?: string;
  readonly out?: string;
  readonly bom?: boolean;
  readonly 'no-bom'?: boolean;
  readonly excel?: boolean;
  readonly 'no-excel'?: boolean;
  /** jsonl: also copy every evidence file the log names into this folder (the blob folder's layout, ab/cd/<sha256>). */
  readonly 'with-blobs'?: string;
}

export type OpenContext = (file: string) => Promise<INestApplicationContext>;

/** Where an export goes: standard output or a file. `write` waits while the stream is full. */
export interface Output {
  write(chunk: string | Buffer): Promise<void>;
  /** Standard output was closed by the reader (`| head`): stop writing, it is not an error. */
  readonly gone: boolean;
  finish(): Promise<void>;
  abort(): void;
}

export const openOutput = (file: string | undefined): Output => {
  const temp = file === undefined ? undefined : join(dirname(file), `.${basename(file)}.${process.pid}.partial`);
  const stream: Writable = temp === undefined ? process.stdout : createWriteStream(temp);
  let gone = false;
  const write = (chunk: string | Buffer): Promise<void> =>
    gone
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          stream.write(chunk, (error) => {
            if (error && (error as NodeJS.ErrnoException).code === 'EPIPE' && temp === undefined) gone = true;
            else if (error) return reject(error);
            resolve();
          });
        });
  if (temp === undefined) stream.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? (gone = true) : undefined));
  return {
    write,
    get gone() {
      return gone;
    },
    async finish() {
      if (temp === undefined || file === undefined) return;
      await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
      renameSync(temp, file);
    },
    abort() {
      if (temp === undefined) return;
      stream.destroy();
      rmSync(temp, { force: true });
    },
  };
};

const FORMATS = ['jsonl', 'csv', 'sie'] as const;

/** Options that only some formats take. */
const ONLY: Record<string, readonly string[]> = {
  what: ['csv'],
  separator: ['csv'],
  bom: ['csv'],
  'no-bom': ['csv'],
  excel: ['csv'],
  'no-excel': ['csv'],
  'as-of': ['csv'],
  year: ['sie'],
  'with-blobs': ['jsonl'],
};

/**
 * Writes the chunks one at a time, each when the output has taken the one before (backpressure), and stops when
 * the reader went away: the export is never whole in memory.
 */
const writeAll = async (out: Output, chunks: Iterable<string | Buffer>): Promise<void> => {
  for (const chunk of chunks) {
    if (out.gone) return;
    await out.write(chunk);
  }
};

/** `linesPerChunk`: the CSV and SIE lines written at a time (the tests make it small, to cross chunks). */
export const runExport = async (
  file: string,
  args: ExportArgs,
  config: Config,
  openContext: OpenContext,
  { linesPerChunk = 500 }: { linesPerChunk?: number } = {},
): Promise<void> => {
  const format = args.format;
  if (!format || !(FORMATS as readonly string[]).includes(format)) throw new ExportError(`--format must be one of ${FORMATS.join(', ')}`);
  for (const [option, formats] of Object.entries(ONLY))
    if (args[option as keyof ExportArgs] !== undefined && !formats.includes(format))
      throw new ExportError(`--${option} is not an option of --format ${format}`);
  if (!existsSync(file)) throw new ExportError(`there is no store at ${file}`);

  if (format === 'jsonl') {
    const store = new SqliteEventStore(file);
    const out = openOutput(args.out);
    try {
      const count = await exportJsonl(store, out);
      await out.finish();
      if (args.out !== undefined) process.stderr.write(`dgr: exported ${count} events to ${args.out}\n`);
      if (args['with-blobs'] !== undefined) {
        const target = new FileBlobStore(args['with-blobs']);
        let written: number;
        try {
          written = await copyBlobs(await allReferencedBlobs(store), new FileBlobStore(config.blobDir), target);
        } catch (e) {
          throw e instanceof BlobCopyError ? new ExportError(e.message) : e;
        }
        process.stderr.write(`dgr: copied ${written} evidence files to ${target.location}\n`);
      }
    } catch (e) {
      out.abort();
      throw e;
    } finally {
      await store.close();
    }
    return;
  }

  let year: number | undefined;
  if (format === 'csv') {
    if (!args.what || !(CSV_WHATS as readonly string[]).includes(args.what)) throw new ExportError(`--what must be one of ${CSV_WHATS.join(', ')}`);
    parseSeparator(args.separator);
    if (args['as-of'] !== undefined && !isCalendarDate(args['as-of'])) throw new ExportError(`--as-of must be a date YYYY-MM-DD, got "${args['as-of']}"`);
    if (args.bom && args['no-bom']) throw new ExportError('--bom and --no-bom exclude each other');
    if (args.excel && args['no-excel']) throw new ExportError('--excel and --no-excel exclude each other');
  } else {
    if (args.year === undefined || !isSieYear(args.year)) throw new ExportError('--year must be a year, e.g. --year 2025');
    year = Number(args.year);
  }

  const app = await openContext(file);
  const out = openOutput(args.out);
  try {
    const queries = app.get(Queries);
    if (format === 'csv') {
      const bom = args.bom ? true : args['no-bom'] ? false : undefined;
      const excel = args.excel ? true : args['no-excel'] ? false : undefined;
      await writeAll(out, csvChunks(queries, { what: args.what as CsvWhat, separator: args.separator, asOf: args['as-of'], excel, bom }, linesPerChunk));
    } else {
      const y = year!;
      const row = queries.fundYears().find((r) => r.year === y);
      if (!row) process.stderr.write(`dgr: the fund has no year ${y} (its years: ${queries.fundYears().map((r) => r.year).join(', ') || 'none'}); the file has no bookings\n`);
      else if (!row.closed) process.stderr.write(`dgr: ${y} is not closed yet; its figures may still change\n`);
      await writeAll(out, sieChunks(queries, { year: y, accounts: config.sieAccounts }, linesPerChunk));
    }
    await out.finish();
    if (args.out !== undefined) process.stderr.write(`dgr: wrote ${args.out}\n`);
  } catch (e) {
    out.abort();
    throw e;
  } finally {
    await app.close();
  }
};
