import { stockholmDateOf, yearOf, type CalendarDate } from '@dgr/domain';
import type { LedgerRow } from '../projections/fund.projection';
import type { ReadView } from '../queries';
import { joinedInChunks } from './chunks';
import { EXPORT_LEDGER_PAGE } from './csv';

/**
 * The fund's sub-ledger as an SIE type 4E file (`dgr export --format sie --year Y`, GET /api/exports/sie/Y): the year and the
 * one before (#RAR 0 / -1), the accounts, their opening and closing balances (#IB/#UB, or #RES for a
 * result account), and one #VER per booking dated in the year, in business-date order (series A,
 * numbered from 1), whose #TRANS lines balance to zero. Code page 437 (#FORMAT PC8), CRLF line ends.
 *
 * Signs as SIE has them: debit positive, credit negative. The fund account is an asset: a deposit and
 * a return debit it (+), a payout credits it (−), so its #IB/#UB are the fund's opening and closing
 * balances. The other side of a deposit is credited to the deposit account, of a payout debited to
 * the payout account, of a return credited to the return account.
 */

export const SIE_PROGRAM = { name: 'DGR-tjänsten (dgr export)', version: '0.1.0' } as const;
export const SIE_COMPANY = 'Region Värmland - DGR, de gemensamma resurserna';

export type SieView = Pick<ReadView, 'fundYears' | 'ledgerPages' | 'initiativeTitles' | 'today'>;

/**
 * Four-digit BAS accounts of the export (the configuration's DGR_SIE_FUND_ACCOUNT, _DEPOSIT_, _PAYOUT_ and
 * _RETURN_ACCOUNT; docs/api.md explains the signs): the fund's money, and the other side of deposits, payouts
 * and returns.
 */
export interface SieAccounts {
  readonly fund: string;
  readonly deposit: string;
  readonly payout: string;
  readonly return: string;
}

/** The accounts when none are configured: 1930 (bank), and 2071–2073 under BAS 2070 Ändamålsbestämda medel. */
export const DEFAULT_SIE_ACCOUNTS: SieAccounts = { fund: '1930', deposit: '2071', payout: '2072', return: '2073' };

/** A year an SIE file can be made for: four digits, from 1900. */
export const isSieYear = (text: string): boolean => /^\d{4}$/.test(text) && Number(text) >= 1900;

export interface SieOptions {
  readonly year: number;
  readonly accounts: SieAccounts;
  /** The day the file is made (#GEN); default the view's today. */
  readonly generatedOn?: CalendarDate;
}

// ---------------------------------------------------------------------------------------------------
// Code page 437 ("PC8"), written by hand: bytes 0x80–0xFF in order. § and ¶ are CP437's glyphs at
// 0x15 and 0x14 (as DOS-era Swedish programs wrote them); other characters CP437 lacks are replaced.
// ---------------------------------------------------------------------------------------------------

const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const ENCODE = new Map<string, number>([...CP437_HIGH].map((c, i) => [c, 0x80 + i]));
ENCODE.set('§', 0x15);
ENCODE.set('¶', 0x14);
ENCODE.delete('\u00a0');
const DECODE = [...CP437_HIGH];

/** Replacements for characters CP437 does not have (dashes, typographic quotes, ø…). */
const FALLBACK: Record<string, string> = {
  '\u00a0': ' ', '\u2002': ' ', '\u2003': ' ', '\u2009': ' ', '\u202f': ' ',
  '–': '-', '—': '-', '−': '-', '‐': '-', '‑': '-',
  '‘': "'", '’': "'", '‚': "'", '′': "'", '´': "'", '`': "'",
  '“': '"', '”': '"', '„': '"', '″': '"',
  '…': '...', '€': 'EUR', '•': '*', '×': 'x',
  ø: 'o', Ø: 'O', œ: 'oe', Œ: 'OE',
};

