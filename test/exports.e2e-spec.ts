/**
 * The exports as downloads over real HTTP (GET /api/exports/…) on the demo history: byte for byte what
 * `dgr export` writes for the same store and day, streamed, with the file's type and name; every signed-in role
 * may download, nobody else; a bad year or option is a 400 problem in Swedish.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SIE_ACCOUNTS } from '@dgr/application';
import { hasInvisibleControl, visibleText } from '@dgr/domain';
import { runExport, type ExportArgs } from '../apps/cli/src/export';
import { DEMO_TODAY, openDemoContext, seedDemoStore } from '../apps/cli/src/testing/demo-store';
import { asSieReadsIt, BIDI_TITLE, FORMULA_SOURCE, FORMULA_TITLES, hostileHistory, HOSTILE_TODAY, HOSTILE_YEAR, MARKDOWN_TITLE, SIE_HOSTILE_CHARACTERS, sieBreakout } from '../apps/cli/src/testing/hostile-store';
import { readSie } from '../apps/cli/src/testing/sie-reader';
import { expectInvalidField, expectProblem, HttpApp, testConfig, tokenFor } from './support/http-app';

let app: HttpApp;
let file: string;
let cliDir: string;

beforeAll(async () => {
  file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-exports-')), 'dgr.sqlite');
  const seeded = await seedDemoStore(file);
  await seeded.app.close();
  // The service's "today" is the day the CLI's context has: the exports that depend on the day are then equal.
  app = await HttpApp.start({ sqliteFile: file, now: `${DEMO_TODAY}T12:00:00.000Z` });
  cliDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-exports-cli-'));
}, 180_000);

afterAll(async () => {
  await app?.dispose();
  fs.rmSync(cliDir, { recursive: true, force: true });
});

let cliCounter = 0;

/** The bytes `dgr export` writes with `--out FILE` for the same store (its messages on stderr are silenced). */
const cliExport = async (args: ExportArgs): Promise<Buffer> => {
  const out = path.join(cliDir, `export-${++cliCounter}`);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await runExport(file, { ...args, out }, testConfig(file), openDemoContext);
  } finally {
    stderr.mockRestore();
  }
  return fs.readFileSync(out);
};

/** A download: status, headers and the raw bytes (the SIE file is not UTF-8). */
const download = async (url: string, authorization = `Bearer ${tokenFor('auditor')}`) => {
  const res = await fetch(app.baseUrl + url, { headers: { authorization } });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => (headers[key] = value));
  return { status: res.status, headers, bytes: Buffer.from(await res.arrayBuffer()) };
};

describe('GET /api/exports/…: the same bytes as dgr export', () => {
  it('events.jsonl: the whole log as dgr export --format jsonl writes it, streamed', async () => {
    const res = await download('/api/exports/events.jsonl');
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="dgr-events-${DEMO_TODAY}.jsonl"`,
      'cache-control': 'no-store',
      'transfer-encoding': 'chunked',
    });
    const cli = await cliExport({ format: 'jsonl' });
    expect(res.bytes.toString('utf8').split('\n')).toHaveLength((await app.position()) + 1);
    expect(res.bytes.equals(cli)).toBe(true);
  });

  it.each<[string, string, ExportArgs]>([
    ['ledger, defaults (",", no BOM, today)', '/api/exports/ledger.csv', { format: 'csv', what: 'ledger' }],
    ['ledger for Excel (";": BOM, decimal comma)', '/api/exports/ledger.csv?separator=%3B', { format: 'csv', what: 'ledger', separator: ';' }],
    ['ledger as of a day, tab, with a BOM', '/api/exports/ledger.csv?separator=tab&asOf=2024-12-31&bom=true', { format: 'csv', what: 'ledger', separator: 'tab', 'as-of': '2024-12-31', bom: true }],
    ['ledger with ";" but no BOM', '/api/exports/ledger.csv?separator=%3B&bom=false', { format: 'csv', what: 'ledger', separator: ';', 'no-bom': true }],
    ['decisions', '/api/exports/decisions.csv', { format: 'csv', what: 'decisions' }],
    ['initiatives as of a day', '/api/exports/initiatives.csv?asOf=2023-06-30', { format: 'csv', what: 'initiatives', 'as-of': '2023-06-30' }],
  ])('%s: as dgr export --format csv', async (_name, url, args) => {
    const res = await download(url);
    expect(res.status).toBe(200);
    const what = args.what!;
    const asOf = args['as-of'] ?? DEMO_TODAY;
    expect(res.headers).toMatchObject({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="dgr-${what}-${asOf}.csv"` });
    const cli = await cliExport(args);
    expect(cli.length).toBeGreaterThan(200);
    expect(res.bytes.equals(cli)).toBe(true);
  });

  it.each([2022, 2025, 2026])('sie/%i: the year\'s SIE 4E file as dgr export --format sie writes it (code page 437)', async (year) => {
    const res = await download(`/api/exports/sie/${year}`);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'text/plain; charset=IBM437', 'content-disposition': `attachment; filename="dgr-${year}.se"` });
    const cli = await cliExport({ format: 'sie', year: String(year) });
    expect(res.bytes.includes(Buffer.from('#VER A 1 ', 'latin1'))).toBe(true);
    expect(res.bytes.equals(cli)).toBe(true);
  });

  it('uses the accounts the configuration gives by default, as dgr export does', () => {
    expect(testConfig(file).sieAccounts).toEqual(DEFAULT_SIE_ACCOUNTS);
  });
});

