import fc from 'fast-check';
import { addDays, dayNumberOf, daysBetween } from './calendar';
import { appealEndsOn, APPEAL_PERIOD_DAYS, holidayName, weekdayOf } from './swedish-calendar';

/*
 * The calendar's integer day arithmetic (day numbers instead of Date objects and ISO strings) and the memo of
 * appeal windows must answer exactly as the Date-based versions they replaced, kept here as the oracles.
 */
const oracle = {
  addDays: (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10),
  daysBetween: (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000),
  weekdayOf: (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay(),
  appealEndsOn: (notice: string): string => {
    let day = oracle.addDays(notice, APPEAL_PERIOD_DAYS);
    for (;;) {
      const w = oracle.weekdayOf(day);
      if (w !== 0 && w !== 6 && holidayName(day) === null) return day;
      day = oracle.addDays(day, 1);
    }
  },
};

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
/** Any real day from 1000-01-01 to 9999-12-31 (the years the fast path takes). */
const anyDay = fc.integer({ min: Date.UTC(1000, 0, 1) / 86_400_000, max: Date.UTC(9999, 11, 31) / 86_400_000 }).map((d) => iso(d * 86_400_000));
/** The service's days: 1900–2200. */
const serviceDay = fc.integer({ min: Date.UTC(1900, 0, 1) / 86_400_000, max: Date.UTC(2200, 11, 31) / 86_400_000 }).map((d) => iso(d * 86_400_000));

describe('calendar arithmetic on day numbers equals the Date-based arithmetic', () => {
  it('addDays, over many days and offsets (leap years, centuries, negative offsets)', () => {
    fc.assert(
      fc.property(anyDay, fc.integer({ min: -40_000, max: 40_000 }), (day, n) => {
        const expected = oracle.addDays(day, n);
        if (expected.startsWith('+') || expected.startsWith('-')) return; // beyond year 9999 / before 0: Date's own form
        expect(addDays(day, n)).toBe(expected);
      }),
      { numRuns: 5_000 },
    );
  });

  it('addDays by small steps over every day of 1999–2101 (each month end, 29 February, the turn of centuries)', () => {
    const differ: string[] = [];
    let day = '1999-01-01';
    for (let i = 0; i < 103 * 366; i += 1) {
      for (const n of [-1, 1, 14, 21]) if (addDays(day, n) !== oracle.addDays(day, n)) differ.push(`${day} + ${n}`);
      if (weekdayOf(day) !== oracle.weekdayOf(day)) differ.push(`weekday of ${day}`);
      day = oracle.addDays(day, 1);
    }
    expect(differ).toEqual([]);
  });

  it('daysBetween and weekdayOf, over many pairs of days', () => {
    fc.assert(
      fc.property(anyDay, anyDay, (a, b) => {
        expect(daysBetween(a, b)).toBe(oracle.daysBetween(a, b));
        expect(weekdayOf(a)).toBe(oracle.weekdayOf(a));
      }),
      { numRuns: 5_000 },
    );
  });

  it('appealEndsOn (memoised) equals the walk over working days, asked twice', () => {
    fc.assert(
      fc.property(serviceDay, (notice) => {
        const expected = oracle.appealEndsOn(notice);
        expect(appealEndsOn(notice)).toBe(expected);
        expect(appealEndsOn(notice)).toBe(expected);
      }),
      { numRuns: 5_000 },
    );
  });

  it('takes the Date path for what is not a real day with a four-digit year from 1000 (same answers, same errors)', () => {
    for (const odd of ['2023-02-29', '2021-04-31', '2021-13-01', '2021-00-10', '2021-01-00', '0999-12-31', '2021-1-01', 'x', '2021/01/01', '+02021-01-01']) {
      expect(dayNumberOf(odd)).toBeNull();
      let expected: string | Error;
      try {
        expected = oracle.addDays(odd, 1);
      } catch (e) {
        expected = e as Error;
      }
      if (expected instanceof Error) expect(() => addDays(odd, 1)).toThrow(expected.constructor as new () => Error);
      else expect(addDays(odd, 1)).toBe(expected);
      expect(daysBetween(odd, '2021-01-01')).toEqual(oracle.daysBetween(odd, '2021-01-01'));
      expect(weekdayOf(odd)).toEqual(oracle.weekdayOf(odd));
    }
    expect(addDays('2021-01-01', 0.5)).toBe(oracle.addDays('2021-01-01', 0.5));
    expect(addDays('9999-12-31', 1)).toBe(oracle.addDays('9999-12-31', 1));
  });

  it('dayNumberOf counts days from 1970-01-01', () => {
    expect(dayNumberOf('1970-01-01')).toBe(0);
    expect(dayNumberOf('1969-12-31')).toBe(-1);
    expect(dayNumberOf('2000-03-01')).toBe(Date.UTC(2000, 2, 1) / 86_400_000);
  });
});
