import { formatOre, lastDayOfYear, partyName, visibleText, type PartyId } from '@dgr/domain';
import type { ReadView } from './queries';

/** The signed checkpoint of the log at the end of the reported year (see docs/audit.md). */
export interface ReportCheckpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: string;
  readonly at: string | null;
  readonly signature: string;
}

export interface AnnualReport {
  readonly year: number;
  /** The day the figures are taken at: 31 December of the year. */
  readonly asOf: string;
  readonly fund: {
    readonly openingOre: number;
    readonly depositsOre: number;
    readonly withdrawalsOre: number;
    readonly returnsOre: number;
    readonly closingOre: number;
    /** The change since the previous year's closing balance. */
    readonly changeOre: number;
    readonly closed: boolean;
  };
  readonly initiatives: ReadonlyArray<{
    readonly id: string;
    readonly title: string;
    readonly grantedOre: number;
    readonly paidThisYearOre: number;
    readonly returnedThisYearOre: number;
    readonly paidTotalOre: number;
    readonly returnedTotalOre: number;
    readonly outcomeReports: ReadonlyArray<{ readonly summary: string; readonly reportedAt: string }>;
  }>;
  readonly decided: ReadonlyArray<{
    readonly id: string;
    readonly title: string;
    readonly proposedBy: string;
    readonly decisionDeadline: string;
    readonly status: string;
    readonly reachedOn: string | null;
    readonly rejectedBy: string[];
    readonly missing: string[];
  }>;
  readonly checkpoint: ReportCheckpoint | null;
  /**
   * Business rules the log breaks (ADR 0010), dated in the year or undated: a log written before every
   * cross-stream rule was enforced by the log may hold a grant on a cancelled initiative. Empty when none.
   */
  readonly ruleViolations: ReadonlyArray<{
    readonly position: number;
    readonly type: string;
    readonly rule: string;
    readonly initiativeId: string | null;
    readonly description: string;
  }>;
}

/**
 * What Region Värmland reports to Värmlandsrådet for a year: the fund's opening and closing balance, its
 * movements and the change since the year before; per funded initiative the grant, what was paid and
 * returned that year and in total, and VRAG's outcome reports for the year; the initiatives decided that
 * year (deadline or consensus in the year) with their consensus dates; and the log's checkpoint.
 */
export const annualReport = async (view: ReadView, year: number, checkpoint: ReportCheckpoint | null): Promise<AnnualReport> => {
  const asOf = lastDayOfYear(year);
  const row = view.fundYears().find((y) => y.year === year);
  const fund = row
    ? { openingOre: row.openingOre, depositsOre: row.depositsOre, withdrawalsOre: row.withdrawalsOre, returnsOre: row.returnsOre, closingOre: row.closingOre, changeOre: row.changeOre, closed: row.closed }
    : { openingOre: 0, depositsOre: 0, withdrawalsOre: 0, returnsOre: 0, closingOre: 0, changeOre: 0, closed: false };
  // The initiatives are read a page at a time, and the event loop serves other requests between pages (ADR 0018).
  const endOfLastYear = lastDayOfYear(year - 1);
  const initiatives: AnnualReport['initiatives'][number][] = [];
  for await (const page of view.summaryPages(asOf))
    for (const i of page) {
      if (i.grantedOre <= 0 && i.withdrawnOre <= 0) continue;
      // What was paid and returned by the end of the year before (nothing for one proposed after it).
      const b = i.proposedOn <= endOfLastYear ? view.initiativeMoney(i.id, endOfLastYear) : null;
      initiatives.push({
        id: i.id,
        title: i.title,
        grantedOre: i.grantedOre,
        paidThisYearOre: i.withdrawnOre - (b?.withdrawnOre ?? 0),
        returnedThisYearOre: i.returnedOre - (b?.returnedOre ?? 0),
        paidTotalOre: i.withdrawnOre,
        returnedTotalOre: i.returnedOre,
        // The year's outcome reports from the initiative's state (not its whole detail: each took milliseconds, a
        // page of them on the event loop at once).
        outcomeReports: view
          .outcomeReportsOf(i.id, asOf)
          .filter((r) => r.year === year)
          .map(({ summary, reportedAt }) => ({ summary, reportedAt })),
      });
    }
  // Judged the day after the year ends: an initiative whose deadline was 31 December has lapsed by then.
  const decided: AnnualReport['decided'][number][] = [];
  for await (const page of view.summaryPages(`${year + 1}-01-01`))
    for (const i of page)
      if (i.decisionDeadline.startsWith(`${year}-`) || (i.consensus.reachedOn ?? '').startsWith(`${year}-`))
        decided.push({
          id: i.id,
          title: i.title,
          proposedBy: i.proposedBy,
          decisionDeadline: i.decisionDeadline,
          status: i.status,
          reachedOn: i.consensus.reachedOn,
          rejectedBy: i.consensus.rejected,
          missing: i.consensus.missing,
        });
  const ruleViolations = view
    .ruleViolations()
    .filter((v) => v.year === year || v.year === null)
    .map(({ position, type, rule, initiativeId, description }) => ({ position, type, rule, initiativeId, description }));
  return { year, asOf, fund, initiatives, decided, checkpoint, ruleViolations };
};

