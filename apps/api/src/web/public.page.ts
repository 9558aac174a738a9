/**
 * The public pages (/publikt, docs/public.md): what the parties decide about the common money, for
 * anyone, without sign-in. They render only the minimised public view (apps/api/src/public/public-view.ts):
 * organisations and roles, never the people who recorded anything, and no free-text reasons or notes.
 */
import { PARTIES, partyName } from '@dgr/domain';
import type { Checkpoint } from '@dgr/audit';
import type { PublicBooking, PublicDecision, PublicFund, PublicFundYear, PublicInitiative, PublicInitiativeSummary } from '../public/public-view';
import { fundChart, ledgerPaging, yearsTable } from './fund.page';
import { days, html, kronor, longDate, shortDate, swedishDateTime, type RawHtml } from './html';
import type { NavEntry } from './layout';
import { matrixCell, OVERVIEW_PAGE_SIZE } from './overview.page';
import { pageLink, pager, shownText } from './pager';
import { BOOKING_TEXT, NOT_FINAL_TEXT, OUTCOME_TEXT, RECOMMENDATION_TEXT, STATUS_TEXT } from './words';

export const PUBLIC_NAVIGATION: readonly NavEntry[] = [
  { key: 'publikt', href: '/publikt', label: 'Initiativ och beslut' },
  { key: 'publikt-fonden', href: '/publikt/fonden', label: 'Fonden' },
  { key: 'publikt-kontrollpunkt', href: '/publikt/kontrollpunkt', label: 'Kontrollpunkt' },
  { key: 'logga-in', href: '/logga-in', label: 'Logga in' },
];

const statusBadge = (i: PublicInitiativeSummary): RawHtml =>
  html`<span class="status status-${i.status}">${STATUS_TEXT[i.status]}</span>${
    i.status === 'consensus' ? html`<br><span class="lk-status">${i.finality.final ? 'laga kraft' : 'ej laga kraft'}</span>` : ''
  }`;

const deadline = (i: PublicInitiativeSummary): RawHtml =>
  html`<span class="datum">${i.decisionDeadline}</span><br><span class="kvar">${i.status === 'open' || i.daysLeft > 0 ? `${days(i.daysLeft)} kvar` : 'passerad'}</span>`;

const row = (i: PublicInitiativeSummary): RawHtml => html`<tr data-initiative="${i.id}">
<th scope="row" class="initiativ-namn"><a href="/publikt/initiativ/${i.id}">${i.title}</a><span class="antal">${String(i.consensus.approved.length)} av 17 godkänt</span></th>
<td>${statusBadge(i)}</td>
<td class="deadline">${deadline(i)}</td>
<td class="belopp">${kronor(i.grantedOre)}</td>
<td class="belopp">${kronor(i.withdrawnOre)}</td>
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

const openData = html`<section aria-labelledby="oppna-data-rubrik">
<h2 id="oppna-data-rubrik">Öppna data</h2>
<p>Samma uppgifter maskinläsbart, fritt att använda (se licensen i katalogen):</p>
<ul class="nedladdningar">
<li><a href="/api/public/initiatives">Initiativen (JSON)</a></li>
<li><a href="/api/public/decisions.csv">Parternas beslut (CSV, ett beslut per rad)</a></li>
<li><a href="/api/public/fund">Fonden och huvudboken (JSON)</a> · <a href="/api/public/fund/years">fondens år (JSON)</a></li>
<li><a href="/api/public/checkpoint">Loggens signerade kontrollpunkt (JSON)</a></li>
<li><a href="/api/public/catalog.jsonld">Datakatalogen (DCAT-AP-SE, JSON-LD)</a></li>
</ul>
</section>`;

const minimisationNote = html`<p class="hjalp">Sidorna visar organisationer och roller, aldrig namn på de personer som registrerat uppgifterna. Motiveringar och anteckningar i fritext visas inte; de kan begäras ut som allmänna handlingar hos respektive part.</p>`;

export const publicOverviewBody = (options: {
  /** One page of the initiatives (OVERVIEW_PAGE_SIZE), how many there are, and which page (from 1). */
  readonly initiatives: { readonly rows: readonly PublicInitiativeSummary[]; readonly total: number; readonly page: number };
  readonly fund: PublicFund;
  readonly today: string;
}): RawHtml => {
  const f = options.fund;
  const { rows, total, page } = options.initiatives;
  const pageText =
    total <= rows.length ? `${String(total)} initiativ.` : shownText({ total, size: OVERVIEW_PAGE_SIZE, page, shown: rows.length, what: 'initiativ' });
  return html`<h1>De gemensamma resurserna – beslut och pengar</h1>
