import type { INestApplicationContext } from '@nestjs/common';
import { mkdtempSync, readFileSync, rmSync, WriteStream, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@dgr/config';
import { eventLeafHash, naiveRoot } from '@dgr/audit';
import { SqliteEventStore, type RecordedEvent } from '@dgr/event-store';
import { runExport, type ExportArgs } from './export';
import { ExportError } from './export-error';
import { importJsonl } from './import';
import { cp437Decode, CSV_WHATS, csvExport, exportJsonl, jsonlLine, Queries, sieExport } from '@dgr/application';
import { openDemoContext, seedDemoStore } from './testing/demo-store';

/** Collects what an export writes. */
const collector = () => {
  const chunks: string[] = [];
  return { write: async (c: string | Buffer) => void chunks.push(String(c)), gone: false, text: () => chunks.join('') };
};

const readEverything = async (store: SqliteEventStore): Promise<RecordedEvent[]> => store.readAll(0, 1_000_000);

describe('dgr export --format jsonl and dgr import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dgr-export-'));
  const source = join(dir, 'source.sqlite');
  let app: INestApplicationContext;
  let exported: string;
  let lines: string[];

  beforeAll(async () => {
    ({ app } = await seedDemoStore(source));
    const store = new SqliteEventStore(source);
    const out = collector();
    await exportJsonl(store, out, 7); // small pages: the export pages through the log
    await store.close();
    exported = out.text();
    lines = exported.split('\n').slice(0, -1);
    writeFileSync(join(dir, 'export.jsonl'), exported);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every event, in global order, one JSON object a line with every stored field', async () => {
    const store = new SqliteEventStore(source);
    const events = await readEverything(store);
    await store.close();
    expect(exported.endsWith('\n')).toBe(true);
    expect(lines).toHaveLength(events.length);
    expect(lines.map((l) => JSON.parse(l).position)).toEqual(events.map((_, i) => i + 1));
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(['id', 'position', 'stream', 'revision', 'type', 'data', 'metadata', 'previousHash', 'hash']);
    expect(lines.map((l) => JSON.parse(l))).toEqual(events.map((e) => ({ ...e })));
  });

  it('imported into an empty store, gives every event the same id, position, stream, revision and hash; exported again, the same bytes', async () => {
    const target = new SqliteEventStore(join(dir, 'imported.sqlite'));
    const result = await importJsonl(target, join(dir, 'export.jsonl'), { chunkSize: 10 });
    const original = new SqliteEventStore(source);
    const [a, b] = [await readEverything(original), await readEverything(target)];
    expect(result.events).toBe(a.length);
    expect(b).toEqual(a);
    expect(naiveRoot(b.map(eventLeafHash)).toString('base64')).toBe(naiveRoot(a.map(eventLeafHash)).toString('base64'));
    const again = collector();
    await exportJsonl(target, again);
    expect(again.text()).toBe(exported);
    await original.close();
    await target.close();
  });

  it('refuses a store that already holds events', async () => {
    const store = new SqliteEventStore(source);
    const head = await store.headPosition();
    await expect(importJsonl(store, join(dir, 'export.jsonl'))).rejects.toThrow(`the store already holds ${head} events`);
    expect(await store.headPosition()).toBe(head);
    await store.close();
  });

  const tamper = (index: number, change: (e: Record<string, any>) => void) => (ls: string[]) =>
    ls.map((l, i) => {
      if (i !== index) return l;
      const e = JSON.parse(l);
      change(e);
      return JSON.stringify(e);
    });

  it.each<[string, (ls: string[]) => string[], number, RegExp]>([
    ['a changed amount', tamper(19, (e) => (e.data.amountOre += 1)), 20, /hash recomputed/],
    ['a changed recordedAt', tamper(30, (e) => (e.metadata.recordedAt = '2020-01-01T00:00:00.000Z')), 31, /hash recomputed/],
    ['a changed hash', tamper(40, (e) => (e.hash = (e.hash.startsWith('A') ? 'B' : 'A') + e.hash.slice(1))), 41, /hash recomputed/],
    ['a changed type', tamper(5, (e) => (e.type = 'PartyDecisionCorrected')), 6, /hash recomputed/],
    ['a deleted line', (ls) => ls.filter((_, i) => i !== 50), 51, /position 52 where 51 was expected/],
    ['two lines swapped', (ls) => [...ls.slice(0, 60), ls[61]!, ls[60]!, ...ls.slice(62)], 61, /position 62 where 61 was expected/],
    ['a line repeated', (ls) => [...ls.slice(0, 71), ls[70]!, ...ls.slice(71)], 72, /position 71 where 72 was expected/],
    ['positions renumbered after a deleted line', (ls) => ls.filter((_, i) => i !== 3).map((l, i) => JSON.stringify({ ...JSON.parse(l), position: i + 1 })), 4, /revision|previousHash/],
    ['a line that is not JSON', (ls) => [...ls.slice(0, 9), '{"id": "x",', ...ls.slice(10)], 10, /not JSON/],
    ['an unknown field', tamper(2, (e) => (e.extra = 1)), 3, /unknown field "extra"/],
  ])('refuses %s, naming the line, and writes nothing', async (_name, change, line, why) => {
    const file = join(dir, `tampered-${line}.jsonl`);
    writeFileSync(file, change(lines).join('\n') + '\n');
    const store = new SqliteEventStore(join(dir, `tampered-${line}.sqlite`));
    const attempt = importJsonl(store, file);
    await expect(attempt).rejects.toThrow(ExportError);
    await expect(attempt).rejects.toThrow(new RegExp(`line ${line}: `));
    await expect(attempt).rejects.toThrow(why);
    await expect(attempt).rejects.toThrow(/Nothing was imported/);
    expect(await store.headPosition()).toBe(0);
    await store.close();
  });

  it('jsonlLine keeps the stored field order', () => {
    const e: RecordedEvent = {
      hash: 'h', previousHash: null, metadata: { recordedAt: 'r', correlationId: 'c', causationId: null, schemaVersion: 1, actor: null },
      data: { a: 1 }, type: 'T', revision: 0, stream: 's', position: 1, id: 'i',
    };
    expect(jsonlLine(e)).toBe(
      '{"id":"i","position":1,"stream":"s","revision":0,"type":"T","data":{"a":1},"metadata":{"recordedAt":"r","correlationId":"c","causationId":null,"schemaVersion":1,"actor":null},"previousHash":null,"hash":"h"}',
    );
  });

  describe('the command', () => {
    const config = loadConfig({ DGR_SQLITE_FILE: source });
    let stderr: jest.SpyInstance;
    beforeEach(() => (stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)));
    afterEach(() => stderr.mockRestore());

    it('writes --out FILE only when complete, for every format', async () => {
      await runExport(source, { format: 'jsonl', out: join(dir, 'cmd.jsonl') }, config, openDemoContext);
      expect(readFileSync(join(dir, 'cmd.jsonl'), 'utf8')).toBe(exported);
      await runExport(source, { format: 'csv', what: 'ledger', separator: ';', out: join(dir, 'cmd.csv') }, config, openDemoContext);
      expect(readFileSync(join(dir, 'cmd.csv'), 'utf8').startsWith('\uFEFFposition;händelse;')).toBe(true);
      await runExport(source, { format: 'sie', year: '2025', out: join(dir, 'cmd.se') }, config, openDemoContext);
      expect(cp437Decode(readFileSync(join(dir, 'cmd.se'))).startsWith('#FLAGGA 0\r\n')).toBe(true);
    });

    it('writes CSV and SIE a chunk at a time, byte for byte what the whole-file export makes', async () => {
      const writes = jest.spyOn(WriteStream.prototype, 'write');
      const context = await openDemoContext(source);
      try {
        const queries = context.get(Queries);
        const cases: Array<[ExportArgs, Buffer]> = [
          ...CSV_WHATS.flatMap((what): Array<[ExportArgs, Buffer]> => [
            [{ format: 'csv', what }, Buffer.from(csvExport(queries, { what }), 'utf8')],
            [{ format: 'csv', what, separator: ';', 'as-of': '2025-06-30' }, Buffer.from(csvExport(queries, { what, separator: ';', asOf: '2025-06-30' }), 'utf8')],
          ]),
          ...[2024, 2025, 2026].map((year): [ExportArgs, Buffer] => [{ format: 'sie', year: String(year) }, sieExport(queries, { year, accounts: config.sieAccounts })]),
        ];
        for (const [args, whole] of cases) {
          writes.mockClear();
          const out = join(dir, 'chunked.out');
          await runExport(source, { ...args, out }, config, openDemoContext, { linesPerChunk: 7 });
          expect({ args, same: readFileSync(out).equals(whole) }).toEqual({ args, same: true });
          // More than one page of lines: written in several chunks, never as one file-sized string.
          expect(writes.mock.calls.length).toBeGreaterThan(1);
          expect(Math.max(...writes.mock.calls.map(([chunk]) => Buffer.byteLength(chunk as string | Buffer)))).toBeLessThan(whole.length);
        }
      } finally {
        writes.mockRestore();
        await context.close();
      }
    });

    it('summarises the initiatives of the CSV exports a page at a time, the same rows at any page size', async () => {
      const context = await openDemoContext(source);
      try {
        const queries = context.get(Queries);
        const everything = jest.spyOn(queries, 'listInitiatives');
        const pages = jest.spyOn(queries, 'initiativePage');
        for (const what of ['initiatives', 'decisions'] as const) {
          const whole = csvExport(queries, { what, asOf: '2026-06-30' }, 1000);
          pages.mockClear();
          expect(csvExport(queries, { what, asOf: '2026-06-30' }, 2)).toBe(whole);
          expect(pages.mock.calls.length).toBeGreaterThan(2);
          expect(pages.mock.calls.every(([options]) => options?.limit === 2)).toBe(true);
        }
        expect(everything).not.toHaveBeenCalled();
      } finally {
        jest.restoreAllMocks();
        await context.close();
      }
    });

    it.each<[Record<string, string | boolean>, RegExp]>([
      [{}, /--format must be one of jsonl, csv, sie/],
      [{ format: 'xml' }, /--format must be/],
      [{ format: 'csv' }, /--what must be one of decisions, ledger, initiatives/],
      [{ format: 'csv', what: 'ledger', separator: '|' }, /--separator/],
      [{ format: 'csv', what: 'ledger', 'as-of': '2025-02-30' }, /--as-of/],
      [{ format: 'csv', what: 'ledger', year: '2025' }, /--year is not an option of --format csv/],
      [{ format: 'sie' }, /--year must be a year/],
      [{ format: 'sie', year: '25' }, /--year must be a year/],
      [{ format: 'jsonl', what: 'ledger' }, /--what is not an option of --format jsonl/],
    ])('refuses %j', async (args, message) => {
      await expect(runExport(source, args, config, openDemoContext)).rejects.toThrow(message);
    });

    it('refuses a store file that does not exist', async () => {
      await expect(runExport(join(dir, 'none.sqlite'), { format: 'jsonl' }, config, openDemoContext)).rejects.toThrow(/there is no store/);
    });
  });
});
