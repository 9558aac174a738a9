/**
 * Fonden: balance, committed and available; each year's closing balance and change (what Region
 * Värmland reports to Värmlandsrådet every year) as an inline SVG chart with the same figures in a
 * table beside it, the ledger, and finance's forms.
 */
import type { Actor } from '@dgr/domain';
import type { ReadView } from '@dgr/application';
import { apiForm, type Option } from './forms';
import { html, kronor, wholeKronor, type RawHtml } from './html';
import type { InitiativeSummary } from './overview.page';
import { may, type LedgerRowView } from './initiative.page';
import { pageLink, pager, shownText } from './pager';
import { BOOKING_TEXT } from './words';

export type FundStatusView = ReturnType<ReadView['fundStatus']>;
export type FundYearView = ReturnType<ReadView['fundYears']>[number];

/** The chart's frame in SVG units; each year gets at least YEAR_WIDTH of the width. */
const CHART = { minWidth: 480, height: 360, left: 12, right: 12, top: 76, bottom: 48 };
const YEAR_WIDTH = 150;

/** Millions of kronor, one decimal when below 10: for the chart's labels ("188 Mkr", "−2,5 Mkr"). */
export const mkr = (ore: number): string => {
  const millions = ore / 100 / 1_000_000;
  const abs = Math.abs(millions);
  const text = abs >= 10 || abs === 0 ? String(Math.round(abs)) : abs.toFixed(1).replace('.', ',');
  return `${millions < 0 ? '−' : ''}${text} Mkr`;
};

/**
 * The chart: per year, the closing balance (solid bar) and the change since the year before (hatched
 * bar, below the zero line when negative), on one scale. Its text alternative is the table.
 */
export const fundChart = (years: readonly FundYearView[]): RawHtml => {
  const { height, left, right, top, bottom } = CHART;
  const width = Math.max(CHART.minWidth, left + right + YEAR_WIDTH * years.length);
  const max = Math.max(0, ...years.map((y) => Math.max(y.closingOre, y.changeOre)));
  const min = Math.min(0, ...years.map((y) => Math.min(y.closingOre, y.changeOre)));
  const span = max - min || 1;
  const plotHeight = height - top - bottom;
  const yOf = (ore: number): number => top + ((max - ore) / span) * plotHeight;
  const zero = yOf(0);
  const slot = (width - left - right) / Math.max(1, years.length);
  const barWidth = Math.min(48, slot * 0.3);
  // Far enough apart that the two value labels ("156 Mkr") do not overlap.
  const gap = Math.max(6, Math.min(18, slot * 0.12));
  const bar = (x: number, ore: number, cls: string, label: string): RawHtml => {
    const y = Math.min(yOf(ore), zero);
    const h = Math.max(1, Math.abs(yOf(ore) - zero));
    const labelY = ore >= 0 ? y - 6 : y + h + 16;
    return html`<rect class="${cls}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${h.toFixed(1)}"></rect><text class="varde" x="${(x + barWidth / 2).toFixed(1)}" y="${labelY.toFixed(1)}" text-anchor="middle">${label}</text>`;
  };
  return html`<figure class="diagram">
<svg viewBox="0 0 ${String(width)} ${String(height)}" role="img" aria-labelledby="diagram-titel diagram-beskrivning" focusable="false">
<title id="diagram-titel">Fondens utgående balans och förändring per år</title>
<desc id="diagram-beskrivning">${years.map((y) => `${y.year}: utgående balans ${kronor(y.closingOre)}, förändring ${kronor(y.changeOre)}`).join('; ')}. Samma siffror finns i tabellen.</desc>
<defs><pattern id="streck" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" class="forandring-bakgrund"></rect><line x1="0" y1="0" x2="0" y2="8" class="forandring-streck"></line></pattern></defs>
<g class="forklaring" aria-hidden="true">
<rect class="balans" x="${String(left)}" y="10" width="16" height="16"></rect><text x="${String(left + 22)}" y="23">Utgående balans</text>
<rect class="forandring" x="${String(left)}" y="32" width="16" height="16"></rect><text x="${String(left + 22)}" y="45">Förändring under året</text>
</g>
<line class="nollinje" x1="${String(left)}" x2="${String(width - right)}" y1="${zero.toFixed(1)}" y2="${zero.toFixed(1)}"></line>
${years.map((y, i) => {
  const x0 = left + i * slot + (slot - 2 * barWidth - gap) / 2;
  return html`<g class="ar" data-year="${String(y.year)}">${bar(x0, y.closingOre, 'balans', mkr(y.closingOre))}${bar(x0 + barWidth + gap, y.changeOre, 'forandring', mkr(y.changeOre))}<text class="arstal" x="${(left + i * slot + slot / 2).toFixed(1)}" y="${String(height - bottom + 30)}" text-anchor="middle">${String(y.year)}</text></g>`;
})}
</svg>
<figcaption>Staplarna visar varje års utgående balans (hel färg) och förändringen sedan året innan (randig). Mkr = miljoner kronor.</figcaption>
</figure>`;
};

