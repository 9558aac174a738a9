import { addDays, dayNumberOf, weekdayOfDayNumber, type CalendarDate } from './calendar';

/*
 * Swedish public holidays (lag (1989:253) om allmänna helgdagar), computed for any year, and the end of
 * a statutory period under lag (1930:173) om beräkning av lagstadgad tid: a period whose last day falls on
 * a Saturday, a Sunday, a public holiday, midsommarafton, julafton or nyårsafton ends on the next day that
 * is none of these.
 */

const iso = (year: number, month: number, day: number): CalendarDate =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** 0 = Sunday … 6 = Saturday. */
export const weekdayOf = (date: CalendarDate): number => {
  const n = dayNumberOf(date);
  return n === null ? new Date(`${date}T00:00:00Z`).getUTCDay() : weekdayOfDayNumber(n);
};

/** Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher"). */
export const easterSunday = (year: number): CalendarDate => {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(year, month, day);
};

/** The first day on or after `year-month-fromDay` that falls on `weekday` (0 = Sunday … 6 = Saturday). */
const firstWeekdayBetween = (year: number, month: number, fromDay: number, weekday: number): CalendarDate => {
  const first = iso(year, month, fromDay);
  return addDays(first, (weekday - weekdayOf(first) + 7) % 7);
};

/**
 * The days that end no statutory period in `year`, with their Swedish names: the public holidays
 * (Sundays aside) and midsommarafton, julafton and nyårsafton, which the 1930 law treats the same way.
 */
export const swedishHolidays = (year: number): ReadonlyMap<CalendarDate, string> => {
  const easter = easterSunday(year);
  const midsommardagen = firstWeekdayBetween(year, 6, 20, 6); // the Saturday 20–26 June
  const allaHelgonsDag = firstWeekdayBetween(year, 10, 31, 6); // the Saturday 31 Oct–6 Nov
  const days: Array<[CalendarDate, string]> = [
    [iso(year, 1, 1), 'nyårsdagen'],
    [iso(year, 1, 6), 'trettondedag jul'],
    [addDays(easter, -2), 'långfredagen'],
    [easter, 'påskdagen'],
    [addDays(easter, 1), 'annandag påsk'],
    [addDays(easter, 39), 'Kristi himmelsfärdsdag'],
    [iso(year, 5, 1), 'första maj'],
    [addDays(easter, 49), 'pingstdagen'],
    [iso(year, 6, 6), 'Sveriges nationaldag'],
    [addDays(midsommardagen, -1), 'midsommarafton'],
    [midsommardagen, 'midsommardagen'],
    [allaHelgonsDag, 'alla helgons dag'],
    [iso(year, 12, 24), 'julafton'],
    [iso(year, 12, 25), 'juldagen'],
    [iso(year, 12, 26), 'annandag jul'],
    [iso(year, 12, 31), 'nyårsafton'],
  ];
  const map = new Map<CalendarDate, string>();
  for (const [date, name] of days) if (!map.has(date)) map.set(date, name);
  return map;
};

const cache = new Map<number, ReadonlyMap<CalendarDate, string>>();
const holidaysOf = (year: number): ReadonlyMap<CalendarDate, string> => {
  let found = cache.get(year);
  if (!found) {
    found = swedishHolidays(year);
    cache.set(year, found);
  }
  return found;
};

/** The Swedish name of the holiday on `date` (public holiday, midsommarafton, julafton, nyårsafton), or null. */
export const holidayName = (date: CalendarDate): string | null => holidaysOf(Number(date.slice(0, 4))).get(date) ?? null;

/** A Saturday, a Sunday or a holiday as above: a day on which no statutory period ends. */
export const isNonWorkingDay = (date: CalendarDate): boolean => {
  const weekday = weekdayOf(date);
  return weekday === 0 || weekday === 6 || holidayName(date) !== null;
};

/** `date` itself when a period may end on it, else the first following day on which one may. */
export const nextWorkingDayFrom = (date: CalendarDate): CalendarDate => {
  let day = date;
  while (isNonWorkingDay(day)) day = addDays(day, 1);
  return day;
};

/** The appeal period for laglighetsprövning: three weeks from the notice (kommunallagen 13 kap. 5 §). */
export const APPEAL_PERIOD_DAYS = 21;

/**
 * The appeal windows' ends already computed, by notice day (a memo: the same answer as computing it; a list page
 * asks it for every decision of every row, and some thousand days cover years of notices).
 */
const APPEAL_ENDS_CAPACITY = 8192;
const appealEnds = new Map<CalendarDate, CalendarDate>();

/**
 * The last day on which an appeal (laglighetsprövning) may reach the court: three weeks after the day the
 * approval of the minutes was posted on the notice board, moved to the next working day under lag
 * (1930:173) when that day is a Saturday, a Sunday or a holiday.
 */
export const appealEndsOn = (noticePostedOn: CalendarDate): CalendarDate => {
  let ends = appealEnds.get(noticePostedOn);
  if (ends === undefined) {
    ends = nextWorkingDayFrom(addDays(noticePostedOn, APPEAL_PERIOD_DAYS));
    if (appealEnds.size >= APPEAL_ENDS_CAPACITY) appealEnds.clear();
    appealEnds.set(noticePostedOn, ends);
  }
  return ends;
};

