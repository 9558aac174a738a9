import fc from 'fast-check';
import { InitiativePageIndex } from './initiative-page-index';

const day = (n: number): string => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);

describe('InitiativePageIndex: a list count and page start from memory', () => {
  it('answers as the SQL filter would (proposed by a day, up to a position), for days in and out of order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 1, max: 5 }), day: fc.nat(60) }), { maxLength: 80 }),
        fc.array(fc.record({ by: fc.nat(70), until: fc.option(fc.nat(400), { nil: undefined }), offset: fc.nat(90) }), { minLength: 1, maxLength: 20 }),
        (rows, queries) => {
          const index = new InitiativePageIndex();
          const stored: Array<{ position: number; day: string }> = [];
          let position = 0;
          for (const r of rows) {
            position += r.gap;
            stored.push({ position, day: day(r.day) });
            expect(index.push(position, day(r.day))).toBe(true);
          }
          for (const q of queries) {
            const matches = stored.filter((r) => r.day <= day(q.by) && (q.until === undefined || r.position <= q.until));
            expect(index.count(day(q.by), q.until)).toBe(matches.length);
            expect(index.pageStart(day(q.by), q.until, q.offset)).toBe(matches[q.offset]?.position);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a position not after the last; leaves every answer to SQL once a day is not a YYYY-MM-DD day', () => {
    const index = new InitiativePageIndex();
    expect(index.push(5, '2024-01-01')).toBe(true);
    expect(index.push(5, '2024-01-02')).toBe(false);
    expect(index.push(3, '2024-01-02')).toBe(false);
    expect({ length: index.length, last: index.lastPosition, count: index.count('2024-12-31', undefined) }).toEqual({ length: 1, last: 5, count: 1 });
    expect(index.count('not a day', undefined)).toBeNull();
    index.push(9, '2024-1-5');
    expect(index.count('2024-12-31', undefined)).toBeNull();
    expect(index.pageStart('2024-12-31', undefined, 0)).toBeNull();
  });

  it('grows past its first arrays', () => {
    const index = new InitiativePageIndex();
    for (let i = 1; i <= 5000; i += 1) index.push(i * 3, day(i % 400));
    expect(index.count(day(400), undefined)).toBe(5000);
    expect(index.pageStart(day(400), undefined, 4999)).toBe(15000);
    expect(index.count(day(0), 30)).toBe(0);
  });
});