<p class="ingress">Region Värmland och Värmlands 16 kommuner beslutar i konsensus om de gemensamma resurserna (DGR). Här syns varje initiativ, varje parts beslut och fondens pengar per ${longDate(options.today)}.</p>
${minimisationNote}
<dl class="nyckeltal" id="nyckeltal">
<div><dt>Fondens saldo</dt><dd>${kronor(f.balanceOre)}</dd></div>
<div><dt>Beviljat, ej utbetalt</dt><dd>${kronor(f.committedOre)}</dd></div>
<div><dt>Disponibelt</dt><dd>${kronor(f.availableOre)}</dd></div>
</dl>
<p id="antal-initiativ">${pageText}</p>
${legend}
${
  rows.length === 0
    ? html`<p>Inga initiativ ännu.</p>`
    : html`<h2 id="matris-rubrik" class="matris-rubrik">Beslutsmatris</h2>
<p class="hjalp matris-tips">Tabellen rullar i sidled: initiativen står kvar till vänster.</p>
<div class="matris-ram" role="region" aria-labelledby="matris-rubrik" tabindex="0">
<table class="matris" id="matris">
<caption class="visually-hidden">Beslutsmatris: initiativ, status, sista beslutsdag, pengar och parternas beslut</caption>
<thead><tr><th scope="col" class="initiativ-namn">Initiativ</th><th scope="col">Status</th><th scope="col">Sista beslutsdag</th><th scope="col" class="belopp">Beviljat</th><th scope="col" class="belopp">Utbetalt</th>${PARTIES.map(
        (p) => html`<th scope="col" class="part">${p.name}</th>`,
      )}</tr></thead>
<tbody>
${rows.map(row)}
</tbody>
</table>
</div>
${pager({ total, size: OVERVIEW_PAGE_SIZE, page, hrefOf: (n) => pageLink('/publikt', n), label: 'Sidor i matrisen' })}`
}
${openData}`;
};

const legalText = (d: PublicDecision): string => {
  if (d.annulledOn) return `Upphävt av domstol ${d.annulledOn}`;
  if (d.final) return `Laga kraft från ${shortDate(d.finalOn)}`;
  if (d.notFinal) return `Inte laga kraft: ${NOT_FINAL_TEXT[d.notFinal.reason]}${d.notFinal.until ? ` till ${d.notFinal.until}` : ''}`;
  return 'Inte laga kraft';
};

const decisionRow = (d: PublicDecision): RawHtml => html`<tr data-party="${d.party}">
<th scope="row">${d.partyName}</th>
<td><span class="utfall utfall-${d.outcome}"><span aria-hidden="true">${d.outcome === 'approved' ? '✓' : '✗'}</span> ${OUTCOME_TEXT[d.outcome]}</span>${d.countsTowardsConsensus ? '' : html`<br><span class="hjalp">räknas inte</span>`}</td>
<td>${d.decidedOn}</td>
<td>${d.body}</td>
<td>${d.minuteReference}</td>
<td>${d.caseNumber ?? '–'}</td>
<td>${shortDate(d.minutesApprovedOn)} / ${shortDate(d.noticePostedOn)}</td>
<td>${legalText(d)}${d.appeals.map(
  (a) => html`<br>Överklagat ${a.lodgedOn} (${a.court}, mål ${a.caseNumber})${a.outcome ? `: ${a.outcome === 'upheld' ? 'beslutet står fast' : 'upphävt'} ${shortDate(a.decidedOn)}` : ''}`,
)}</td>
<td>${
  d.earlierVersions.length === 0
    ? '–'
    : d.earlierVersions.map(
        (v) => html`<span class="version">${OUTCOME_TEXT[v.outcome]} ${v.decidedOn}, ${v.body} ${v.minuteReference} (ersatt ${v.replacedOn})</span><br>`,
      )
}</td>
</tr>`;

const bookingsTable = (id: string, caption: string, rows: readonly PublicBooking[], titles?: ReadonlyMap<string, string>): RawHtml =>
  rows.length === 0
    ? html`<p>Inga bokningar.</p>`
    : html`<div class="tabell-ram" role="region" aria-labelledby="${id}-rubrik" tabindex="0"><table id="${id}">
