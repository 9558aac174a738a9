import fc from 'fast-check';
import { addDays, daysBetween } from './calendar';
import { appealEndsOn, easterSunday, holidayName, isNonWorkingDay, swedishHolidays, weekdayOf } from './swedish-calendar';

/** Given a notice posted on a day, when the appeal window is computed, then it ends on this day. */
const givenNoticePostedOn = (noticePostedOn: string) => ({
  thenAppealEndsOn: (expected: string) => expect(appealEndsOn(noticePostedOn)).toBe(expected),
});

describe('appealEndsOn: three weeks after the notice, moved past weekends and holidays (lag 1930:173)', () => {
  it('notice 2023-12-11: three weeks is nyårsdagen 2024-01-01, so the window ends on 2024-01-02', () => {
    givenNoticePostedOn('2023-12-11').thenAppealEndsOn('2024-01-02');
  });

  it('a plain Monday three weeks on stays as it is', () => {
    givenNoticePostedOn('2024-02-05').thenAppealEndsOn('2024-02-26');
  });

  it('a Saturday three weeks on moves to the Monday', () => {
    givenNoticePostedOn('2024-02-03').thenAppealEndsOn('2024-02-26');
  });

  describe('Easter', () => {
    it('ending on långfredagen 2024-03-29 moves past påskafton, påskdagen and annandag påsk to Tuesday 2024-04-02', () => {
      givenNoticePostedOn('2024-03-08').thenAppealEndsOn('2024-04-02');
    });

    it('ending on annandag påsk 2025-04-21 moves to Tuesday 2025-04-22', () => {
      givenNoticePostedOn('2025-03-31').thenAppealEndsOn('2025-04-22');
    });

    it('ending on Kristi himmelsfärdsdag 2024-05-09 (Easter + 39) moves to Friday 2024-05-10', () => {
      givenNoticePostedOn('2024-04-18').thenAppealEndsOn('2024-05-10');
    });

    it('ending on the Thursday before Easter 2026 (2026-04-02) stays: skärtorsdagen is a working day', () => {
      givenNoticePostedOn('2026-03-12').thenAppealEndsOn('2026-04-02');
    });
  });

  describe('Midsummer', () => {
    it('ending on midsommarafton 2024-06-21 moves past midsommardagen and the Sunday to Monday 2024-06-24', () => {
      givenNoticePostedOn('2024-05-31').thenAppealEndsOn('2024-06-24');
    });

    it('ending on midsommarafton 2026-06-19 moves to Monday 2026-06-22', () => {
      givenNoticePostedOn('2026-05-29').thenAppealEndsOn('2026-06-22');
    });
  });

  it('ending on julafton 2024-12-24 moves past juldagen and annandag jul to Friday 2024-12-27', () => {
    givenNoticePostedOn('2024-12-03').thenAppealEndsOn('2024-12-27');
  });

  it('ending on nyårsafton 2025-12-31 moves past nyårsdagen to Friday 2026-01-02', () => {
    givenNoticePostedOn('2025-12-10').thenAppealEndsOn('2026-01-02');
  });

  it('ending on nationaldagen, Friday 2025-06-06, moves to Monday 2025-06-09', () => {
    givenNoticePostedOn('2025-05-16').thenAppealEndsOn('2025-06-09');
  });

  it('ending on trettondedag jul, Tuesday 2026-01-06, moves to Wednesday 2026-01-07', () => {
    givenNoticePostedOn('2025-12-16').thenAppealEndsOn('2026-01-07');
  });

  describe('properties, for any notice day from 1950 to 2200', () => {
    const day = fc
      .integer({ min: Date.UTC(1950, 0, 1) / 86_400_000, max: Date.UTC(2200, 11, 31) / 86_400_000 })
      .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));

    it('never ends on a Saturday, a Sunday or a holiday', () => {
      fc.assert(
        fc.property(day, (notice) => {
          const end = appealEndsOn(notice);
          expect([0, 6]).not.toContain(weekdayOf(end));
          expect(holidayName(end)).toBeNull();
        }),
        { numRuns: 2000 },
      );
    });

    it('ends on the first day on or after notice + 21 days that is not one of them', () => {
      fc.assert(
        fc.property(day, (notice) => {
          const end = appealEndsOn(notice);
          const earliest = addDays(notice, 21);
          expect(end >= earliest).toBe(true);
          for (let d = earliest; d < end; d = addDays(d, 1)) expect(isNonWorkingDay(d)).toBe(true);
          // Never more than a few days later: the longest run is Easter (fri–mon) or Christmas.
          expect(daysBetween(earliest, end)).toBeLessThanOrEqual(5);
        }),
        { numRuns: 2000 },
      );
    });
  });
});

describe('the Swedish holidays', () => {
  it.each([
    [1818, '1818-03-22'],
    [1943, '1943-04-25'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('Easter Sunday %i is %s', (year, easter) => {
    expect(easterSunday(year)).toBe(easter);
  });

  it('are, in 2024, these days with their names', () => {
    expect([...swedishHolidays(2024).entries()].sort()).toEqual([
      ['2024-01-01', 'nyårsdagen'],
      ['2024-01-06', 'trettondedag jul'],
      ['2024-03-29', 'långfredagen'],
      ['2024-03-31', 'påskdagen'],
      ['2024-04-01', 'annandag påsk'],
      ['2024-05-01', 'första maj'],
      ['2024-05-09', 'Kristi himmelsfärdsdag'],
      ['2024-05-19', 'pingstdagen'],
      ['2024-06-06', 'Sveriges nationaldag'],
      ['2024-06-21', 'midsommarafton'],
      ['2024-06-22', 'midsommardagen'],
      ['2024-11-02', 'alla helgons dag'],
      ['2024-12-24', 'julafton'],
      ['2024-12-25', 'juldagen'],
      ['2024-12-26', 'annandag jul'],
      ['2024-12-31', 'nyårsafton'],
    ]);
  });

  it('place Midsummer and All Saints on the right Saturdays in any year', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1950, max: 2300 }), (year) => {
        const days = [...swedishHolidays(year).entries()];
        const midsommardagen = days.find(([, n]) => n === 'midsommardagen')![0];
        const midsommarafton = days.find(([, n]) => n === 'midsommarafton')![0];
        const allaHelgon = days.find(([, n]) => n === 'alla helgons dag')![0];
        const easter = easterSunday(year);
        expect(weekdayOf(midsommardagen)).toBe(6);
        expect(midsommardagen >= `${year}-06-20` && midsommardagen <= `${year}-06-26`).toBe(true);
        expect(weekdayOf(midsommarafton)).toBe(5);
        expect(midsommarafton).toBe(addDays(midsommardagen, -1));
        expect(weekdayOf(allaHelgon)).toBe(6);
        expect(allaHelgon >= `${year}-10-31` && allaHelgon <= `${year}-11-06`).toBe(true);
        expect(weekdayOf(easter)).toBe(0);
        expect(easter >= `${year}-03-22` && easter <= `${year}-04-25`).toBe(true);
      }),
    );
  });
});
