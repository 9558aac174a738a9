import type { ReadView } from '@dgr/application';
import { formatOre, visibleText } from '@dgr/domain';

/** C0 and C1 control characters (ESC starts a terminal escape sequence that can rewrite or hide what was printed). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;

/**
 * Text from the log as a terminal should print it: bidi and zero-width characters made visible as the web
 * pages show them (`[U+202E]`), and every control character too, so a title that came in through an import
 * cannot move the cursor, recolour or erase what `dgr status` printed before it.
 */
export const terminalText = (text: string): string =>
  visibleText(text).replace(TERMINAL_CONTROL, (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padLeft = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** The fund's years and every initiative's status as text: what `dgr status` and `dgr replay` print. */
export const stateText = (view: ReadView, day: string, title: string): string => {
  const fund = view.fundStatus();
  const out: string[] = [title, ''];
  out.push(`Saldo ${formatOre(fund.balanceOre)} · beviljat ej utbetalt ${formatOre(fund.committedOre)} · disponibelt ${formatOre(fund.availableOre)}`, '');
  out.push(
    ['År', 'Ingående', 'Insättningar', 'Utbetalningar', 'Återföringar', 'Utgående', 'Förändring', '']
      .map((h, i) => (i === 0 ? pad(h, 6) : padLeft(h, 20)))
      .join(''),
  );
  for (const y of view.fundYears())
    out.push(
      pad(String(y.year), 6) +
        [y.openingOre, y.depositsOre, y.withdrawalsOre, y.returnsOre, y.closingOre, y.changeOre].map((v) => padLeft(formatOre(v), 20)).join('') +
        (y.closed ? '  stängt' : ''),
    );
  out.push('', `Initiativ per ${day}`);
  for (const i of view.listInitiatives(day))
    out.push(
      `  ${pad(i.status, 10)} ${pad(`${i.consensus.approved.length}/17`, 6)} ${pad(i.decisionDeadline, 11)} ${padLeft(formatOre(i.grantedOre), 18)}  ${terminalText(i.title)} (${terminalText(i.id)})`,
    );
  return out.join('\n') + '\n';
};
