import { addDays, daysBetween, isCalendarDate, lastDayOfYear, stockholmDateOf, yearOf } from './calendar';
import { formatOre, isOre, MSEK } from './money';
import { isPartyId, PARTIES, PARTY_IDS, partyName } from './parties';
import { STRATEGY, STRATEGY_AREAS, STRATEGY_GOALS, strategyLinkProblem } from './strategy';

describe('calendar', () => {
  describe('isCalendarDate: a real day written YYYY-MM-DD', () => {
    it.each(['2021-12-31', '2022-01-01', '2024-02-29', '2000-02-29', '1900-01-01'])('accepts %s', (d) => {
      expect(isCalendarDate(d)).toBe(true);
    });

    it.each([
      ['a 29 February outside a leap year', '2023-02-29'],
      ['1900, not a leap year', '1900-02-29'],
      ['31 April', '2021-04-31'],
      ['month 13', '2021-13-01'],
      ['month 00', '2021-00-10'],
      ['day 00', '2021-01-00'],
      ['day 32', '2021-01-32'],
      ['no zero padding', '2021-1-01'],
      ['a timestamp', '2021-12-31T00:00:00Z'],
      ['Swedish short form', '21-12-31'],
      ['slashes', '2021/12/31'],
      ['a year before 1900', '1899-12-31'],
      ['the empty string', ''],
    ])('refuses %s (%s)', (_label, d) => {
      expect(isCalendarDate(d)).toBe(false);
    });

    it.each([null, undefined, 20211231, new Date('2021-12-31')])('refuses the non-string %p', (v) => {
      expect(isCalendarDate(v)).toBe(false);
    });
  });

  describe('yearOf and lastDayOfYear', () => {
    it('reads the year of a date', () => {
      expect(yearOf('2021-12-31')).toBe(2021);
      expect(yearOf('2022-01-01')).toBe(2022);
    });

    it('gives 31 December of a year', () => {
      expect(lastDayOfYear(2021)).toBe('2021-12-31');
      expect(lastDayOfYear(2026)).toBe('2026-12-31');
    });
  });

  describe('stockholmDateOf: the calendar day in Sweden at an instant', () => {
    it('answers as formatting in the Europe/Stockholm time zone does, at every minute around the changes of 2024 and at random instants', () => {
      const formatted = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });
      const instants: string[] = [];
      // Around midnight in Sweden on the days DST starts and ends, and on New Year's Eve, minute by minute.
      for (const start of ['2024-03-30T21:00:00Z', '2024-10-26T21:00:00Z', '2024-12-31T21:00:00Z', '1900-01-01T00:00:00Z'])
        for (let m = 0; m < 6 * 60; m++) instants.push(new Date(Date.parse(start) + m * 60_000).toISOString());
      let seed = 1;
      for (let i = 0; i < 2000; i++) {
        seed = (seed * 48271) % 2147483647;
        instants.push(new Date(Date.UTC(1900, 0, 1) + (seed / 2147483647) * 250 * 365.25 * 86_400_000).toISOString());
      }
      for (const instant of instants) {
        const expected = formatted.format(new Date(instant));
        // Twice: the first answer may be formatted, the second comes from the memo.
        expect([instant, stockholmDateOf(instant)]).toEqual([instant, expected]);
        expect([instant, stockholmDateOf(instant)]).toEqual([instant, expected]);
      }
    });

    describe('winter (CET, UTC+1): the UTC-midnight trap', () => {
      it('2021-12-31T23:30:00Z is already 2022-01-01 in Stockholm', () => {
        expect(stockholmDateOf('2021-12-31T23:30:00Z')).toBe('2022-01-01');
      });

      it('2021-12-31T22:59:59Z is still 2021-12-31 in Stockholm', () => {
        expect(stockholmDateOf('2021-12-31T22:59:59Z')).toBe('2021-12-31');
      });

      it('the new day starts at 23:00 UTC', () => {
        expect(stockholmDateOf('2022-01-15T23:00:00Z')).toBe('2022-01-16');
      });
    });

    describe('summer (CEST, UTC+2)', () => {
      it('the new day starts at 22:00 UTC', () => {
        expect(stockholmDateOf('2022-06-30T21:59:59Z')).toBe('2022-06-30');
        expect(stockholmDateOf('2022-06-30T22:00:00Z')).toBe('2022-07-01');
      });

      it('22:30 UTC on a summer evening is the next day in Sweden', () => {
        expect(stockholmDateOf('2022-06-30T22:30:00Z')).toBe('2022-07-01');
      });
    });

    describe('around the clock changes', () => {
      it('the night summer time starts (last Sunday of March 2022)', () => {
        expect(stockholmDateOf('2022-03-26T23:30:00Z')).toBe('2022-03-27');
        expect(stockholmDateOf('2022-03-27T21:59:00Z')).toBe('2022-03-27');
        expect(stockholmDateOf('2022-03-27T22:00:00Z')).toBe('2022-03-28');
      });

      it('the night summer time ends (last Sunday of October 2022)', () => {
        expect(stockholmDateOf('2022-10-29T22:00:00Z')).toBe('2022-10-30');
        expect(stockholmDateOf('2022-10-30T22:59:00Z')).toBe('2022-10-30');
        expect(stockholmDateOf('2022-10-30T23:00:00Z')).toBe('2022-10-31');
      });
    });

    it('understands instants written with an offset', () => {
      expect(stockholmDateOf('2022-01-01T00:30:00+01:00')).toBe('2022-01-01');
      expect(stockholmDateOf('2021-12-31T18:30:00-05:00')).toBe('2022-01-01');
    });

    it('is midday the same day in both zones', () => {
      expect(stockholmDateOf('2026-06-15T10:00:00Z')).toBe('2026-06-15');
    });
  });

  describe('daysBetween and addDays', () => {
    it('count whole days, negative backwards', () => {
      expect(daysBetween('2021-12-31', '2022-01-01')).toBe(1);
      expect(daysBetween('2022-01-01', '2021-12-31')).toBe(-1);
      expect(daysBetween('2021-01-01', '2021-12-31')).toBe(364);
      expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
      expect(daysBetween('2022-03-26', '2022-03-28')).toBe(2);
    });

    it('add days across months, leap days and years', () => {
      expect(addDays('2021-12-31', 1)).toBe('2022-01-01');
      expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
      expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
      expect(addDays('2022-01-01', -1)).toBe('2021-12-31');
      expect(addDays('2022-03-26', 2)).toBe('2022-03-28');
    });

    it('are inverse: the appeal window of three weeks', () => {
      const announced = '2021-12-20';
      const final = addDays(announced, 21);
      expect(final).toBe('2022-01-10');
      expect(daysBetween(announced, final)).toBe(21);
    });
  });
});