<caption id="${id}-rubrik">${caption}</caption>
<thead><tr><th scope="col">Bokföringsdag</th><th scope="col">Slag</th><th scope="col" class="belopp">Belopp</th>${titles ? html`<th scope="col">Initiativ eller källa</th>` : ''}<th scope="col">Verifikation</th><th scope="col" class="belopp">Saldo efter</th></tr></thead>
<tbody>${rows.map(
        (b) => html`<tr data-position="${String(b.position)}"><td>${b.bookedOn}</td><td>${BOOKING_TEXT[b.type]}</td><td class="belopp">${b.type === 'FundWithdrawn' ? '−' : ''}${kronor(b.amountOre)}</td>${
          titles ? html`<td>${b.initiativeId ? html`<a href="/publikt/initiativ/${b.initiativeId}">${titles.get(b.initiativeId) ?? b.initiativeId}</a>` : (b.source ?? '')}</td>` : ''
        }<td>${b.reference ?? '–'}</td><td class="belopp">${kronor(b.balanceAfterOre)}</td></tr>`,
      )}</tbody>
</table></div>`;

const HISTORY_TEXT: Record<string, string> = {
  InitiativeProposed: 'Initiativet lämnades in',
  InitiativePrepared: 'Initiativet bereddes',
  PartyDecisionRegistered: 'Ett beslut registrerades',
  PartyDecisionCorrected: 'Ett beslut rättades',
  DecisionMinutesRecorded: 'Justering eller anslag registrerades',
  DecisionEvidenceAttached: 'Ett protokollsutdrag bifogades',
  AppealLodged: 'Ett överklagande registrerades',
  AppealDecided: 'En dom i ett överklagande registrerades',
  InitiativeCancelled: 'Initiativet återkallades',
  InitiativeRevised: 'Förslaget reviderades (en ny version)',
  OutcomeReported: 'En utfallsrapport lämnades',
  GrantAwarded: 'Medel beviljades',
  FundWithdrawn: 'En utbetalning bokades',
  FundReturned: 'En återföring bokades',
};

export const publicInitiativeBody = (i: PublicInitiative): RawHtml => {
  const decided = new Set(i.decisions.map((d) => d.party));
  const missing = i.consensus.missing.filter((p) => !decided.has(p));
  return html`<p class="brodsmulor"><a href="/publikt">Alla initiativ</a></p>
<h1>${i.title}</h1>
<p class="ingress">${i.summary}</p>
<dl class="fakta">
<div><dt>Status</dt><dd><span class="status status-${i.status}">${STATUS_TEXT[i.status]}</span>${
    i.status === 'consensus' ? html` · ${i.finality.final ? `laga kraft från ${shortDate(i.finality.finalOn)}` : 'ännu inte laga kraft'}` : ''
  }${i.cancelledOn ? html` · återkallat ${i.cancelledOn}` : ''}</dd></div>