describe('GET /api/exports/…: who, and what is refused', () => {
  const urls = ['/api/exports/events.jsonl', '/api/exports/ledger.csv', '/api/exports/decisions.csv', '/api/exports/initiatives.csv', '/api/exports/sie/2025'];

  it('every signed-in role may download, and nobody without a token', async () => {
    for (const url of urls) {
      for (const role of ['secretariat', 'clerk', 'finance', 'auditor'] as const) {
        const res = await download(url, `Bearer ${tokenFor(role, role === 'clerk' ? '1780' : undefined)}`);
        expect([url, role, res.status, res.bytes.length > 0]).toEqual([url, role, 200, true]);
      }
      const problem = expectProblem(await app.get(url, { authorization: 'none' }), 401);
      expect(problem.code).toBe('unauthenticated');
    }
  });

  it.each(['abcd', '25', '1899', '20245', '2025.5'])('sie/%s: 400, naming the year in Swedish', async (year) => {
    const problem = expectInvalidField(await app.get(`/api/exports/sie/${year}`), 'year');
    expect(problem.errors).toEqual([{ field: 'year', message: 'year måste vara ett årtal med fyra siffror, från 1900 (t.ex. 2025)' }]);
    expect(problem.code).toBe('invalid-input');
  });

  it.each<[string, string, string]>([
    ['?separator=%7C', 'separator', 'separator måste vara , eller ; eller tab'],
    ['?asOf=2025-02-30', 'asOf', 'asOf måste vara ett datum som finns, på formen ÅÅÅÅ-MM-DD'],
    ['?bom=ja', 'bom', 'bom måste vara true eller false'],
    ['?excel=ja', 'excel', 'excel måste vara true eller false'],
    ['?year=2025', 'year', 'year är inget känt fält'],
  ])('ledger.csv%s: 400 naming %s', async (query, field, message) => {
    const problem = expectInvalidField(await app.get(`/api/exports/ledger.csv${query}`), field);
    expect(problem.errors).toEqual([{ field, message }]);
  });
});

describe('GET /api/exports/sie/:year with the accounts of DGR_SIE_*', () => {
  it('books on the configured accounts, byte for byte as dgr export does with the same settings', async () => {
    const env = { DGR_SIE_FUND_ACCOUNT: '1910', DGR_SIE_DEPOSIT_ACCOUNT: '2091', DGR_SIE_PAYOUT_ACCOUNT: '2092', DGR_SIE_RETURN_ACCOUNT: '2093' };
    await app.stop();
    const configured = await HttpApp.start({ sqliteFile: file, now: `${DEMO_TODAY}T12:00:00.000Z`, env });
    try {
      const res = await fetch(`${configured.baseUrl}/api/exports/sie/2023`, { headers: { authorization: `Bearer ${tokenFor('auditor')}` } });
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(res.status).toBe(200);
      expect(bytes.includes(Buffer.from('#KONTO 1910', 'latin1'))).toBe(true);
      expect(bytes.includes(Buffer.from('#KONTO 1930', 'latin1'))).toBe(false);
      const out = path.join(cliDir, 'export-configured');
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        await runExport(file, { format: 'sie', year: '2023', out }, testConfig(file, env), openDemoContext);
      } finally {
        stderr.mockRestore();
      }
      expect(bytes.equals(fs.readFileSync(out))).toBe(true);
    } finally {
      await configured.stop();
    }
  });
});

/**
 * Issue 17: a history written to attack the files a person opens (testing/hostile-store.ts), downloaded over
 * HTTP and exported with `dgr export`: the same bytes both ways, and nothing breaks out of its field.
 */
