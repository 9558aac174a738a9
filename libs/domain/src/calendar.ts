/**
 * Calendar dates (`YYYY-MM-DD`) as the parties use them: days in Sweden (Europe/Stockholm).
 * Dates are plain strings; comparing two valid dates as strings compares them as days.
 */
export type CalendarDate = string;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real day of the Gregorian calendar written `YYYY-MM-DD` (2023-02-29 is not one). */
export const isCalendarDate = (value: unknown): value is CalendarDate => {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
};

const daysInMonth = (year: number, month: number): number =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();

export const yearOf = (date: CalendarDate): number => Number(date.slice(0, 4));

export const lastDayOfYear = (year: number): CalendarDate => `${String(year).padStart(4, '0')}-12-31`;

const stockholmFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

const formatStockholmDate = (instant: string): CalendarDate => {
  const parts = stockholmFormat.formatToParts(new Date(instant));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
};

/** A UTC instant from 1900 on, as the service writes them (`toISOString`): its first 13 characters name its hour. */
const UTC_INSTANT = /^(19\d\d|[2-9]\d\d\d)-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/;
const DAY_OF_HOUR_CAPACITY = 4096;
const dayOfHour = new Map<string, CalendarDate>();

/**
 * The calendar day in Sweden at the given instant (an ISO 8601 timestamp). Formatting with the time zone
 * is costly, and every command asks it of its `now`; since 1900 Sweden's offsets are whole
 * hours (+1, +2 in summer), changed on a whole UTC hour, so the day is the same through a UTC hour and is
 * remembered per hour (a memo: the same answer as formatting, which the calendar spec checks).
 */
export const stockholmDateOf = (instant: string): CalendarDate => {
  if (!UTC_INSTANT.test(instant)) return formatStockholmDate(instant);
  const hour = instant.slice(0, 13);
  let day = dayOfHour.get(hour);
  if (day === undefined) {
    day = formatStockholmDate(`${hour}:00:00Z`);
    if (dayOfHour.size >= DAY_OF_HOUR_CAPACITY) dayOfHour.clear();
    dayOfHour.set(hour, day);
  }
  return day;
};

/*
 * Day numbers: whole days since 1970-01-01, computed from the digits (the proleptic Gregorian calendar, the
 * "days from civil" algorithm of H. Hinnant) instead of building a Date and an ISO string. A list page asks the
 * calendar some hundred times (finality: appeal windows, working days), so the arithmetic is kept to integers.
 * Only for the dates the service writes (years 1000–9999, a real day); anything else takes the Date path, so the
 * answers (and the errors) are those of Date, which the calendar spec checks over many days.
 */
const code0 = 48;

/** The day number of a real `YYYY-MM-DD` with a four-digit year from 1000, else null. */
export const dayNumberOf = (date: CalendarDate): number | null => {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return null;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const c = date.charCodeAt(i) - code0;
    if (c < 0 || c > 9) return null;
    y = y * 10 + c;
  }
  const m1 = date.charCodeAt(5) - code0;
  const m2 = date.charCodeAt(6) - code0;
  const d1 = date.charCodeAt(8) - code0;
  const d2 = date.charCodeAt(9) - code0;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return null;
  const m = m1 * 10 + m2;
  const d = d1 * 10 + d2;
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > monthLength(y, m)) return null;
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
};

const monthLength = (y: number, m: number): number =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;

const twoDigits = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** The date of a day number whose year is 1000–9999, else null. */
const dateOfDayNumber = (n: number): CalendarDate | null => {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 1000 || y > 9999) return null;
  return `${y}-${twoDigits(m)}-${twoDigits(d)}`;
};

/** 0 = Sunday … 6 = Saturday, of a day number (1970-01-01 was a Thursday). */
export const weekdayOfDayNumber = (n: number): number => (((n + 4) % 7) + 7) % 7;

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: CalendarDate, to: CalendarDate): number => {
  const a = dayNumberOf(from);
  const b = dayNumberOf(to);
  if (a !== null && b !== null) return b - a;
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
};

export const addDays = (date: CalendarDate, days: number): CalendarDate => {
  const n = dayNumberOf(date);
  const fast = n === null || !Number.isInteger(days) ? null : dateOfDayNumber(n + days);
  return fast ?? new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
};
