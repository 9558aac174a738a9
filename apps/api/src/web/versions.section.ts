/**
 * The versions of a proposal on the initiative page (issue 15, likalydande beslut): every version with its
 * date, text hash, reason and changed fields, the parties that must decide again, and a word-level diff of
 * any two versions, chosen with a plain GET form (`?fran=1&till=2`, no script needed).
 */
import type { ReadView } from '@dgr/application';
import { BASIS_FIELD_NAMES, partyName, type BasisField, type PartyId } from '@dgr/domain';
import { html, kronor, type RawHtml } from './html';
import { wordDiff } from './word-diff';

export type InitiativeVersionView = ReturnType<ReadView['getInitiativeVersion']>;

interface VersionsOf {
  readonly version: number;
  readonly textHash: string;
  readonly versions: readonly { version: number; textHash: string; revisedOn: string; reason: string | null; changes: readonly BasisField[] }[];
  readonly mustDecideAgain: readonly { party: PartyId; decidedVersion: number; currentVersion: number; outcome: string }[];
}


/** The two versions to compare, from the query: `fran` and `till`, each a version that exists; by default the last two. */
export const comparisonOf = (query: Record<string, unknown>, current: number): { from: number; to: number } | null => {
  if (current < 2) return null;
  const pick = (value: unknown, fallback: number): number =>
    typeof value === 'string' && /^[1-9]\d{0,5}$/.test(value) && Number(value) <= current ? Number(value) : fallback;
  return { from: pick(query.fran, current - 1), to: pick(query.till, current) };
};

/** A version's decision basis as the text the councils read, one field a line. */
export const basisText = (v: InitiativeVersionView): string =>
  [
    `Titel: ${v.title}`,
    `Sammanfattning: ${v.summary}`,
    `Sökt belopp: ${kronor(v.requestedAmountOre)}`,
    `Strategikopplingar: ${v.strategyLinks.length === 0 ? 'inga' : v.strategyLinks.map((l) => (l.goal ? `${l.area} – ${l.goal}` : l.area)).join('; ')}`,
    `Medfinansiering: ${v.coFinancing.length === 0 ? 'ingen' : v.coFinancing.map((c) => `${c.source} ${kronor(c.amountOre)}`).join('; ')}`,
    `Sista beslutsdag: ${v.decisionDeadline}`,
  ].join('\n');

/** The diff as HTML: removed words struck through and added ones underlined, each also said in words. */
export const diffHtml = (before: string, after: string): RawHtml =>
  html`<pre class="versionsdiff">${wordDiff(before, after).map((p) =>
    p.kind === 'same'
      ? p.text
      : p.kind === 'removed'
        ? html`<del><span class="visually-hidden">[borttaget: </span>${p.text}<span class="visually-hidden">]</span></del>`
        : html`<ins><span class="visually-hidden">[tillagt: </span>${p.text}<span class="visually-hidden">]</span></ins>`,
  )}</pre>`;

const versionOptions = (current: number, selected: number): RawHtml[] =>
  Array.from({ length: current }, (_, k) => k + 1).map(
    (n) => html`<option value="${String(n)}"${n === selected ? html` selected` : ''}>Version ${String(n)}</option>`,
  );

export const versionsSection = (
  id: string,
  i: VersionsOf,
  compared: { from: InitiativeVersionView; to: InitiativeVersionView } | null,
): RawHtml => html`<section aria-labelledby="versioner-rubrik" id="versioner">
<h2 id="versioner-rubrik">Versioner av förslaget</h2>
<p>Gällande version: <strong>version ${String(i.version)}</strong>, texthash <code class="texthash">${i.textHash}</code>. Bara godkännanden av den gällande versionen räknas mot konsensus (likalydande beslut).</p>
${
  i.mustDecideAgain.length === 0
    ? ''
    : html`<p class="notis" id="ska-besluta-igen"><strong>Ska besluta på nytt:</strong> ${i.mustDecideAgain
        .map((m) => `${partyName(m.party)} (${m.outcome === 'approved' ? 'godkände' : 'avslog'} version ${String(m.decidedVersion)})`)
        .join(', ')}.</p>`
}
<div class="tabell-ram" role="region" aria-labelledby="versioner-tabell" tabindex="0"><table id="versionstabell">
<caption id="versioner-tabell">Versioner</caption>
<thead><tr><th scope="col">Version</th><th scope="col">Datum</th><th scope="col">Ändrat</th><th scope="col">Skäl</th><th scope="col">Texthash</th></tr></thead>
<tbody>${i.versions.map(
  (v) => html`<tr data-version="${String(v.version)}"><th scope="row">Version ${String(v.version)}${v.version === i.version ? ' (gällande)' : ''}</th><td>${v.revisedOn}</td><td>${
    v.version === 1 ? 'förslaget som det lämnades' : v.changes.map((c) => BASIS_FIELD_NAMES[c]).join(', ')
  }</td><td>${v.reason ?? '–'}</td><td><code class="texthash">${v.textHash}</code></td></tr>`,
)}</tbody>
</table></div>
${
  compared === null
    ? ''
    : html`<h3 id="jamfor-rubrik">Jämför två versioner</h3>
<form class="filter" method="get" action="/initiativ/${id}#jamfor-rubrik" aria-labelledby="jamfor-rubrik">
<div class="falt"><label for="jamfor-fran">Från</label><select id="jamfor-fran" name="fran">${versionOptions(i.version, compared.from.version)}</select></div>
<div class="falt"><label for="jamfor-till">Till</label><select id="jamfor-till" name="till">${versionOptions(i.version, compared.to.version)}</select></div>
<div class="knappar"><button type="submit" class="knapp">Jämför</button></div>
</form>
<p id="jamforelse-text">Skillnader från version ${String(compared.from.version)} till version ${String(compared.to.version)}: borttagen text är överstruken, tillagd text understruken.</p>
${diffHtml(basisText(compared.from), basisText(compared.to))}`
}
</section>`;
