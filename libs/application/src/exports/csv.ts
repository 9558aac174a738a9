import { visibleText, type CalendarDate } from '@dgr/domain';
import type { ReadView } from '../queries';
import { joinedInChunks } from './chunks';

/**
 * CSV exports of the read models (`dgr export --format csv --what decisions|ledger|initiatives`, and
 * GET /api/exports/{decisions,ledger,initiatives}.csv):
 * UTF-8, a header row, RFC 4180 quoting, CRLF line ends. The column names are Swedish and stable
 * (docs/api.md lists them); codes (outcome, status, event type) are the API's own.
 *
 * Amounts come twice: whole öre (`…_öre`, exact, for programs) and kronor with two decimals (`…_kr`,
 * for Excel): no thousands separator, decimal comma when the separator is `;` (what Excel expects
 * in a Swedish locale), decimal point otherwise.
 *
 * Two flavours (issue 17, item 4), chosen by `excel` (default: for Excel with `;`, for programs otherwise):
 * - **for programs**: lossless, every text exactly as stored;
 * - **for Excel**: a UTF-8 BOM by default, and every text cell made safe to open in a spreadsheet (`excelText`:
 *   invisible controls made visible, and a `'` before a text Excel would run as a formula). Number cells (öre,
 *   kronor, counts, positions) are numbers, never altered, so a negative amount stays a negative number.
 */

export type CsvWhat = 'decisions' | 'ledger' | 'initiatives';
export const CSV_WHATS: readonly CsvWhat[] = ['decisions', 'ledger', 'initiatives'];

/** What the CSV exports read: the live queries, or a view rebuilt with what was known at an instant. */
export type CsvView = Pick<ReadView, 'initiativePage' | 'getInitiative' | 'ledgerPages' | 'initiativeTitles' | 'today'>;

/** Initiatives summarised at a time by the CSV exports (the download yields to other requests between chunks). */
export const CSV_INITIATIVES_PER_PAGE = 25;

/** Bookings read at a time by the ledger exports (CSV and SIE). */
export const EXPORT_LEDGER_PAGE = 200;

/**
 * The initiatives proposed by `asOf`, in the order proposed, summarised a page at a time
 * (`initiativePage` pages before it summarises): never every summary at once.
 */
function* initiativesOf(view: CsvView, asOf: CalendarDate, perPage: number) {
  for (let offset = 0; ; offset += perPage) {
    const page = view.initiativePage({ asOf, offset, limit: perPage });
    yield* page.items;
    if (page.items.length < perPage) return;
  }
}

export interface CsvOptions {
  readonly what: CsvWhat;
  /** `,` (default), `;` or a tab (written `tab`, `\t` or the tab itself): see `csvSeparatorOf`. */
  readonly separator?: string;
  /** A business date: initiatives proposed, decisions taken and bookings dated by then. Default: today. */
  readonly asOf?: CalendarDate;
  /** The flavour: for Excel (true) or for programs (false). Default: for Excel with `;`, for programs otherwise. */
  readonly excel?: boolean;
  /** A UTF-8 byte-order mark first. Default: for Excel (Excel opens such a file right), not for programs. */
  readonly bom?: boolean;
}

/** Is the file for Excel? As asked, else with the separator `;` (the one a Swedish Excel reads), not otherwise. */
export const isForExcel = (separator: string, excel: boolean | undefined): boolean => excel ?? separator === ';';

/**
 * What makes Excel (and LibreOffice, Google Sheets) read a cell as a formula, after OWASP's CSV injection
 * advice: `=`, `+`, `-`, `@`, a tab or a carriage return first, and their full-width forms (＝ ＋ － ＠), which
 * some spreadsheets read the same way.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * A text cell of the CSV for Excel: bidi controls and zero-width characters made visible (the domain's
 * visibleText), then a `'` put before a text that would start a formula, so Excel shows it as text instead of
 * running it (`=HYPERLINK(…)` becomes `'=HYPERLINK(…)`; the apostrophe shows in the cell).
 */
export const excelText = (text: string): string => {
  const visible = visibleText(text);
  return FORMULA_START.test(visible) ? `'${visible}` : visible;
};

/** A number the export writes as text (kronor with a decimal mark): a number cell, never altered. */
class NumberText {
  constructor(readonly text: string) {}
}