const STATUS_SV: Record<string, string> = {
  consensus: 'konsensus',
  blocked: 'blockerat',
  lapsed: 'förfallet',
  open: 'öppet',
  cancelled: 'återkallat',
};

const names = (ids: string[]): string => ids.map((p) => partyName(p as PartyId)).join(', ');

/** The report as Markdown, in Swedish, amounts as `188 000 000,00 kr`. */
export const annualReportMarkdown = (r: AnnualReport): string => {
  const kr = formatOre;
  const lines: string[] = [];
  lines.push(`# DGR – årsredovisning till Värmlandsrådet ${r.year}`, '');
  lines.push(`De gemensamma resurserna per ${r.asOf}${r.fund.closed ? ' (året är stängt)' : ' (året är inte stängt: siffrorna kan ändras)'}.`, '');
  lines.push('## Fonden', '', '| | belopp |', '|---|---:|');
  lines.push(`| Ingående balans | ${kr(r.fund.openingOre)} |`);
  lines.push(`| Insättningar | ${kr(r.fund.depositsOre)} |`);
  lines.push(`| Utbetalningar | ${kr(r.fund.withdrawalsOre)} |`);
  lines.push(`| Återföringar | ${kr(r.fund.returnsOre)} |`);
  lines.push(`| **Utgående balans** | **${kr(r.fund.closingOre)}** |`);
  lines.push(`| Förändring sedan föregående år | ${kr(r.fund.changeOre)} |`, '');
  lines.push('## Finansierade insatser', '');
  if (r.initiatives.length === 0) lines.push('Inga insatser har beviljats medel.', '');
  else {
    lines.push('| insats | beviljat | utbetalt i år | återfört i år | utbetalt totalt | återfört totalt |', '|---|---:|---:|---:|---:|---:|');
    for (const i of r.initiatives)
      lines.push(`| ${markdownText(i.title)} | ${kr(i.grantedOre)} | ${kr(i.paidThisYearOre)} | ${kr(i.returnedThisYearOre)} | ${kr(i.paidTotalOre)} | ${kr(i.returnedTotalOre)} |`);
    lines.push('');
    const reports = r.initiatives.filter((i) => i.outcomeReports.length > 0);
    lines.push(`### VRAG:s redovisning av utfallet ${r.year}`, '');
    if (reports.length === 0) lines.push('Ingen utfallsrapport för året.', '');
    for (const i of reports) for (const o of i.outcomeReports) lines.push(`- **${markdownText(i.title)}**: ${markdownText(o.summary)}`);
    if (reports.length > 0) lines.push('');
  }
  lines.push(`## Ställningstaganden ${r.year}`, '');
  if (r.decided.length === 0) lines.push('Inga initiativ hade beslutsfrist eller nådde konsensus under året.', '');
  else {
    lines.push('| initiativ | beslutsfrist | läge vid årets slut | konsensus nådd | avslag | saknas |', '|---|---|---|---|---|---|');
    for (const d of r.decided)
      lines.push(
        `| ${markdownText(d.title)} | ${d.decisionDeadline} | ${STATUS_SV[d.status] ?? d.status} | ${d.reachedOn ?? '–'} | ${names(d.rejectedBy) || '–'} | ${d.missing.length === 17 ? 'alla' : names(d.missing) || '–'} |`,
      );
    lines.push('');
  }
  if ((r.ruleViolations ?? []).length > 0) {
    lines.push('## Regelbrott i loggen', '', 'Händelseloggen bryter mot verksamhetens regler (samma kontroll som `npx dgr verify`):', '');
    for (const v of r.ruleViolations) lines.push(`- Position ${v.position} (${v.type}): ${markdownText(v.description)}.`);
    lines.push('');
  }
  lines.push('## Kontrollpunkt för revision', '');
  if (r.checkpoint)
    lines.push(
      `Loggens storlek ${r.checkpoint.size} händelser, rot \`${r.checkpoint.root}\`, ursprung \`${r.checkpoint.origin}\`, senast registrerat ${r.checkpoint.at ?? '–'}.`,
      `Signatur (Ed25519): \`${r.checkpoint.signature}\`. Kontrollera med \`npx dgr verify --checkpoint FIL\`.`,
      '',
    );
  else lines.push('Ingen kontrollpunkt.', '');
  return lines.join('\n');
};