describe('money', () => {
  describe('formatOre: Swedish notation', () => {
    it.each([
      [0, '0,00 kr'],
      [5, '0,05 kr'],
      [99, '0,99 kr'],
      [100, '1,00 kr'],
      [150, '1,50 kr'],
      [100_000, '1 000,00 kr'],
      [100_001, '1 000,01 kr'],
      [12_345_678, '123 456,78 kr'],
      [MSEK, '1 000 000,00 kr'],
      [20_000_000_000, '200 000 000,00 kr'],
    ])('%p öre is "%s"', (ore, text) => {
      expect(formatOre(ore)).toBe(text);
    });

    it('writes a negative amount with a minus sign (U+2212)', () => {
      expect(formatOre(-150)).toBe('\u22121,50 kr');
      expect(formatOre(-100_000)).toBe('\u22121 000,00 kr');
    });
  });

  describe('isOre: integer öre, 0 or more', () => {
    it.each([0, 1, 20_000_000_000, Number.MAX_SAFE_INTEGER])('accepts %p', (v) => {
      expect(isOre(v)).toBe(true);
    });

    it.each([-1, 0.5, 1.999, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1, '100', null])(
      'refuses %p',
      (v) => {
        expect(isOre(v)).toBe(false);
      },
    );
  });

  it('one MSEK is 100 000 000 öre; DGR’s 200 MSEK is 20 000 000 000 öre', () => {
    expect(MSEK).toBe(100_000_000);
    expect(200 * MSEK).toBe(20_000_000_000);
  });
});

