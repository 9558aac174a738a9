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

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: CalendarDate, to: CalendarDate): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

export const addDays = (date: CalendarDate, days: number): CalendarDate =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