export const yearsTable = (years: readonly FundYearView[]): RawHtml => html`<div class="tabell-ram" role="region" aria-labelledby="ar-rubrik" tabindex="0">
<table class="ar-tabell" id="ar-tabell">
<caption id="ar-rubrik">Fondens år: ingående balans, rörelser, utgående balans och förändring</caption>
<thead><tr><th scope="col">År</th><th scope="col" class="belopp">Ingående</th><th scope="col" class="belopp">Insättningar</th><th scope="col" class="belopp">Utbetalningar</th><th scope="col" class="belopp">Återföringar</th><th scope="col" class="belopp">Utgående balans</th><th scope="col" class="belopp">Förändring</th><th scope="col">Stängt</th></tr></thead>
<tbody>${years.map(
  (y) => html`<tr data-year="${String(y.year)}"><th scope="row">${String(y.year)}</th><td class="belopp">${kronor(y.openingOre)}</td><td class="belopp">${kronor(y.depositsOre)}</td><td class="belopp">${kronor(y.withdrawalsOre)}</td><td class="belopp">${kronor(y.returnsOre)}</td><td class="belopp utgaende">${kronor(y.closingOre)}</td><td class="belopp forandring-varde">${kronor(y.changeOre)}</td><td>${y.closed ? 'Ja' : 'Nej'}</td></tr>`,
)}</tbody>
</table>
</div>`;

/** Bookings per page of the ledger on /fonden and /publikt/fonden: a page whatever the ledger's size (issue 13). */
export const LEDGER_PAGE_SIZE = 100;

/** One page of the ledger, as the pages show it: its rows, how many bookings there are in all, and which page. */
export interface LedgerPageView<Row> {
  readonly rows: readonly Row[];
  readonly total: number;
  /** The page, from 1. */
  readonly page: number;
}

/** How many bookings the page shows of all, and the links to the pages before and after (`path?sida=N`). */
export const ledgerPaging = (ledger: LedgerPageView<unknown>, path: string): { count: RawHtml; pager: RawHtml } => ({
  count: html`<p id="antal-bokningar">${shownText({ total: ledger.total, size: LEDGER_PAGE_SIZE, page: ledger.page, shown: ledger.rows.length, what: 'bokningar' })}</p>`,
  pager: pager({ total: ledger.total, size: LEDGER_PAGE_SIZE, page: ledger.page, hrefOf: (page) => pageLink(path, page), label: 'Sidor i huvudboken' }),
});

const ledgerTable = (ledger: LedgerPageView<LedgerRowView>, titles: ReadonlyMap<string, string>): RawHtml => {
  const rows = ledger.rows;
  const paging = ledgerPaging(ledger, '/fonden');
  return html`<h2 id="huvudbok-rubrik">Huvudbok</h2>
${
  ledger.total === 0
    ? html`<p>Inga bokningar ännu.</p>`
    : rows.length === 0
      ? paging.count
    : html`<div class="tabell-ram" role="region" aria-labelledby="huvudbok-rubrik" tabindex="0">
<table class="huvudbok" id="huvudbok">
<thead><tr><th scope="col">Bokföringsdag</th><th scope="col">Slag</th><th scope="col" class="belopp">Belopp</th><th scope="col">Initiativ eller källa</th><th scope="col">Referens eller orsak</th><th scope="col" class="belopp">Saldo efter</th></tr></thead>
<tbody>${rows.map(
        (b) => html`<tr data-position="${String(b.position)}"><td>${b.bookedOn}</td><td>${BOOKING_TEXT[b.type]}</td><td class="belopp">${b.type === 'FundWithdrawn' ? '−' : ''}${kronor(b.amountOre)}</td><td>${
          b.initiativeId ? html`<a href="/initiativ/${b.initiativeId}">${titles.get(b.initiativeId) ?? b.initiativeId}</a>` : (b.source ?? '')
        }</td><td>${b.reference ?? b.reason ?? ''}</td><td class="belopp">${kronor(b.balanceAfterOre)}</td></tr>`,
      )}</tbody>
</table>
</div>
${paging.count}
${paging.pager}`
}`;
};

