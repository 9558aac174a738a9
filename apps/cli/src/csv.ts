import type { ReadView } from '../../../libs/application/src';
import type { CalendarDate } from '../../../libs/domain/src';
import { ExportError } from './export-error';

/**
 * CSV exports of the read models (`dgr export --format csv --what decisions|ledger|initiatives`):
 * UTF-8, a header row, RFC 4180 quoting, CRLF line ends. The column names are Swedish and stable
 * (docs/api.md lists them); codes (outcome, status, event type) are the API's own.
 *
 * Amounts come twice: whole öre (`…_öre`, exact, for programs) and kronor with two decimals (`…_kr`,
 * for Excel): no thousands separator, decimal comma when the separator is `;` (what Excel expects
 * in a Swedish locale), decimal point otherwise.
 */

export type CsvWhat = 'decisions' | 'ledger' | 'initiatives';
export const CSV_WHATS: readonly CsvWhat[] = ['decisions', 'ledger', 'initiatives'];

/** What the CSV exports read: the live queries, or a view rebuilt with what was known at an instant. */
export type CsvView = Pick<ReadView, 'listInitiatives' | 'getInitiative' | 'ledger' | 'today'>;

export interface CsvOptions {
  readonly what: CsvWhat;
  /** One character: `,` (default), `;` or a tab. */
  readonly separator?: string;
  /** A business date: initiatives proposed, decisions taken and bookings dated by then. Default: today. */
  readonly asOf?: CalendarDate;
  /** A UTF-8 byte-order mark first. Default: with `;` (Excel opens such a file right), not otherwise. */
  readonly bom?: boolean;
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

/** Checks a `--separator` value; `tab` and `\t` mean a tab. */
export const parseSeparator = (value: string | undefined): string => {
  if (value === undefined) return ',';
  if (value === 'tab' || value === '\\t') return '\t';
  if (value === ',' || value === ';' || value === '\t') return value;
  throw new ExportError(`--separator must be "," or ";" or "tab", got "${value}"`);
};

/** RFC 4180: a field is quoted when it holds the separator, a quote, CR or LF; quotes inside are doubled. */
export const csvField = (value: string | number | null, separator: string): string => {
  const text = value === null ? '' : String(value);
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Whole öre as kronor with two decimals, no grouping: 20000000050 → "200000000,50" (mark ","). */
export const kronor = (ore: number, decimalMark: string): string => {
  const abs = Math.abs(ore);
  return `${ore < 0 ? '-' : ''}${Math.floor(abs / 100)}${decimalMark}${String(abs % 100).padStart(2, '0')}`;
};

const yesNo = (value: boolean): string => (value ? 'ja' : 'nej');

/** The whole CSV text for `what`, header first, every line ending in CRLF. */
export const csvExport = (view: CsvView, options: CsvOptions): string => {
  const separator = parseSeparator(options.separator);
  const asOf = options.asOf ?? view.today();
  const mark = separator === ';' ? ',' : '.';
  const kr = (ore: number): string => kronor(ore, mark);
  let header: readonly string[];
  let rows: Array<Array<string | number | null>>;
  switch (options.what) {
    case 'decisions':
      header = DECISION_COLUMNS;
      rows = view.listInitiatives(asOf).flatMap((summary) => {
        const i = view.getInitiative(summary.id, asOf);
        return i.decisions.map((d) => [
          i.id,
          i.title,
          d.party,
          d.partyName,
          d.outcome,
          d.decidedOn,
          d.body,
          d.minuteReference,
          d.caseNumber,
          d.registeredAt,
          yesNo(d.countsTowardsConsensus),
          yesNo(d.corrections.length > 0),
          d.corrections.length,
          d.corrections.length > 0 ? d.corrections[d.corrections.length - 1]!.reason : null,
        ]);
      });
      break;
    case 'ledger': {
      header = LEDGER_COLUMNS;
      const titles = new Map(view.listInitiatives('9999-12-31').map((i) => [i.id, i.title]));
      rows = view
        .ledger()
        .filter((b) => b.bookedOn <= asOf)
        .map((b) => {
          const delta = b.type === 'FundWithdrawn' ? -b.amountOre : b.amountOre;
          return [
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
        });
      break;
    }
    case 'initiatives':
      header = INITIATIVE_COLUMNS;
      rows = view.listInitiatives(asOf).map((i) => [
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
      ]);
      break;
    default: {
      const _never: never = options.what;
      throw new ExportError(`--what must be one of ${CSV_WHATS.join(', ')}, got "${String(_never)}"`);
    }
  }
  const bom = options.bom ?? separator === ';';
  const lines = [header, ...rows].map((fields) => fields.map((f) => csvField(f, separator)).join(separator) + '\r\n');
  return (bom ? '\uFEFF' : '') + lines.join('');
};