export const DECISION_COLUMNS = [
  'initiativ_id',
  'initiativ',
  'part_id',
  'part',
  'beslut',
  'beslutsdatum',
  'beslutande_organ',
  'protokollsparagraf',
  'diarienummer',
  'registrerad',
  'räknas_mot_konsensus',
  'korrigerad',
  'antal_korrigeringar',
  'senaste_korrigeringsorsak',
] as const;

export const LEDGER_COLUMNS = [
  'position',
  'händelse',
  'slag',
  'bokföringsdag',
  'belopp_öre',
  'belopp_kr',
  'förändring_öre',
  'förändring_kr',
  'saldo_efter_öre',
  'saldo_efter_kr',
  'initiativ_id',
  'initiativ',
  'källa',
  'referens',
  'orsak',
  'registrerad',
] as const;

export const INITIATIVE_COLUMNS = [
  'initiativ_id',
  'titel',
  'föreslagen_av',
  'föreslagen_av_namn',
  'föreslagen',
  'sista_beslutsdag',
  'status',
  'konsensus_datum',
  'antal_bifall',
  'antal_avslag',
  'saknade_parter',
  'begärt_öre',
  'begärt_kr',
  'beviljat_öre',
  'beviljat_kr',
  'utbetalt_öre',
  'utbetalt_kr',
  'återfört_öre',
  'återfört_kr',
] as const;

const KIND: Record<string, string> = { FundDeposited: 'insättning', FundWithdrawn: 'utbetalning', FundReturned: 'återföring' };

/** Every way of naming a separator: `,`, `;`, and a tab as `tab`, `\t` or the tab itself. */
export const CSV_SEPARATOR_VALUES: readonly string[] = [',', ';', '\t', 'tab', '\\t'];

/** The separator character a `separator` value names (default `,`), or null when it names none. */
export const csvSeparatorOf = (value: string | undefined): string | null => {
  if (value === undefined) return ',';
  if (value === 'tab' || value === '\\t') return '\t';
  return value === ',' || value === ';' || value === '\t' ? value : null;
};