<div><dt>Godkänt av</dt><dd>${String(i.consensus.approved.length)} av 17 parter${i.consensus.reachedOn ? ` · konsensus ${i.consensus.reachedOn}` : ''}</dd></div>
<div><dt>Lämnat av</dt><dd>${i.proposedByName}, ${i.proposedOn}</dd></div>
<div><dt>Sista beslutsdag</dt><dd>${i.decisionDeadline}${i.status === 'open' ? ` (${days(i.daysLeft)} kvar)` : ''}</dd></div>
<div><dt>Sökt belopp</dt><dd>${kronor(i.requestedAmountOre)}</dd></div>
<div><dt>Beviljat</dt><dd id="beviljat">${kronor(i.grantedOre)}</dd></div>
<div><dt>Utbetalt</dt><dd id="utbetalt">${kronor(i.withdrawnOre)}</dd></div>
<div><dt>Återfört</dt><dd id="aterfort">${kronor(i.returnedOre)}</dd></div>
<div><dt>Trafikförsörjningsprogrammet</dt><dd>${i.transportProgramme ? 'Ja, möter dess prioriteringar' : 'Nej'}</dd></div>
</dl>
<h2>Värmlandsstrategin</h2>
${i.strategyLinks.length === 0 ? html`<p>Inga kopplingar till Värmlandsstrategin.</p>` : html`<ul>${i.strategyLinks.map((l) => html`<li>${l.area}${l.goal ? html` – ${l.goal}` : ''}</li>`)}</ul>`}
<h2>Medfinansiering och uppväxling</h2>
${i.coFinancing.length === 0 ? html`<p>Ingen medfinansiering angiven.</p>` : html`<ul>${i.coFinancing.map((c) => html`<li>${c.source}: ${kronor(c.amountOre)}</li>`)}</ul>`}
<h2>Beredning</h2>
${
  i.preparations.length === 0
    ? html`<p>Inte berett ännu.</p>`
    : html`<ul>${i.preparations.map((p) => html`<li>${p.preparedOn}: ${p.preparedBy} ${RECOMMENDATION_TEXT[p.recommendation] ?? p.recommendation}</li>`)}</ul>`
}
<h2 id="beslut-rubrik">Parternas beslut</h2>
${
  i.decisions.length === 0
    ? html`<p>Ingen part har registrerat något beslut ännu.</p>`
    : html`<div class="tabell-ram" role="region" aria-labelledby="beslut-rubrik" tabindex="0"><table class="beslut" id="beslut">
<thead><tr><th scope="col">Part</th><th scope="col">Beslut</th><th scope="col">Beslutsdatum</th><th scope="col">Organ</th><th scope="col">Paragraf</th><th scope="col">Diarienummer</th><th scope="col">Justering / anslag</th><th scope="col">Laga kraft</th><th scope="col">Tidigare versioner</th></tr></thead>
<tbody>${i.decisions.map(decisionRow)}</tbody>
</table></div>`
}
<p>${missing.length === 0 ? 'Alla parter har beslutat.' : `Beslut saknas från: ${missing.map((p) => partyName(p)).join(', ')}.`}</p>
<h2 id="medel-rubrik">Pengar</h2>
<p>Beviljat ${kronor(i.grantedOre)} · utbetalt ${kronor(i.withdrawnOre)} · återfört ${kronor(i.returnedOre)}.</p>
${bookingsTable('bokningar', 'Utbetalningar och återföringar', i.bookings)}
<h2>Utfallsrapporter</h2>
<p>${i.outcomeReportYears.length === 0 ? 'Inga utfallsrapporter ännu.' : `VRAG har rapporterat utfallet för ${i.outcomeReportYears.join(', ')}. Rapporterna kan begäras ut från sekretariatet.`}</p>
<h2 id="historik-rubrik">Historik</h2>
<div class="tabell-ram" role="region" aria-labelledby="historik-rubrik" tabindex="0"><table id="historik">
<thead><tr><th scope="col">Position i loggen</th><th scope="col">Datum</th><th scope="col">Vad</th><th scope="col">Registrerat av</th></tr></thead>
<tbody>${i.history.map(
    (h) => html`<tr><td>${String(h.position)}</td><td>${h.recordedOn}</td><td>${HISTORY_TEXT[h.type] ?? h.type}</td><td>${h.recordedBy}</td></tr>`,
  )}</tbody>
</table></div>
${minimisationNote}
<p><a href="/api/public/initiatives/${i.id}">Initiativet som JSON</a></p>`;
};

export const publicFundBody = (options: {
  /** The fund, with one page of its ledger. */
  readonly fund: PublicFund;
  /** How many bookings there are in all, and the ledger's page (from 1). */
  readonly ledger: { readonly total: number; readonly page: number };
  readonly years: readonly PublicFundYear[];
  /** The titles of the initiatives the ledger's page names. */
  readonly titles: ReadonlyMap<string, string>;
}): RawHtml => {
  const f = options.fund;
  const paging = ledgerPaging({ rows: f.ledger, ...options.ledger }, '/publikt/fonden');
  return html`<h1>Fonden</h1>
