import type { ReadView } from '@dgr/application';
import { formatOre } from '@dgr/domain';

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
      `  ${pad(i.status, 10)} ${pad(`${i.consensus.approved.length}/17`, 6)} ${pad(i.decisionDeadline, 11)} ${padLeft(formatOre(i.grantedOre), 18)}  ${i.title} (${i.id})`,
    );
  return out.join('\n') + '\n';
};
