/**
 * Översikt: the consensus matrix. Initiatives as rows, the 17 parties as columns; each cell says by
 * colour, symbol and (hidden) text whether the party has approved, rejected or not yet decided, and
 * whether an approval has gained legal force (laga kraft).
 */
import { AUTHORITY, PARTIES, partyName, type Actor, type InitiativeStatus, type PartyId } from '@dgr/domain';
import type { InitiativePage, InitiativeSummary as Summary } from '@dgr/application';
import { days, html, longDate, type RawHtml } from './html';
import { pageOf, pager } from './pager';
import { isStatus, NOT_FINAL_TEXT, STATUS_ORDER, STATUS_TEXT } from './words';

export type InitiativeSummary = Summary;

/** Initiatives per page of the matrix: a page a screen reader and a phone can take, whatever the log's size. */
export const OVERVIEW_PAGE_SIZE = 50;

export interface OverviewFilters {
  readonly status?: InitiativeStatus;
  readonly year?: number;
  /** The page, from 1. */
  readonly page: number;
}

/** The filters from the query string; anything unknown is ignored (all initiatives, the first page). */
export const overviewFiltersOf = (query: Record<string, unknown>): OverviewFilters => {
  const status = isStatus(query.status) ? query.status : undefined;
  const year = typeof query.year === 'string' && /^\d{4}$/.test(query.year) ? Number(query.year) : undefined;
  return { status, year, page: pageOf(query) };
};

/** What the overview asks of the read side: one page, filtered in the query. */
export const overviewQueryOf = (f: OverviewFilters, asOf: string) => ({
  asOf,
  status: f.status,
  year: f.year,
  offset: (f.page - 1) * OVERVIEW_PAGE_SIZE,
  limit: OVERVIEW_PAGE_SIZE,
});

type Cell = 'approved-final' | 'approved' | 'rejected' | 'missing' | 'earlier-version';

/** What a matrix cell needs of an initiative: the signed-in and the public summaries both have it. */
export interface MatrixRow {
  readonly consensus: { readonly approved: readonly string[]; readonly rejected: readonly string[] };
  readonly finality: { readonly notFinal: readonly InitiativeSummary['finality']['notFinal'][number][] };
  /** Decisions on an earlier version of the proposal (issue 15); absent in rows that do not know of versions. */
  readonly mustDecideAgain?: readonly { readonly party: string; readonly decidedVersion: number; readonly currentVersion: number; readonly outcome: string }[];
}

/** One party's cell for one initiative. */
export const cellOf = (i: MatrixRow, party: PartyId): { cell: Cell; text: string } => {
  if (i.consensus.rejected.includes(party)) return { cell: 'rejected', text: 'Avslaget' };
  if (i.consensus.approved.includes(party)) {
    const notFinal = i.finality.notFinal.find((n) => n.party === party);
    if (!notFinal) return { cell: 'approved-final', text: 'Godkänt, laga kraft' };
    return {
      cell: 'approved',
      text: `Godkänt, inte laga kraft (${NOT_FINAL_TEXT[notFinal.reason]}${notFinal.until ? ` till ${notFinal.until}` : ''})`,
    };
  }
  // An approval of an earlier version does not count: the party must decide again on the current text.
  const earlier = i.mustDecideAgain?.find((m) => m.party === party && m.outcome === 'approved');
  if (earlier)
    return {
      cell: 'earlier-version',
      text: `Godkände version ${String(earlier.decidedVersion)}, ska besluta på nytt om version ${String(earlier.currentVersion)}`,
    };
  return { cell: 'missing', text: 'Saknas' };
};

const SYMBOL: Record<Cell, string> = { 'approved-final': '✓', approved: '✓', rejected: '✗', missing: '–', 'earlier-version': '↻' };
const CLASS: Record<Cell, string> = {
  'approved-final': 'godkant lk',
  approved: 'godkant',
  rejected: 'avslaget',
  missing: 'saknas',
  'earlier-version': 'tidigare-version',
};

/** The visible mark beside a cell's symbol: LK (laga kraft), or the earlier version approved (v1). */
const markOf = (i: MatrixRow, party: PartyId, cell: Cell): RawHtml | string => {
  if (cell === 'approved-final') return html`<span class="lk-markering">LK</span>`;
  if (cell === 'earlier-version') {
    const m = i.mustDecideAgain?.find((x) => x.party === party);
    return html`<span class="version-markering">v${String(m?.decidedVersion ?? '')}</span>`;
  }
  return '';
};

/** One party's cell of the consensus matrix (Översikt and the public /publikt). */
export const matrixCell = (i: MatrixRow, party: PartyId): RawHtml => {
  const { cell, text } = cellOf(i, party);
  return html`<td class="cell ${CLASS[cell]}" data-party="${party}" title="${partyName(party)}: ${text}"><span aria-hidden="true">${SYMBOL[cell]}${markOf(i, party, cell)}</span><span class="visually-hidden">${text}</span></td>`;
};

const deadlineText = (i: InitiativeSummary): RawHtml =>
  html`<span class="datum">${i.decisionDeadline}</span><br><span class="kvar">${
    i.status === 'open' || i.daysLeft > 0 ? `${days(i.daysLeft)} kvar` : 'passerad'
  }</span>`;

const statusBadge = (status: InitiativeStatus): RawHtml => html`<span class="status status-${status}">${STATUS_TEXT[status]}</span>`;

