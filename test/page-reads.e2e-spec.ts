/**
 * Issue 13: no request reads a whole read model. Each page (signed-in and public), each public list and each
 * export reads only its page from the read models: counted in rows and initiatives read, by wrapping the read
 * models' own read methods in the running app (real HTTP, real SQLite), with a ledger of several pages and more
 * initiatives than a page of the matrix. Reading everything would show as the whole count.
 */
import { EXPORT_LEDGER_PAGE, FundProjection, InitiativesProjection } from '@dgr/application';
import { LEDGER_PAGE_SIZE } from '../apps/api/src/web/fund.page';
import { OVERVIEW_PAGE_SIZE } from '../apps/api/src/web/overview.page';
import { decideAll, HttpApp, propose, tokenFor } from './support/http-app';

const DEPOSITS = Math.max(2 * LEDGER_PAGE_SIZE, EXPORT_LEDGER_PAGE) + 30;
const OTHERS = OVERVIEW_PAGE_SIZE + 10;

let app: HttpApp;
let funded: string;
let bookings = 0;

/** What the read models handed over while a request ran. */
interface Reads {
  /** Bookings read from the ledger, over all reads. */
  ledgerRows: number;
  /** The most bookings one read handed over. */
  largestLedgerRead: number;
  /** Initiatives read (each one row, parsed and folded). */
  initiatives: number;
}

let reads: Reads = { ledgerRows: 0, largestLedgerRead: 0, initiatives: 0 };

const countLedger = (rows: number): void => {
  reads.ledgerRows += rows;
  reads.largestLedgerRead = Math.max(reads.largestLedgerRead, rows);
};

/** Wraps a method of a prototype, counting what it returns. */
const counting = <T extends object, K extends keyof T>(proto: T, name: K, count: (result: unknown) => void): void => {
  const original = proto[name] as unknown as (...args: unknown[]) => unknown;
  jest.spyOn(proto, name as never).mockImplementation(function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    count(result);
    return result;
  } as never);
};

/** A generator method whose yielded pages are counted. */
const countingPages = <T extends object, K extends keyof T>(proto: T, name: K, count: (page: unknown[]) => void): void => {
  const original = proto[name] as unknown as (...args: unknown[]) => Generator<unknown[]>;
  jest.spyOn(proto, name as never).mockImplementation(function* (this: unknown, ...args: unknown[]) {
    for (const page of original.apply(this, args)) {
      count(page);
      yield page;
    }
  } as never);
};

const readsOf = async (path: string, status = 200): Promise<{ reads: Reads; text: string }> => {
  reads = { ledgerRows: 0, largestLedgerRead: 0, initiatives: 0 };
  const res = await fetch(app.baseUrl + path, { headers: { authorization: `Bearer ${tokenFor('finance')}` } });
  expect({ path, status: res.status }).toEqual({ path, status });
  const text = await res.text();
  return { reads: { ...reads }, text };
};

beforeAll(async () => {
  app = await HttpApp.start();
  funded = await propose(app, { title: 'Beviljat initiativ', requestedAmountOre: 900_000_000 });
  await decideAll(app, funded);
  for (let n = 0; n < OTHERS; n++) await propose(app, { title: `Initiativ nr ${n + 1}` });
  for (let n = 0; n < DEPOSITS; n++) {
    const day = `2024-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`;
    const res = await app.post('/api/fund/deposits', { amountOre: 10_000_000 + n, source: 'Värmlandstrafik AB', bookedOn: day, reference: `VER-${n}` });
    expect(res.status).toBe(201);
  }
  expect((await app.post(`/api/initiatives/${funded}/grant`, { amountOre: 900_000_000, decidedOn: '2024-12-10', reference: 'RV 2024/77' })).status).toBe(201);
  for (const [k, day] of ['2025-01-15', '2025-02-15', '2025-03-15'].entries())
    expect((await app.post('/api/fund/withdrawals', { initiativeId: funded, amountOre: 100_000_000, bookedOn: day, reference: `UT-${k}` })).status).toBe(201);
  bookings = DEPOSITS + 3;

  const fund = FundProjection.prototype;
  counting(fund, 'bookingsPage', (r) => countLedger((r as { rows: unknown[] }).rows.length));
  counting(fund, 'bookingsAfter', (r) => countLedger((r as unknown[]).length));
  counting(fund, 'bookingsOf', (r) => countLedger((r as unknown[]).length));
  const initiatives = InitiativesProjection.prototype;
  counting(initiatives, 'get', () => (reads.initiatives += 1));
  counting(initiatives, 'all', (r) => (reads.initiatives += (r as unknown[]).length));
  countingPages(initiatives, 'statePages', (page) => (reads.initiatives += page.length));
}, 180_000);

afterAll(async () => {
  jest.restoreAllMocks();
  await app.dispose();
});

