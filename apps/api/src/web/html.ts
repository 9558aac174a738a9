/**
 * HTML for the server-rendered pages: a tagged template that escapes every interpolation (and makes bidi
 * controls and zero-width characters visible), unless it is
 * a `RawHtml` fragment (made by `html` itself or, for trusted text, by `raw`), and the Swedish formatters
 * the pages show dates and amounts with.
 */
import { formatOre, visibleText, type Ore } from '@dgr/domain';

/** A fragment of HTML that is already safe to insert as it is. */
export class RawHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** Trusted markup, inserted unescaped: only for fragments the code itself writes, never for user data. */
export const raw = (value: string): RawHtml => new RawHtml(value);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text escaped for use in element content and in quoted attribute values, with every bidi control and
 * zero-width character made visible (`[U+202E]`, the domain's visibleText), so stored text can neither
 * reorder nor hide what the page shows.
 */
export const escapeHtml = (text: string): string => visibleText(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export type HtmlValue = RawHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

/** Renders one interpolated value: fragments as they are, lists joined, nothing for null/undefined/false. */
const render = (value: HtmlValue): string => {
  if (value instanceof RawHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
};

/** `html\`<p>${text}</p>\``: every interpolation escaped (lists joined, null/undefined/false omitted). */
export const html = (strings: TemplateStringsArray, ...values: readonly HtmlValue[]): RawHtml => {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new RawHtml(out);
};

/** Fragments joined with nothing between them. */
export const join = (parts: readonly HtmlValue[]): RawHtml => new RawHtml(render(parts));

// ---------------------------------------------------------------------------------------------
// Swedish formatters
// ---------------------------------------------------------------------------------------------

const MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];

/** `2026-12-02` → "2 december 2026"; anything that is not such a date is returned as it is. */
export const longDate = (date: string): string => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
};

/** A calendar day as the ISO date the API uses (`2026-12-02`), or "–" when there is none. */
export const shortDate = (date: string | null | undefined): string => date ?? '–';

/** A recorded instant (ISO, UTC) as the day and time in Sweden: "2026-12-02 17:05". */
export const swedishDateTime = (instant: string | null | undefined): string => {
  if (!instant) return '–';
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Stockholm',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
};

/** Integer öre in Swedish notation: 123456789 → "1 234 567,89 kr" (the domain's formatter). */
export const kronor = (ore: Ore): string => formatOre(ore);

/** Whole kronor, for compact places such as chart labels: 18800000000 → "188 000 000 kr". */
export const wholeKronor = (ore: Ore): string => formatOre(Math.round(ore / 100) * 100).replace(/,00 kr$/, ' kr');

/** Öre as the kronor a clerk types into a form field: 125000050 → "1250000,50" (no grouping). */
export const kronorInput = (ore: Ore): string => {
  const abs = Math.abs(ore);
  const rest = abs % 100;
  return `${ore < 0 ? '-' : ''}${Math.floor(abs / 100)}${rest === 0 ? '' : `,${String(rest).padStart(2, '0')}`}`;
};

/** "1 dag" / "12 dagar". */
export const days = (n: number): string => `${n} ${n === 1 ? 'dag' : 'dagar'}`;
