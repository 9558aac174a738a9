/**
 * Revision: verify the whole log (app.js calls the verification endpoint and shows its answer in a live
 * region), the signed checkpoint of the log as it stands, and the downloads: exports and annual reports.
 */
import type { Checkpoint } from '@dgr/audit';
import { html, swedishDateTime, type RawHtml } from './html';

export interface Download {
  readonly href: string;
  readonly label: string;
  readonly note?: string;
}

/**
 * The two CSV flavours, said in full (issue 17, item 4): for Excel `;` and `excel=true` (a BOM, decimal comma, a `'`
 * before a text Excel would run as a formula, invisible controls shown); for programs `,` and `excel=false` (every
 * text exactly as stored).
 */
const csvFlavour = (excel: boolean): string => (excel ? '?separator=%3B&excel=true' : '?excel=false');

/** The export endpoints the pages link to (GETs in the same origin: the session cookie is sent). */
export const EXPORTS = {
  verify: '/api/audit/verify',
  events: '/api/exports/events.jsonl',
  ledgerCsv: (excel: boolean) => `/api/exports/ledger.csv${csvFlavour(excel)}`,
  decisionsCsv: (excel: boolean) => `/api/exports/decisions.csv${csvFlavour(excel)}`,
  initiativesCsv: (excel: boolean) => `/api/exports/initiatives.csv${csvFlavour(excel)}`,
  sie: (year: number) => `/api/exports/sie/${year}`,
  annualReport: (year: number, format: 'html' | 'md' | 'json') => `/api/reports/annual/${year}?format=${format}`,
} as const;

const downloadList = (items: readonly Download[]): RawHtml =>
  html`<ul class="nedladdningar">${items.map(
    (d) => html`<li><a href="${d.href}">${d.label}</a>${d.note ? html` <span class="hjalp">${d.note}</span>` : ''}</li>`,
  )}</ul>`;

const checkpointSection = (c: Checkpoint): RawHtml => html`<section aria-labelledby="kontrollpunkt-rubrik">
<h2 id="kontrollpunkt-rubrik">Signerad kontrollpunkt just nu</h2>
<p>Spara kontrollpunkten: en senare verifiering visar att loggen bara har vuxit sedan dess (<code>npx dgr verify --checkpoint FIL</code>).</p>
<dl class="fakta kontrollpunkt">
<div><dt>Ursprung</dt><dd><code>${c.origin}</code></dd></div>
<div><dt>Antal händelser</dt><dd>${String(c.size)}</dd></div>
<div><dt>Merkle-rot</dt><dd><code class="hash">${c.root}</code></dd></div>
<div><dt>Senast registrerat</dt><dd>${swedishDateTime(c.at)}</dd></div>
<div><dt>Signatur (Ed25519)</dt><dd><code class="hash">${c.signature}</code></dd></div>
</dl>
<p><a href="/api/audit/checkpoint">Kontrollpunkten som JSON</a> · <a href="/api/audit/public-key">Den publika nyckeln</a></p>
</section>`;

export interface AuditYear {
  readonly year: number;
  readonly closed: boolean;
}

export const auditBody = (options: { readonly checkpoint: Checkpoint; readonly years: readonly AuditYear[] }): RawHtml => {
  const years = [...options.years].sort((a, b) => b.year - a.year);
  return html`<h1>Revision</h1>
<p class="ingress">Varje händelse i loggen har en hash kedjad till föregående, och loggen som helhet ett Merkle-träd vars rot signeras. Verifieringen räknar om allt från början.</p>
<section aria-labelledby="verifiera-rubrik">
<h2 id="verifiera-rubrik">Verifiera loggen</h2>
<p>Räknar om varje händelses hash, kedjan och Merkle-trädet och jämför med det lagrade.</p>
<p><button type="button" class="knapp" id="verifiera" data-verify="${EXPORTS.verify}">Verifiera loggen</button></p>
<div id="verifieringsresultat" class="resultat" role="status" aria-live="polite" aria-atomic="true"></div>
</section>
${checkpointSection(options.checkpoint)}
<section aria-labelledby="exporter-rubrik">
<h2 id="exporter-rubrik">Exporter</h2>
${downloadList([{ href: EXPORTS.events, label: 'Hela loggen (JSON Lines)', note: 'förlustfri, med hashar; kan läsas in igen med dgr import' }])}
<h3>Tabeller (CSV)</h3>
<p class="hjalp">För Excel: semikolon, decimalkomma och BOM så att å, ä och ö visas rätt; en text som börjar med =, +, -, @, tabb eller vagnretur får en apostrof (') först så att Excel visar den i stället för att köra den som formel, och osynliga styrtecken visas som [U+202E]. Belopp är tal och ändras aldrig. För program: kommatecken och decimalpunkt, varje text exakt som den är lagrad (öppna inte den filen direkt i Excel).</p>
<ul class="nedladdningar">${[
    { what: 'Huvudboken', href: EXPORTS.ledgerCsv },
    { what: 'Parternas beslut', href: EXPORTS.decisionsCsv },
    { what: 'Initiativen', href: EXPORTS.initiativesCsv },
  ].map(
    (e) =>
      html`<li>${e.what}: <a href="${e.href(true)}">för Excel<span class="visually-hidden"> (${e.what.toLowerCase()})</span></a> · <a href="${e.href(false)}">för program<span class="visually-hidden"> (${e.what.toLowerCase()})</span></a></li>`,
  )}</ul>
<h3>SIE 4E per år</h3>
<p class="hjalp">Fondens delbok för bokföringssystemet; ett år som inte är stängt kan fortfarande ändras.</p>
${downloadList(years.map((y) => ({ href: EXPORTS.sie(y.year), label: `SIE ${y.year}`, note: y.closed ? 'stängt' : 'öppet' })))}
</section>
<section aria-labelledby="arsrapport-rubrik">
<h2 id="arsrapport-rubrik">Årsrapport till Värmlandsrådet</h2>
<ul class="nedladdningar">${years.map(({ year }) => {
    const y = String(year);
    return html`<li>${y}: <a href="${EXPORTS.annualReport(year, 'html')}">webbsida<span class="visually-hidden"> ${y}</span></a> · <a href="${EXPORTS.annualReport(year, 'md')}">Markdown<span class="visually-hidden"> ${y}</span></a> · <a href="${EXPORTS.annualReport(year, 'json')}">JSON<span class="visually-hidden"> ${y}</span></a></li>`;
  })}</ul>
</section>`;
};