<p class="ingress">De gemensamma resurserna hålls av Region Värmland som en särskilt redovisad fond. Varje år rapporteras fondens utgående balans och förändringen till Värmlandsrådet.</p>
<dl class="nyckeltal" id="nyckeltal">
<div><dt>Saldo</dt><dd id="saldo">${kronor(f.balanceOre)}</dd></div>
<div><dt>Beviljat, ej utbetalt</dt><dd>${kronor(f.committedOre)}</dd></div>
<div><dt>Disponibelt</dt><dd>${kronor(f.availableOre)}</dd></div>
</dl>
<h2>Utgående balans och förändring per år</h2>
${options.years.length === 0 ? html`<p>Inga bokningar ännu.</p>` : html`<div class="diagram-och-tabell">${fundChart(options.years)}${yearsTable(options.years)}</div>`}
<h2>Huvudbok</h2>
${options.ledger.total > 0 && f.ledger.length === 0 ? paging.count : bookingsTable('huvudbok', 'Huvudbok: varje bokning i fonden', f.ledger, options.titles)}
${f.ledger.length > 0 ? html`${paging.count}${paging.pager}` : ''}
<p class="hjalp">Återföringarnas motiveringar visas inte (fritext som kan innehålla namn).</p>
<p><a href="/api/public/fund">Fonden som JSON</a> · <a href="/api/public/fund/years">Åren som JSON</a></p>`;
};

export const publicCheckpointBody = (options: { readonly checkpoint: Checkpoint; readonly publicKeyPem: string; readonly origin: string }): RawHtml => {
  const c = options.checkpoint;
  return html`<h1>Loggens kontrollpunkt</h1>
<p class="ingress">Allt som registreras i DGR hamnar i en logg som bara kan växa. Loggens storlek och Merkle-rot signeras med tjänstens nyckel. Den som sparar en kontrollpunkt kan senare kontrollera att inget i loggen fram till den har ändrats, tagits bort eller flyttats.</p>
<section aria-labelledby="kontrollpunkt-rubrik">
<h2 id="kontrollpunkt-rubrik">Senaste signerade kontrollpunkt</h2>
<dl class="fakta kontrollpunkt" id="kontrollpunkt">
<div><dt>Ursprung</dt><dd><code>${c.origin}</code></dd></div>
<div><dt>Antal händelser</dt><dd id="storlek">${String(c.size)}</dd></div>
<div><dt>Merkle-rot</dt><dd><code class="hash">${c.root}</code></dd></div>
<div><dt>Senast registrerat</dt><dd>${swedishDateTime(c.at)}</dd></div>
<div><dt>Signatur (Ed25519)</dt><dd><code class="hash">${c.signature}</code></dd></div>
</dl>
<p><a href="/api/public/checkpoint">Kontrollpunkten och nyckeln som JSON</a></p>
<h3 id="nyckel-rubrik">Publik nyckel</h3>
<pre class="nyckel" role="region" aria-labelledby="nyckel-rubrik" tabindex="0">${options.publicKeyPem}</pre>
</section>
<section class="verifiera-steg" aria-labelledby="verifiera-rubrik">
<h2 id="verifiera-rubrik">Så verifierar du</h2>
<ol>
<li>Installera Node.js och hämta DGR:s källkod, eller använd ett verktyg för RFC 6962 (Merkle-träd) och Ed25519.</li>
<li>Kör <code>npx dgr verify-public &lt;tjänstens adress&gt;</code>. Första gången sparas nyckeln och kontrollpunkten lokalt; jämför nyckeln med den som Region Värmland publicerat i Värmlandsrådets protokoll.</li>
<li>Kör samma kommando igen senare: det kontrollerar signaturen mot den sparade nyckeln och att den nya loggen innehåller den gamla oförändrad (ett konsistensbevis från <code>/api/public/consistency</code>).</li>
<li>Spara en kontrollpunkt i månaden i diariet; den är ert eget bevis på hur loggen såg ut.</li>
</ol>
<p class="hjalp">Signaturen gäller exakt texten <code>ursprung + "\\n" + antal + "\\n" + rot + "\\n"</code>; den kan också kontrolleras med <code>openssl pkeyutl -verify</code>.</p>
</section>`;
};