/** Encodes text in code page 437; a character it lacks becomes its fallback, its base letter, or "?". */
export const cp437Encode = (text: string): Buffer => {
  const bytes: number[] = [];
  const put = (c: string): boolean => {
    const code = c.codePointAt(0)!;
    if (code >= 0x20 && code < 0x7f) bytes.push(code);
    else if (ENCODE.has(c)) bytes.push(ENCODE.get(c)!);
    else return false;
    return true;
  };
  for (const c of text) {
    if (c === '\r' || c === '\n') {
      bytes.push(c.charCodeAt(0));
      continue;
    }
    if (put(c)) continue;
    const fallback = FALLBACK[c];
    if (fallback !== undefined) {
      for (const f of fallback) put(f);
      continue;
    }
    const base = c.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    if (base !== c && [...base].every((b) => ENCODE.has(b) || (b >= ' ' && b <= '~'))) for (const b of base) put(b);
    else bytes.push(0x3f);
  }
  return Buffer.from(bytes);
};

/** Decodes code page 437 (0x14 and 0x15 as ¶ and §, the other bytes below 0x80 as ASCII). */
export const cp437Decode = (bytes: Uint8Array): string => {
  let text = '';
  for (const b of bytes) text += b >= 0x80 ? DECODE[b - 0x80] : b === 0x15 ? '§' : b === 0x14 ? '¶' : String.fromCharCode(b);
  return text;
};

// ---------------------------------------------------------------------------------------------------

/**
 * A quoted SIE field, escaped on the bytes the file will hold: the text is first encoded in code page 437 (so
 * `“ ” „ ″` have already become `"`, and nothing else can turn into a quote or a backslash later), then a
 * control byte becomes a space (a line break, a tab; 0x14 and 0x15 stay, they are `¶` and `§` in PC8), and `\`
 * and `"` get a backslash. The result is given back as text whose every character encodes to exactly that byte,
 * so encoding the line again (sieChunks) writes these bytes and no others.
 */
export const sieText = (text: string): string => {
  const escaped: number[] = [];
  for (const b of cp437Encode(text)) {
    if (b === 0x22 || b === 0x5c) escaped.push(0x5c, b);
    else if ((b < 0x20 && b !== 0x14 && b !== 0x15) || b === 0x7f) escaped.push(0x20);
    else escaped.push(b);
  }
  return `"${cp437Decode(Buffer.from(escaped))}"`;
};

