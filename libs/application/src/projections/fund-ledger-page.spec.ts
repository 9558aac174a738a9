import { Logger } from '@nestjs/common';
import { EVENT_VERSIONS, FUND_STREAM, type FundEvent } from '@dgr/domain';
import type { RecordedEvent } from '@dgr/event-store';
import { toDomainEvent } from '../domain-events';
import { FundProjection } from './fund.projection';
import type { ParsedEvent } from './persistent-projection';
import { useReadModelFiles } from '../testing/read-model-files';

/*
 * A ledger page's balances: the balance before the page's first booking was one SUM over every booking's row per
 * page; it is now kept in memory, by the ledger's last position. Every page, now and as known at each position,
 * must still carry the balances of the bookings in business-date order (recorded order within a day), also after
 * back-dated bookings and after another writer on the same file added some.
 */

const recorded = (position: number, e: FundEvent): ParsedEvent => {
  const event: RecordedEvent = {
    id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    position,
    stream: FUND_STREAM,
    revision: position - 1,
    type: e.type,
    data: e.data,
    metadata: { recordedAt: '2026-06-15T10:00:00.000Z', correlationId: 'spec', causationId: null, schemaVersion: EVENT_VERSIONS[e.type], actor: null },
    hash: `hash-${position}`,
    previousHash: position === 1 ? null : `hash-${position - 1}`,
  };
  return { event, domain: toDomainEvent(event) };
};

/** A deterministic mix: deposits on scattered (often back-dated) days, a grant, payouts. */
const events = (from: number, n: number): Array<{ position: number; e: FundEvent; delta: number }> => {
  const out: Array<{ position: number; e: FundEvent; delta: number }> = [];
  let seed = from;
  const next = (m: number): number => {
    seed = (seed * 48271) % 2147483647;
    return seed % m;
  };
  for (let position = from; position < from + n; position++) {
    const bookedOn = `2024-0${1 + next(9)}-1${next(10)}`;
    if (position % 7 === 3) {
      out.push({ position, e: { type: 'GrantAwarded', data: { initiativeId: 'i-1', amountOre: 100, decidedOn: bookedOn, reference: 'G' } }, delta: 0 });
    } else if (position % 5 === 4) {
      const amountOre = 1 + next(50);
      out.push({ position, e: { type: 'FundWithdrawn', data: { initiativeId: 'i-1', amountOre, bookedOn, reference: `W${position}` } }, delta: -amountOre });
    } else {
      const amountOre = 100 + next(1000);
      out.push({ position, e: { type: 'FundDeposited', data: { amountOre, source: 'Region Värmland', bookedOn, reference: `D${position}` } }, delta: amountOre });
    }
  }
  return out;
};

/** The oracle: the bookings recorded up to `until`, in business-date order, each with the running balance. */
const expected = (all: ReturnType<typeof events>, until: number): Array<{ position: number; balanceAfterOre: number }> => {
  const rows = all
    .filter((x) => x.e.type !== 'GrantAwarded' && x.position <= until)
    .map((x) => ({ position: x.position, bookedOn: (x.e.data as { bookedOn: string }).bookedOn, delta: x.delta }))
    .sort((a, b) => (a.bookedOn < b.bookedOn ? -1 : a.bookedOn > b.bookedOn ? 1 : a.position - b.position));
  let balance = 0;
  return rows.map((r) => ({ position: r.position, balanceAfterOre: (balance += r.delta) }));
};

const pagesOf = (fund: FundProjection, until: number, limit: number) => {
  const out: Array<{ position: number; balanceAfterOre: number }> = [];
  for (let offset = 0; ; offset += limit) {
    const { rows } = fund.bookingsPage(until, offset, limit);
    if (rows.length === 0) return out;
    out.push(...rows.map((r) => ({ position: r.position, balanceAfterOre: r.balanceAfterOre })));
  }
};

const { open } = useReadModelFiles('dgr-ledger-page-');

beforeAll(() => Logger.overrideLogger(false));

describe('a ledger page’s balances', () => {
  it('are those of the bookings in business-date order, for every page, now and known at every position', () => {
    const fund = new FundProjection(open());
    const all = events(1, 60);
    fund.applyBatch(all.map((x) => recorded(x.position, x.e)));
    for (const limit of [1, 7, 100])
      for (const until of [Number.MAX_SAFE_INTEGER, ...all.map((x) => x.position)]) expect(pagesOf(fund, until, limit)).toEqual(expected(all, until));
  });

  it('are whole LedgerRows, every field in its order (the JSON the API answers)', () => {
    const fund = new FundProjection(open());
    const all = events(1, 12);
    fund.applyBatch(all.map((x) => recorded(x.position, x.e)));
    const balances = new Map(expected(all, Number.MAX_SAFE_INTEGER).map((r) => [r.position, r.balanceAfterOre]));
    const byPosition = new Map(all.map((x) => [x.position, x.e]));
    const rows = fund.bookingsPage(Number.MAX_SAFE_INTEGER, 2, 5).rows;
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      const e = byPosition.get(row.position)!;
      const d = e.data as { amountOre: number; bookedOn: string; initiativeId?: string; source?: string; reference: string };
      expect(JSON.stringify(row)).toBe(
        JSON.stringify({
          position: row.position,
          type: e.type,
          bookedOn: d.bookedOn,
          amountOre: d.amountOre,
          initiativeId: d.initiativeId ?? null,
          source: d.source ?? null,
          reference: d.reference,
          reason: null,
          recordedAt: '2026-06-15T10:00:00.000Z',
          balanceAfterOre: balances.get(row.position),
        }),
      );
    }
  });

  it('follow bookings added since the last page, by this instance or by another writer on the same file', () => {
    const reader = new FundProjection(open());
    const writer = new FundProjection(open());
    const first = events(1, 30);
    reader.applyBatch(first.map((x) => recorded(x.position, x.e)));
    expect(pagesOf(reader, Number.MAX_SAFE_INTEGER, 4)).toEqual(expected(first, Number.MAX_SAFE_INTEGER));
    // Back-dated bookings land inside pages already read.
    const second = events(31, 20);
    writer.applyBatch(second.map((x) => recorded(x.position, x.e)));
    const all = [...first, ...second];
    expect(pagesOf(reader, Number.MAX_SAFE_INTEGER, 4)).toEqual(expected(all, Number.MAX_SAFE_INTEGER));
    expect(pagesOf(reader, 35, 4)).toEqual(expected(all, 35));
    const third = events(51, 10);
    reader.applyBatch(third.map((x) => recorded(x.position, x.e)));
    expect(pagesOf(reader, Number.MAX_SAFE_INTEGER, 3)).toEqual(expected([...all, ...third], Number.MAX_SAFE_INTEGER));
  });
});