/**
 * Text from the log as Markdown inline text that is only text (issue 17, item 9): line breaks as spaces (no new block, heading or table
 * row can start), and every character with a meaning inline or in a table backslash-escaped, as CommonMark
 * allows for any ASCII punctuation: `\`, `|` (a cell's end, escaped in GFM tables), `*` `_` `~`
 * (emphasis), `` ` `` (code), `[` `]` (links and images: `(` and `!` mean nothing without them), `<` `>` (HTML
 * and autolinks), `&` (entities such as `&#x202E;`). A `#`, `-` or `+` could only matter at a line's start,
 * where this text never is. Then bidi controls and zero-width characters are made visible (the domain's
 * visibleText; its `[U+202E]` is not a link, as the text can hold no link definition).
 */
export const markdownText = (s: string): string =>
  visibleText(s.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ').replace(/[\\`*_[\]<>|~&]/g, '\\$&'));

/** Text from the log as HTML text: bidi controls and zero-width characters made visible, then escaped. */
const escapeHtml = (s: string): string =>
  visibleText(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The report as a standalone HTML page (Swedish, printable). */
export const annualReportHtml = (r: AnnualReport): string => {
  const kr = (o: number) => escapeHtml(formatOre(o));
  const rows = (cells: string[][]) => cells.map((c) => `<tr>${c.map((x) => `<td>${x}</td>`).join('')}</tr>`).join('\n');
  return `<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>DGR – årsredovisning ${r.year}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #999;padding:.3rem .6rem}td:not(:first-child){text-align:right}code{word-break:break-all}</style>
</head><body>
<h1>DGR – årsredovisning till Värmlandsrådet ${r.year}</h1>
<p>De gemensamma resurserna per ${r.asOf}${r.fund.closed ? ' (året är stängt)' : ' (året är inte stängt: siffrorna kan ändras)'}.</p>
<h2>Fonden</h2>
<table><tbody>
${rows([
  ['Ingående balans', kr(r.fund.openingOre)],
  ['Insättningar', kr(r.fund.depositsOre)],
  ['Utbetalningar', kr(r.fund.withdrawalsOre)],
  ['Återföringar', kr(r.fund.returnsOre)],
  ['<strong>Utgående balans</strong>', `<strong>${kr(r.fund.closingOre)}</strong>`],
  ['Förändring sedan föregående år', kr(r.fund.changeOre)],
])}
</tbody></table>
<h2>Finansierade insatser</h2>
<table><thead><tr><th>insats</th><th>beviljat</th><th>utbetalt i år</th><th>återfört i år</th><th>utbetalt totalt</th><th>återfört totalt</th></tr></thead><tbody>
${rows(r.initiatives.map((i) => [escapeHtml(i.title), kr(i.grantedOre), kr(i.paidThisYearOre), kr(i.returnedThisYearOre), kr(i.paidTotalOre), kr(i.returnedTotalOre)]))}
</tbody></table>
<h3>VRAG:s redovisning av utfallet ${r.year}</h3>
<ul>${r.initiatives.flatMap((i) => i.outcomeReports.map((o) => `<li><strong>${escapeHtml(i.title)}</strong>: ${escapeHtml(o.summary)}</li>`)).join('') || '<li>Ingen utfallsrapport för året.</li>'}</ul>
<h2>Ställningstaganden ${r.year}</h2>
<table><thead><tr><th>initiativ</th><th>beslutsfrist</th><th>läge vid årets slut</th><th>konsensus nådd</th><th>avslag</th></tr></thead><tbody>
${rows(r.decided.map((d) => [escapeHtml(d.title), d.decisionDeadline, STATUS_SV[d.status] ?? d.status, d.reachedOn ?? '–', escapeHtml(names(d.rejectedBy)) || '–']))}
</tbody></table>
${(r.ruleViolations ?? []).length > 0 ? `<h2>Regelbrott i loggen</h2>\n<ul>${r.ruleViolations.map((v) => `<li>Position ${v.position} (${escapeHtml(v.type)}): ${escapeHtml(v.description)}.</li>`).join('')}</ul>\n` : ''}<h2>Kontrollpunkt för revision</h2>
${r.checkpoint ? `<p>Loggens storlek ${r.checkpoint.size} händelser, rot <code>${escapeHtml(r.checkpoint.root)}</code>, ursprung <code>${escapeHtml(r.checkpoint.origin)}</code>.</p><p>Signatur (Ed25519): <code>${escapeHtml(r.checkpoint.signature)}</code></p>` : '<p>Ingen kontrollpunkt.</p>'}
</body></html>
`;
};
