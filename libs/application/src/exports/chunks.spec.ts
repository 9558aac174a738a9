import type { LedgerRow } from '../projections/fund.projection';
import { joinedInChunks } from './chunks';
import { cp437Decode, DEFAULT_SIE_ACCOUNTS, sieChunks, sieExport, type SieView } from './sie';

const deposit = (n: number): LedgerRow => ({
  position: n,
  type: 'FundDeposited',
  bookedOn: `2024-03-${String(n).padStart(2, '0')}`,
  amountOre: 100 * n,
  initiativeId: null,
  source: 'Säffle kommun – § 4',
  reference: `Ver ${n}`,
  reason: null,
  recordedAt: '2024-03-01T09:00:00.000Z',
  balanceAfterOre: 0,
});

const view: SieView = {
  fundYears: () => [{ year: 2024, openingOre: 0, depositsOre: 1500, withdrawalsOre: 0, returnsOre: 0, closingOre: 1500, changeOre: 1500, closed: false }],
  ledgerPages: () => [[1, 2], [3, 4], [5]].map((page) => page.map(deposit))[Symbol.iterator]() as Generator<LedgerRow[]>,
  initiativeTitles: () => new Map(),
  today: () => '2024-12-01',
};

describe('downloads in chunks', () => {
  it('joins texts a given number at a time, the last chunk holding the rest', () => {
    expect([...joinedInChunks(['a', 'b', 'c', 'd', 'e'], 2)]).toEqual(['ab', 'cd', 'e']);
    expect([...joinedInChunks([], 2)]).toEqual([]);
  });

  it('gives the SIE file in chunks of whole lines that are, together, exactly its bytes', () => {
    const chunks = [...sieChunks(view, { year: 2024, accounts: DEFAULT_SIE_ACCOUNTS }, 4)];
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.every((c) => c.subarray(-2).toString('latin1') === '\r\n')).toBe(true);
    const whole = sieExport(view, { year: 2024, accounts: DEFAULT_SIE_ACCOUNTS });
    expect(Buffer.concat(chunks).equals(whole)).toBe(true);
    expect(cp437Decode(whole)).toContain('"Insättning från Säffle kommun - § 4, Ver 5 [händelse 5]"');
  });
});