const row = (i: InitiativeSummary): RawHtml =>
  html`<tr data-initiative="${i.id}">
<th scope="row" class="initiativ-namn"><a href="/initiativ/${i.id}">${i.title}</a><span class="antal">${i.consensus.approved.length} av 17 godkänt</span></th>
<td>${statusBadge(i.status)}${i.status === 'consensus' ? html`<br><span class="lk-status">${i.finality.final ? 'laga kraft' : 'ej laga kraft'}</span>` : ''}</td>
<td class="deadline">${deadlineText(i)}</td>
${PARTIES.map((p) => matrixCell(i, p.id))}
</tr>`;

const legend = html`<div class="teckenforklaring" id="teckenforklaring">
<h2 class="visually-hidden">Teckenförklaring</h2>
<ul>
<li><span class="cell godkant lk exempel" aria-hidden="true">✓<span class="lk-markering">LK</span></span> Godkänt och laga kraft</li>
<li><span class="cell godkant exempel" aria-hidden="true">✓</span> Godkänt, ännu inte laga kraft</li>
<li><span class="cell avslaget exempel" aria-hidden="true">✗</span> Avslaget</li>
<li><span class="cell tidigare-version exempel" aria-hidden="true">↻<span class="version-markering">v1</span></span> Godkände en tidigare version av förslaget: räknas inte, ska besluta på nytt</li>
<li><span class="cell saknas exempel" aria-hidden="true">–</span> Beslut saknas</li>
</ul>
</div>`;

const filterForm = (years: readonly number[], f: OverviewFilters): RawHtml => {
  return html`<form class="filter" method="get" action="/">
<div class="falt"><label for="filter-status">Status</label><select id="filter-status" name="status">
<option value="">Alla</option>${STATUS_ORDER.map((s) => html`<option value="${s}"${f.status === s ? html` selected` : ''}>${STATUS_TEXT[s]}</option>`)}
</select></div>
<div class="falt"><label for="filter-ar">År (då initiativet lämnades)</label><select id="filter-ar" name="year">
<option value="">Alla</option>${years.map((y) => html`<option value="${String(y)}"${f.year === y ? html` selected` : ''}>${String(y)}</option>`)}
</select></div>
<div class="knappar"><button type="submit" class="knapp">Visa</button></div>
</form>`;
};

/** May this actor propose initiatives (for any party, or for its own)? */
export const mayPropose = (actor: Actor): boolean => AUTHORITY['propose-initiative'][actor.role] !== undefined;

const linkTo = (f: OverviewFilters, page: number): string => {
  const q = new URLSearchParams();
  if (f.status) q.set('status', f.status);
  if (f.year !== undefined) q.set('year', String(f.year));
  if (page > 1) q.set('sida', String(page));
  const text = q.toString();
  return text === '' ? '/' : `/?${text}`;
};

const countText = (found: InitiativePage<InitiativeSummary>, f: OverviewFilters): string => {
  if (found.total <= found.items.length) return `Visar ${String(found.items.length)} av ${String(found.all)} initiativ.`;
  const first = (f.page - 1) * OVERVIEW_PAGE_SIZE + 1;
  if (found.items.length === 0) return `Visar 0 av ${String(found.total)} initiativ (sidan ${String(f.page)} finns inte).`;
  const last = first + found.items.length - 1;
  const filtered = found.total < found.all ? ` (${String(found.all)} i allt)` : '';
  return `Visar ${String(first)}–${String(last)} av ${String(found.total)} initiativ${filtered}.`;
};

const pagerOf = (found: InitiativePage<InitiativeSummary>, f: OverviewFilters): RawHtml =>
  pager({ total: found.total, size: OVERVIEW_PAGE_SIZE, page: f.page, hrefOf: (page) => linkTo(f, page), label: 'Sidor i matrisen' });

export const overviewBody = (options: {
  readonly found: InitiativePage<InitiativeSummary>;
  readonly filters: OverviewFilters;
  readonly today: string;
  readonly actor: Actor;
}): RawHtml => {
  const shown = options.found.items;
  return html`<h1>Översikt</h1>
<p class="ingress">Parternas beslut om varje initiativ per ${longDate(options.today)}. Ett initiativ har konsensus när alla 17 parter har godkänt det före sista beslutsdag.</p>
${mayPropose(options.actor) ? html`<p><a class="knapp-lank" href="/initiativ/nytt">Lämna ett nytt initiativ</a></p>` : ''}
${filterForm(options.found.years, options.filters)}
<p id="antal-initiativ" aria-live="polite">${countText(options.found, options.filters)}</p>
${legend}
${
  shown.length === 0
    ? html`<p>Inga initiativ matchar urvalet.</p>`
    : html`<h2 id="matris-rubrik" class="matris-rubrik">Konsensusmatris</h2>
<p class="hjalp matris-tips">Tabellen rullar i sidled: initiativen står kvar till vänster.</p>
<div class="matris-ram" role="region" aria-labelledby="matris-rubrik" tabindex="0">
<table class="matris" id="matris">
<caption class="visually-hidden">Konsensusmatris: initiativ och parternas beslut</caption>
<thead><tr><th scope="col" class="initiativ-namn">Initiativ</th><th scope="col">Status</th><th scope="col">Sista beslutsdag</th>${PARTIES.map(
        (p) => html`<th scope="col" class="part">${p.name}</th>`,
      )}</tr></thead>
<tbody>
${shown.map(row)}
</tbody>
</table>
</div>
${pagerOf(options.found, options.filters)}`
}`;
};