/** Whole öre as an SIE amount: kronor with a decimal point and two decimals, minus for credit. */
export const sieAmount = (ore: number): string => {
  const abs = Math.abs(ore);
  return `${ore < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

const sieDate = (date: CalendarDate): string => date.replace(/-/g, '');

/** BAS account classes 1–2 are balance accounts (#IB/#UB); 3–8 result accounts (#RES). */
const isBalanceAccount = (account: string): boolean => account[0] === '1' || account[0] === '2';
const accountType = (account: string): 'T' | 'S' | 'I' | 'K' =>
  account[0] === '1' ? 'T' : account[0] === '2' ? 'S' : account[0] === '3' ? 'I' : 'K';

interface Posting {
  readonly account: string;
  readonly ore: number;
}

/** A booking's #TRANS lines: debit first, then credit; they sum to zero. */
export const postingsOf = (b: Pick<LedgerRow, 'type' | 'amountOre'>, accounts: SieAccounts): Posting[] => {
  const a = b.amountOre;
  switch (b.type) {
    case 'FundDeposited':
      return [{ account: accounts.fund, ore: a }, { account: accounts.deposit, ore: -a }];
    case 'FundWithdrawn':
      return [{ account: accounts.payout, ore: a }, { account: accounts.fund, ore: -a }];
    case 'FundReturned':
      return [{ account: accounts.fund, ore: a }, { account: accounts.return, ore: -a }];
  }
};

/**
 * The file's lines (before encoding), each made when asked for, from the read models a page at a time (issue 13):
 * the balances from each year's movements (`fundYears`: one indexed row a year), the year's bookings from the
 * ledger a page at a time from its first day, with the titles of that page's initiatives only.
 */
export function* sieLines(view: SieView, options: SieOptions): Generator<string> {
  const { year, accounts } = options;
  // Asked for first: the year's bookings as the ledger stands now, like the sums just below.
  const pages = view.ledgerPages(EXPORT_LEDGER_PAGE, `${year}-01-01`);

  const names = new Map<string, string[]>();
  const name = (account: string, text: string): void => {
    names.set(account, [...(names.get(account) ?? []), text]);
  };
  name(accounts.fund, 'DGR fondmedel');
  name(accounts.deposit, 'DGR insättningar');
  name(accounts.payout, 'DGR utbetalningar till initiativ');
  name(accounts.return, 'DGR återföringar');

  /** Sums per account: before year−1, in year−1, in the year (the postings are linear in the amount: a year's totals post as its bookings do). */
  const sums = new Map<string, { before: number; previous: number; current: number }>();
  for (const account of names.keys()) sums.set(account, { before: 0, previous: 0, current: 0 });
  for (const y of view.fundYears()) {
    const totals = [
      { type: 'FundDeposited', amountOre: y.depositsOre },
      { type: 'FundWithdrawn', amountOre: y.withdrawalsOre },
      { type: 'FundReturned', amountOre: y.returnsOre },
    ] as const;
    for (const total of totals)
      for (const p of postingsOf(total, accounts)) {
        const s = sums.get(p.account)!;
        if (y.year < year - 1) s.before += p.ore;
        else if (y.year === year - 1) s.previous += p.ore;
        else if (y.year === year) s.current += p.ore;
      }
  }

  yield* [
    '#FLAGGA 0',
    `#PROGRAM ${sieText(SIE_PROGRAM.name)} ${SIE_PROGRAM.version}`,
    '#FORMAT PC8',
    `#GEN ${sieDate(options.generatedOn ?? view.today())}`,
    '#SIETYP 4',
    `#PROSA ${sieText(`DGR:s delbok ${year}, ur händelseloggen`)}`,
    `#FNAMN ${sieText(SIE_COMPANY)}`,
    `#RAR 0 ${year}0101 ${year}1231`,
    `#RAR -1 ${year - 1}0101 ${year - 1}1231`,
    '#VALUTA SEK',
  ];
  const ordered = [...names.keys()].sort();
  for (const account of ordered) yield* [`#KONTO ${account} ${sieText(names.get(account)!.join(' / '))}`, `#KTYP ${account} ${accountType(account)}`];
  for (const account of ordered.filter(isBalanceAccount)) {
    const s = sums.get(account)!;
    yield* [`#IB 0 ${account} ${sieAmount(s.before + s.previous)}`, `#UB 0 ${account} ${sieAmount(s.before + s.previous + s.current)}`];
    yield* [`#IB -1 ${account} ${sieAmount(s.before)}`, `#UB -1 ${account} ${sieAmount(s.before + s.previous)}`];
  }
  for (const account of ordered.filter((a) => !isBalanceAccount(a))) {
    const s = sums.get(account)!;
    yield* [`#RES 0 ${account} ${sieAmount(s.current)}`, `#RES -1 ${account} ${sieAmount(s.previous)}`];
  }

  let number = 0;
  for (const page of pages) {
    const titles = view.initiativeTitles(page.map((b) => b.initiativeId));
    for (const b of page) {
      if (yearOf(b.bookedOn) !== year) return; // business-date order: the year's bookings are behind us
      number += 1;
      const title = b.initiativeId === null ? '' : (titles.get(b.initiativeId) ?? b.initiativeId);
      const text =
        b.type === 'FundDeposited'
          ? `Insättning från ${b.source}, ${b.reference}`
          : b.type === 'FundWithdrawn'
            ? `Utbetalning till ${title}, ${b.reference}`
            : `Återföring från ${title}: ${b.reason}`;
      yield* [`#VER A ${number} ${sieDate(b.bookedOn)} ${sieText(`${text} [händelse ${b.position}]`)} ${sieDate(stockholmDateOf(b.recordedAt))}`, '{'];
      for (const p of postingsOf(b, accounts)) yield `   #TRANS ${p.account} {} ${sieAmount(p.ore)}`;
      yield '}';
    }
  }
}

/**
 * The SIE file's bytes as chunks of `linesPerChunk` lines in code page 437, each line ending in CRLF (the
 * encoding is per character, so the chunks together are exactly `sieExport`'s bytes).
 */
export function* sieChunks(view: SieView, options: SieOptions, linesPerChunk = 500): Generator<Buffer> {
  for (const text of joinedInChunks(crlf(sieLines(view, options)), linesPerChunk)) yield cp437Encode(text);
}

function* crlf(lines: Iterable<string>): Generator<string> {
  for (const line of lines) yield `${line}\r\n`;
}

/** The SIE file's bytes: the lines in code page 437, each ending in CRLF. */
export const sieExport = (view: SieView, options: SieOptions): Buffer => Buffer.concat([...sieChunks(view, options)]);