describe('the exports of a hostile history, over HTTP and from dgr export', () => {
  let hostile: HttpApp;
  let hostileFile: string;

  beforeAll(async () => {
    hostileFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-exports-hostile-')), 'dgr.sqlite');
    const seeded = await seedDemoStore(hostileFile, hostileHistory());
    await seeded.app.close();
    hostile = await HttpApp.start({ sqliteFile: hostileFile, now: `${HOSTILE_TODAY}T12:00:00.000Z` });
  }, 120_000);

  afterAll(async () => {
    await hostile?.dispose();
  });

  const fromBoth = async (url: string, args: ExportArgs): Promise<Buffer> => {
    const res = await fetch(hostile.baseUrl + url, { headers: { authorization: `Bearer ${tokenFor('auditor')}` } });
    expect(res.status).toBe(200);
    const http = Buffer.from(await res.arrayBuffer());
    const out = path.join(cliDir, `hostile-${++cliCounter}`);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await runExport(hostileFile, { ...args, out }, testConfig(hostileFile), openDemoContext);
    } finally {
      stderr.mockRestore();
    }
    expect(http.equals(fs.readFileSync(out))).toBe(true);
    return http;
  };

  it(`sie/${HOSTILE_YEAR}: every #VER keeps its five fields and every #TRANS its three, whatever character the texts hold (item 3)`, async () => {
    const { vouchers } = readSie(await fromBoth(`/api/exports/sie/${HOSTILE_YEAR}`, { format: 'sie', year: String(HOSTILE_YEAR) }));
    expect(vouchers.length).toBe(2 + 2 * SIE_HOSTILE_CHARACTERS.length + 2);
    for (const v of vouchers) {
      expect(v.fields).toEqual(['A', expect.stringMatching(/^\d+$/), expect.stringMatching(/^2026\d{4}$/), expect.any(String), '20261123']);
      expect(v.trans).toHaveLength(2);
      for (const t of v.trans) expect(t).toEqual([expect.stringMatching(/^\d{4}$/), '{}', expect.stringMatching(/^-?\d+\.\d{2}$/)]);
    }
    const texts = vouchers.map((v) => v.fields[3]!);
    for (const c of SIE_HOSTILE_CHARACTERS) {
      const breakout = asSieReadsIt(sieBreakout(c));
      // CR and LF both read as a space: their texts are alike.
      const alike = SIE_HOSTILE_CHARACTERS.filter((d) => asSieReadsIt(sieBreakout(d)) === breakout).length;
      expect([c, texts.filter((t) => t.startsWith(`Insättning från ${breakout}, ${breakout} [händelse `)).length]).toEqual([c, alike]);
      expect([c, texts.filter((t) => t.startsWith(`Utbetalning till Kompetens" 20991231 "Injicerad, ${breakout} [händelse `)).length]).toEqual([c, alike]);
    }
  });

  /** The cells of each line, for lines without a separator, quote or line break inside a cell (those looked at here). */
  const cellsOf = (bytes: Buffer, separator: string): string[][] =>
    bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n').slice(0, -1).map((l) => l.split(separator).map((c) => c.replace(/^"(.*)"$/, '$1').replace(/""/g, '"')));

  it('initiatives.csv for Excel (";"): a \' before every formula title, invisible controls shown (item 4)', async () => {
    const bytes = await fromBoth('/api/exports/initiatives.csv?separator=%3B', { format: 'csv', what: 'initiatives', separator: ';' });
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const titles = cellsOf(bytes, ';').map((r) => r[1]);
    for (const title of FORMULA_TITLES) expect(titles).toContain(`'${title}`);
    expect(titles.filter((t) => /^[=+\-@]/.test(t!))).toEqual([]);
    expect(bytes.toString('utf8')).toContain(`;"${visibleText(`${MARKDOWN_TITLE} ${BIDI_TITLE}`)}";`);
    expect(hasInvisibleControl(bytes.toString('utf8').slice(1))).toBe(false);
  });

  it('ledger.csv for Excel keeps negative amounts numbers; with excel=false, or for programs, every text as stored', async () => {
    const excel = cellsOf(await fromBoth('/api/exports/ledger.csv?separator=%3B', { format: 'csv', what: 'ledger', separator: ';' }), ';');
    const [header, ...rows] = excel;
    const col = (name: string) => header!.indexOf(name);
    expect(rows.find((r) => r[col('källa')] === `'${FORMULA_SOURCE}`)![col('referens')]).toBe("'@ref");
    const payouts = rows.filter((r) => r[col('slag')] === 'utbetalning');
    expect(payouts.length).toBeGreaterThan(0);
    for (const r of payouts) expect([r[col('förändring_öre')], r[col('förändring_kr')]]).toEqual([expect.stringMatching(/^-\d+$/), expect.stringMatching(/^-\d+,\d{2}$/)]);

    for (const [url, args, separator] of [
      ['/api/exports/ledger.csv?separator=%3B&excel=false', { format: 'csv', what: 'ledger', separator: ';', 'no-excel': true }, ';'],
      ['/api/exports/ledger.csv', { format: 'csv', what: 'ledger' }, ','],
    ] as const) {
      const bytes = await fromBoth(url, args);
      expect(bytes[0]).not.toBe(0xef);
      const [h, ...program] = cellsOf(bytes, separator);
      expect(program.map((r) => r[h!.indexOf('källa')])).toContain(FORMULA_SOURCE);
    }
    const forced = cellsOf(await fromBoth('/api/exports/initiatives.csv?excel=true', { format: 'csv', what: 'initiatives', excel: true }), ',');
    expect(forced.map((r) => r[1])).toContain("'@SUM(1+1)");
  });
});