/** RFC 4180: a field is quoted when it holds the separator, a quote, CR or LF; quotes inside are doubled. */
export const csvField = (value: string | number | null, separator: string): string => {
  const text = value === null ? '' : String(value);
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One CSV line: the fields quoted as RFC 4180 asks, joined by the separator, ending in CRLF. */
export const csvLine = (fields: readonly (string | number | null)[], separator: string): string =>
  fields.map((f) => csvField(f, separator)).join(separator) + '\r\n';

/** Whole öre as kronor with two decimals, no grouping: 20000000050 → "200000000,50" (mark ","). */
export const kronor = (ore: number, decimalMark: string): string => {
  const abs = Math.abs(ore);
  return `${ore < 0 ? '-' : ''}${Math.floor(abs / 100)}${decimalMark}${String(abs % 100).padStart(2, '0')}`;
};

/** A yes/no cell, in Swedish. */
export const yesNo = (value: boolean): string => (value ? 'ja' : 'nej');

/**
 * A decision's first nine cells, the same in both decision files (this export's and /api/public/decisions.csv,
 * whose party name is the organisation's): the initiative, the party, and the facts of the minutes.
 */
export const decisionFactCells = (
  i: { readonly id: string; readonly title: string },
  d: { readonly party: string; readonly partyName: string; readonly outcome: string; readonly decidedOn: string; readonly body: string; readonly minuteReference: string; readonly caseNumber: string | null },
): (string | null)[] => [i.id, i.title, d.party, d.partyName, d.outcome, d.decidedOn, d.body, d.minuteReference, d.caseNumber];

/** A cell: text, a number (or a number written as text), or nothing. */
type Field = string | number | NumberText | null;

/** A cell's text in the flavour: a number as it is; a text as stored (programs) or made safe (Excel). */
const cellText = (value: Field, excel: boolean): string | null => {
  if (value === null || typeof value === 'number') return value === null ? null : String(value);
  if (value instanceof NumberText) return value.text;
  return excel ? excelText(value) : value;
};

/**
 * The data rows for `what`, each made when it is asked for, from the read models a page at a time (issue 13):
 * initiatives summarised a page at a time, the ledger read a page at a time with the titles of that page's
 * initiatives only. Never the whole of a read model at once.
 */
function* rowsOf(view: CsvView, what: CsvWhat, asOf: CalendarDate, kr: (ore: number) => NumberText, perPage: number): Generator<Field[]> {
  switch (what) {
    case 'decisions':
      for (const summary of initiativesOf(view, asOf, perPage)) {
        const i = view.getInitiative(summary.id, asOf);
        for (const d of i.decisions)
          yield [
            ...decisionFactCells(i, d),
            d.registeredAt,
            yesNo(d.countsTowardsConsensus),
            yesNo(d.corrections.length > 0),
            d.corrections.length,
            d.corrections.length > 0 ? d.corrections[d.corrections.length - 1]!.reason : null,
          ];
      }
      return;
    case 'ledger': {
      for (const page of view.ledgerPages(EXPORT_LEDGER_PAGE)) {
        const titles = view.initiativeTitles(page.map((b) => b.initiativeId));
        for (const b of page) {
          if (b.bookedOn > asOf) return; // the ledger is in business-date order: nothing later is dated by asOf
          const delta = b.type === 'FundWithdrawn' ? -b.amountOre : b.amountOre;
          yield [
            b.position,
            b.type,
            KIND[b.type] ?? b.type,
            b.bookedOn,
            b.amountOre,
            kr(b.amountOre),
            delta,
            kr(delta),
            b.balanceAfterOre,
            kr(b.balanceAfterOre),
            b.initiativeId,
            b.initiativeId === null ? null : (titles.get(b.initiativeId) ?? null),
            b.source,
            b.reference,
            b.reason,
            b.recordedAt,
          ];
        }
      }
      return;
    }
    case 'initiatives':
      for (const i of initiativesOf(view, asOf, perPage))
        yield [
          i.id,
          i.title,
          i.proposedBy,
          i.proposedByName,
          i.proposedOn,
          i.decisionDeadline,
          i.status,
          i.consensus.reachedOn,
          i.consensus.approved.length,
          i.consensus.rejected.length,
          i.consensus.missing.join(' '),
          i.requestedAmountOre,
          kr(i.requestedAmountOre),
          i.grantedOre,
          kr(i.grantedOre),
          i.withdrawnOre,
          kr(i.withdrawnOre),
          i.returnedOre,
          kr(i.returnedOre),
        ];
      return;
    default: {
      const _never: never = what;
      throw new Error(`Unknown CSV export "${String(_never)}"`);
    }
  }
}

const HEADERS: Record<CsvWhat, readonly string[]> = { decisions: DECISION_COLUMNS, ledger: LEDGER_COLUMNS, initiatives: INITIATIVE_COLUMNS };

/**
 * The CSV text for `what` a line at a time, header first (after the BOM, when there is one), every line ending
 * in CRLF. Lines are made as they are asked for, from the read models as they stand then.
 */
export function* csvLines(view: CsvView, options: CsvOptions, initiativesPerPage = CSV_INITIATIVES_PER_PAGE): Generator<string> {
  const separator = csvSeparatorOf(options.separator);
  if (separator === null) throw new Error(`Unknown CSV separator ${JSON.stringify(options.separator)}`);
  const asOf = options.asOf ?? view.today();
  const mark = separator === ';' ? ',' : '.';
  const excel = isForExcel(separator, options.excel);
  const kr = (ore: number): NumberText => new NumberText(kronor(ore, mark));
  const line = (fields: readonly Field[]): string => csvLine(fields.map((f) => cellText(f, excel)), separator);
  const bom = options.bom ?? excel;
  yield (bom ? '\uFEFF' : '') + line(HEADERS[options.what]);
  for (const row of rowsOf(view, options.what, asOf, kr, initiativesPerPage)) yield line(row);
}

/** The CSV text in chunks of `linesPerChunk` lines (GET /api/exports/…csv and `dgr export --format csv` write them). */
export const csvChunks = (view: CsvView, options: CsvOptions, linesPerChunk = 100, initiativesPerPage = CSV_INITIATIVES_PER_PAGE): Generator<string> =>
  joinedInChunks(csvLines(view, options, initiativesPerPage), linesPerChunk);

/** The whole CSV text for `what`, as one string (the tests' reference). */
export const csvExport = (view: CsvView, options: CsvOptions, initiativesPerPage = CSV_INITIATIVES_PER_PAGE): string =>
  [...csvLines(view, options, initiativesPerPage)].join('');