describe('a page reads its page', () => {
  it('/fonden reads one page of the ledger and the initiatives it names (and those granted money)', async () => {
    const { reads: r, text } = await readsOf('/fonden');
    expect(r.ledgerRows).toBe(LEDGER_PAGE_SIZE);
    expect(r.initiatives).toBeLessThanOrEqual(2);
    expect(text).toContain(`Visar 1–${LEDGER_PAGE_SIZE} av ${bookings} bokningar.`);
    expect(text).toContain('<a class="knapp-lank" rel="next" href="/fonden?sida=2">Nästa sida</a>');
    // The payout form still offers the initiative granted money.
    expect(text).toContain(`<option value="${funded}">Beviljat initiativ (beviljat`);
  });

  it('/fonden?sida=3 shows the last bookings, the payouts with their initiative, and a link back', async () => {
    const { reads: r, text } = await readsOf('/fonden?sida=3');
    expect(r.ledgerRows).toBe(bookings - 2 * LEDGER_PAGE_SIZE);
    expect(text).toContain(`Visar ${2 * LEDGER_PAGE_SIZE + 1}–${bookings} av ${bookings} bokningar.`);
    expect(text).toContain(`<a href="/initiativ/${funded}">Beviljat initiativ</a>`);
    expect(text).toContain('rel="prev" href="/fonden?sida=2"');
    expect(text).not.toContain('rel="next"');
  });

  it("an initiative's page reads its own bookings only", async () => {
    const { reads: r } = await readsOf(`/initiativ/${funded}`);
    expect(r.ledgerRows).toBe(3);
    expect(r.largestLedgerRead).toBe(3);
  });

  it('/publikt reads one page of the matrix, /publikt/fonden one page of the ledger', async () => {
    const overview = await readsOf('/publikt');
    expect(overview.reads.initiatives).toBe(OVERVIEW_PAGE_SIZE);
    expect(overview.text).toContain(`Visar 1–${OVERVIEW_PAGE_SIZE} av ${OTHERS + 1} initiativ.`);
    expect(overview.text).toContain('href="/publikt?sida=2"');
    const second = await readsOf('/publikt?sida=2');
    expect(second.reads.initiatives).toBe(OTHERS + 1 - OVERVIEW_PAGE_SIZE);
    const fund = await readsOf('/publikt/fonden?sida=2');
    expect(fund.reads.ledgerRows).toBe(LEDGER_PAGE_SIZE);
    expect(fund.text).toContain(`Visar ${LEDGER_PAGE_SIZE + 1}–${2 * LEDGER_PAGE_SIZE} av ${bookings} bokningar.`);
    const one = await readsOf(`/publikt/initiativ/${funded}`);
    expect(one.reads.ledgerRows).toBe(3);
  });

  it('the public lists read the page asked for, and count every match', async () => {
    reads = { ledgerRows: 0, largestLedgerRead: 0, initiatives: 0 };
    const list = await fetch(`${app.baseUrl}/api/public/initiatives?limit=5&offset=10`);
    expect(list.headers.get('x-total-count')).toBe(String(OTHERS + 1));
    expect(((await list.json()) as unknown[]).length).toBe(5);
    expect(reads.initiatives).toBe(5);
    reads = { ledgerRows: 0, largestLedgerRead: 0, initiatives: 0 };
    const fund = await fetch(`${app.baseUrl}/api/public/fund?limit=7&offset=${bookings - 3}`);
    expect(fund.headers.get('x-total-count')).toBe(String(bookings));
    expect(((await fund.json()) as { ledger: unknown[] }).ledger).toHaveLength(3);
    expect(reads.ledgerRows).toBe(3);
  });
});

describe('an export reads a page at a time', () => {
  it('the ledger CSV reads the ledger in pages, never all of it at once, and names the initiatives it pays', async () => {
    const { reads: r, text } = await readsOf('/api/exports/ledger.csv');
    expect(text.trimEnd().split('\r\n')).toHaveLength(1 + bookings);
    expect(r.largestLedgerRead).toBe(EXPORT_LEDGER_PAGE);
    expect(r.initiatives).toBeLessThanOrEqual(3);
    expect(text).toContain(`,${funded},Beviljat initiativ,`);
  });

  it("the SIE file reads the year's bookings in pages, from the year's first day", async () => {
    const year2024 = await readsOf('/api/exports/sie/2024');
    expect(year2024.reads.largestLedgerRead).toBe(EXPORT_LEDGER_PAGE);
    expect(year2024.text.match(/#VER A/g)).toHaveLength(DEPOSITS);
    const year2025 = await readsOf('/api/exports/sie/2025');
    // Only 2025's three payouts are read: the earlier years come as each year's sums.
    expect(year2025.reads.ledgerRows).toBe(3);
    expect(year2025.text.match(/#VER A/g)).toHaveLength(3);
  });

  it('the public decisions CSV is streamed, not held whole, and still answers 304 to the ETag it gave', async () => {
    const res = await fetch(`${app.baseUrl}/api/public/decisions.csv`);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect((await res.text()).trimEnd().split('\r\n')).toHaveLength(1 + 17);
    const again = await fetch(`${app.baseUrl}/api/public/decisions.csv`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});