const financeForms = (grantedInitiatives: readonly InitiativeSummary[], years: readonly FundYearView[], thisYear: number): RawHtml => {
  const granted: Option[] = grantedInitiatives
    .filter((i) => i.grantedOre > 0)
    .map((i) => ({ value: i.id, label: `${i.title} (beviljat ${wholeKronor(i.grantedOre)}, utbetalt ${wholeKronor(i.withdrawnOre)})` }));
  const choose: Option = { value: '', label: 'Välj initiativ' };
  const openYears = years.filter((y) => !y.closed && y.year < thisYear).map((y) => ({ value: String(y.year), label: String(y.year) }));
  const amount = { kind: 'text', name: 'amountOre', label: 'Belopp (kr)', hint: 'Till exempel 1 250 000 eller 1 250 000,50.', dataType: 'kronor', inputMode: 'decimal', required: true } as const;
  return html`<section class="atgarder" aria-labelledby="atgarder-rubrik"><h2 id="atgarder-rubrik">Dina åtgärder</h2><div class="formular-lista">
${apiForm({
  id: 'utbetalning',
  heading: 'Betala ut till ett initiativ',
  api: '/api/fund/withdrawals',
  redirect: '/fonden',
  submit: 'Betala ut',
  fields: [
    { kind: 'select', name: 'initiativeId', label: 'Initiativ', options: [choose, ...granted], required: true },
    amount,
    { kind: 'date', name: 'bookedOn', label: 'Bokföringsdag', required: true },
    { kind: 'text', name: 'reference', label: 'Verifikation', hint: 'Till exempel Ver 2026-0811.', required: true },
  ],
})}
${apiForm({
  id: 'insattning',
  heading: 'Sätt in pengar i fonden',
  api: '/api/fund/deposits',
  redirect: '/fonden',
  submit: 'Sätt in',
  fields: [
    amount,
    { kind: 'text', name: 'source', label: 'Källa', hint: 'Varifrån pengarna kommer.', required: true },
    { kind: 'date', name: 'bookedOn', label: 'Bokföringsdag', required: true },
    { kind: 'text', name: 'reference', label: 'Verifikation', required: true },
  ],
})}
${apiForm({
  id: 'aterforing',
  heading: 'Återför pengar från ett initiativ',
  api: '/api/fund/returns',
  redirect: '/fonden',
  submit: 'Återför',
  fields: [
    { kind: 'select', name: 'initiativeId', label: 'Initiativ', options: [choose, ...granted], required: true },
    amount,
    { kind: 'date', name: 'bookedOn', label: 'Bokföringsdag', required: true },
    { kind: 'textarea', name: 'reason', label: 'Orsak', required: true },
  ],
})}
${
  openYears.length === 0
    ? ''
    : apiForm({
        id: 'stang-ar',
        heading: 'Stäng ett år',
        intro: 'Ett stängt år tar inte emot fler bokningar; dess utgående balans är den som rapporteras.',
        api: '/api/fund/years/{year}/close',
        redirect: '/fonden',
        submit: 'Stäng året',
        noBody: true,
        fields: [{ kind: 'select', name: 'year', label: 'År', options: openYears, required: true }],
      })
}
</div></section>`;
};

export const fundBody = (options: {
  readonly status: FundStatusView;
  readonly years: readonly FundYearView[];
  /** One page of the ledger. */
  readonly ledger: LedgerPageView<LedgerRowView>;
  /** The titles of the initiatives the ledger's page names. */
  readonly titles: ReadonlyMap<string, string>;
  /** The initiatives granted money (the payout and return forms choose among them). */
  readonly granted: readonly InitiativeSummary[];
  readonly actor: Actor;
  readonly thisYear: number;
}): RawHtml => {
  const s = options.status;
  return html`<h1>Fonden</h1>
<dl class="nyckeltal" id="nyckeltal">
<div><dt>Saldo</dt><dd id="saldo">${kronor(s.balanceOre)}</dd></div>
<div><dt>Beviljat, ej utbetalt</dt><dd id="beviljat">${kronor(s.committedOre)}</dd></div>
<div><dt>Disponibelt</dt><dd id="disponibelt">${kronor(s.availableOre)}</dd></div>
</dl>
${may(options.actor, 'withdraw') ? financeForms(options.granted, options.years, options.thisYear) : ''}
<h2>Utgående balans och förändring per år</h2>
${options.years.length === 0 ? html`<p>Inga bokningar ännu.</p>` : html`<div class="diagram-och-tabell">${fundChart(options.years)}${yearsTable(options.years)}</div>`}
${ledgerTable(options.ledger, options.titles)}`;
};