describe('strategy: Värmlandsstrategin', () => {
  it('has four focus areas and thirteen goals', () => {
    expect(STRATEGY_AREAS).toEqual([
      'Förbättra livsvillkoren',
      'Höja kompetensen',
      'Utveckla attraktiva platser',
      'Stärka konkurrenskraften',
    ]);
    expect(STRATEGY_GOALS).toHaveLength(13);
    expect(new Set(STRATEGY_GOALS).size).toBe(13);
  });

  describe('strategyLinkProblem', () => {
    it('accepts every goal within its own area, and an area alone', () => {
      for (const [area, goals] of Object.entries(STRATEGY)) {
        expect(strategyLinkProblem({ area })).toBeNull();
        for (const goal of goals) expect(strategyLinkProblem({ area, goal })).toBeNull();
      }
    });

    it('refuses a goal of another area, naming both', () => {
      expect(strategyLinkProblem({ area: 'Höja kompetensen', goal: 'Cirkulära flöden' })).toBe(
        'målet "Cirkulära flöden" hör inte till insatsområdet "Höja kompetensen"',
      );
    });

    it('refuses an unknown goal', () => {
      expect(strategyLinkProblem({ area: 'Höja kompetensen', goal: 'Fler cykelvägar' })).toMatch(/Fler cykelvägar/);
    });

    it('refuses an unknown area', () => {
      expect(strategyLinkProblem({ area: 'Kultur' })).toBe('"Kultur" är inget insatsområde i Värmlandsstrategin');
    });

    it('refuses a goal used as an area', () => {
      expect(strategyLinkProblem({ area: 'Robust samhälle' })).toMatch(/inget insatsområde/);
    });

    it('does not take an inherited object key for an area', () => {
      expect(strategyLinkProblem({ area: 'constructor' })).toMatch(/inget insatsområde/);
      expect(strategyLinkProblem({ area: 'toString' })).toMatch(/inget insatsområde/);
    });

    it('is exact about spelling and case', () => {
      expect(strategyLinkProblem({ area: 'Höja kompetensen', goal: 'hållbar arbetsmarknad' })).not.toBeNull();
    });
  });
});

describe('parties', () => {
  it('are the 17 parties: Region Värmland and the 16 municipalities', () => {
    expect(PARTY_IDS).toHaveLength(17);
    expect(new Set(PARTY_IDS).size).toBe(17);
    expect(PARTIES.filter((p) => p.kind === 'region').map((p) => p.name)).toEqual(['Region Värmland']);
    expect(PARTIES.filter((p) => p.kind === 'municipality')).toHaveLength(16);
  });

  it('are identified by their SCB codes', () => {
    expect(PARTIES.map((p) => `${p.code} ${p.name}`)).toEqual([
      '17 Region Värmland',
      '1715 Kil',
      '1730 Eda',
      '1737 Torsby',
      '1760 Storfors',
      '1761 Hammarö',
      '1762 Munkfors',
      '1763 Forshaga',
      '1764 Grums',
      '1765 Årjäng',
      '1766 Sunne',
      '1780 Karlstad',
      '1781 Kristinehamn',
      '1782 Filipstad',
      '1783 Hagfors',
      '1784 Arvika',
      '1785 Säffle',
    ]);
    expect(PARTIES.every((p) => p.id === p.code)).toBe(true);
  });

  it('names a party by its id', () => {
    expect(partyName('1780')).toBe('Karlstad');
    expect(partyName('17')).toBe('Region Värmland');
    expect(partyName('1765')).toBe('Årjäng');
  });

  it.each(['17', '1780', '1785'])('knows %s as a party', (id) => {
    expect(isPartyId(id)).toBe(true);
  });

  it.each(['1700', '1786', 'Karlstad', '', ' 1780', 1780, null, undefined])('does not know %p', (v) => {
    expect(isPartyId(v)).toBe(false);
  });
});
