/**
 * Initiativ: one initiative's facts, strategy links, co-financing, every party's decision with its
 * dates and references, the grant and payments, outcome reports, the history of its events with who
 * recorded each, and the forms of the signed-in role's own actions on it.
 */
import {
  AUTHORITY,
  isPartyId,
  isRole,
  PARTIES,
  partyName,
  STRATEGY,
  type Actor,
  type PartyId,
  type WriteAction,
} from '@dgr/domain';
import type { ReadView } from '@dgr/application';
import { apiForm, OUTCOME_OPTIONS, type Field } from './forms';
import { html, kronor, longDate, shortDate, swedishDateTime, type RawHtml } from './html';
import { roleTitle } from './layout';
import { versionsSection, type InitiativeVersionView } from './versions.section';
import { BOOKING_TEXT, NOT_FINAL_TEXT, OUTCOME_TEXT, RECOMMENDATION_TEXT, STATUS_TEXT } from './words';

export type InitiativeDetail = ReturnType<ReadView['getInitiative']>;
export type InitiativeEventView = Awaited<ReturnType<ReadView['initiativeHistory']>>[number];
export type LedgerRowView = ReturnType<ReadView['ledger']>[number];
type DecisionView = InitiativeDetail['decisions'][number];

/** May `actor` take `action` at all (for some party)? The server decides each request again. */
export const may = (actor: Actor, action: WriteAction): boolean => AUTHORITY[action][actor.role] !== undefined;

const facts = (i: InitiativeDetail): RawHtml => html`<dl class="fakta">
<div><dt>Status</dt><dd><span class="status status-${i.status}">${STATUS_TEXT[i.status]}</span>${
  i.status === 'consensus' ? html` · ${i.finality.final ? `laga kraft från ${shortDate(i.finality.finalOn)}` : 'ännu inte laga kraft'}` : ''
}</dd></div>
<div><dt>Godkänt av</dt><dd>${String(i.consensus.approved.length)} av 17 parter${i.consensus.reachedOn ? ` · konsensus ${i.consensus.reachedOn}` : ''}</dd></div>
<div><dt>Lämnat av</dt><dd>${i.proposedByName}, ${i.proposedOn}</dd></div>
<div><dt>Sista beslutsdag</dt><dd>${i.decisionDeadline}${i.status === 'open' ? ` (${String(i.daysLeft)} ${i.daysLeft === 1 ? 'dag' : 'dagar'} kvar)` : ''}</dd></div>
<div><dt>Sökt belopp</dt><dd>${kronor(i.requestedAmountOre)}</dd></div>
<div><dt>Beviljat</dt><dd>${kronor(i.grantedOre)}</dd></div>
<div><dt>Utbetalt</dt><dd>${kronor(i.withdrawnOre)}</dd></div>
<div><dt>Återfört</dt><dd>${kronor(i.returnedOre)}</dd></div>
<div><dt>Trafikförsörjningsprogrammet</dt><dd>${i.transportProgramme ? 'Ja, möter dess prioriteringar' : 'Nej'}</dd></div>
</dl>
${i.cancellation ? html`<p class="notis"><strong>Återkallat ${i.cancellation.cancelledOn}:</strong> ${i.cancellation.reason}</p>` : ''}
${ruleViolations(i)}`;

/** Rules the log breaks about this initiative (a log written before ADR 0010 may hold such), by position. */
const ruleViolations = (i: InitiativeDetail): RawHtml | string =>
  (i.ruleViolations ?? []).length === 0
    ? ''
    : html`<div class="notis regelbrott" role="alert"><p><strong>Regelbrott i loggen:</strong> händelseloggen bryter mot verksamhetens regler för detta initiativ (<code>dgr verify</code> visar detsamma).</p>
<ul>${i.ruleViolations.map((v) => html`<li>Position ${String(v.position)} (${v.type}): ${v.description}.</li>`)}</ul></div>`;

const strategy = (i: InitiativeDetail): RawHtml => html`<h2>Värmlandsstrategin</h2>
${
  i.strategyLinks.length === 0
    ? html`<p>Inga kopplingar till Värmlandsstrategin.</p>`
    : html`<ul>${i.strategyLinks.map((l) => html`<li>${l.area}${l.goal ? html` – ${l.goal}` : ''}</li>`)}</ul>`
}`;

const coFinancing = (i: InitiativeDetail): RawHtml => html`<h2>Medfinansiering och uppväxling</h2>
${
  i.coFinancing.length === 0
    ? html`<p>Ingen medfinansiering angiven.</p>`
    : html`<div class="tabell-ram" role="region" aria-labelledby="medfinansiering-rubrik" tabindex="0"><table>
<caption id="medfinansiering-rubrik">Medfinansiering</caption>
<thead><tr><th scope="col">Källa</th><th scope="col" class="belopp">Belopp</th></tr></thead>
<tbody>${i.coFinancing.map((c) => html`<tr><td>${c.source}</td><td class="belopp">${kronor(c.amountOre)}</td></tr>`)}</tbody>
</table></div>`
}`;

const preparations = (i: InitiativeDetail): RawHtml => html`<h2>Beredning</h2>
${
  i.preparations.length === 0
    ? html`<p>Inte berett ännu.</p>`
    : html`<ul>${i.preparations.map(
        (p) => html`<li>${p.preparedOn}: ${p.preparedBy} ${RECOMMENDATION_TEXT[p.recommendation] ?? p.recommendation}${p.notes ? html` – ${p.notes}` : ''}</li>`,
      )}</ul>`
}`;

const legalText = (d: DecisionView): string => {
  if (d.annulledOn) return `Upphävt av domstol ${d.annulledOn}`;
  if (d.final) return `Laga kraft från ${shortDate(d.finalOn)}`;
  if (d.notFinal) return `Inte laga kraft: ${NOT_FINAL_TEXT[d.notFinal.reason]}${d.notFinal.until ? ` till ${d.notFinal.until}` : ''}`;
  return 'Inte laga kraft';
};

// ---------------------------------------------------------------------------------------------
// The minutes extract (protokollsutdrag) behind a decision: download for readers, upload for the party's clerk
// ---------------------------------------------------------------------------------------------

const evidencePath = (initiativeId: string, party: PartyId): string => `/api/initiatives/${initiativeId}/decisions/${party}/evidence`;

const fileSize = (bytes: number): string =>
  bytes < 1024 ? `${bytes} byte` : bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} kB` : `${(bytes / (1024 * 1024)).toFixed(1).replace('.', ',')} MB`;

/** The download link of a decision's evidence, with its size and hash (the start of it, the whole in the title). */
const evidenceLink = (initiativeId: string, d: DecisionView): RawHtml | string =>
  d.evidence
    ? html`<br><a class="bevis" href="${evidencePath(initiativeId, d.party)}" download>Protokollsutdrag (PDF, ${fileSize(d.evidence.bytes)})</a> <span class="hjalp">SHA-256 <code class="hash" title="${d.evidence.sha256}">${d.evidence.sha256.slice(0, 12)}…</code></span>`
    : '';

const evidenceForm = (i: InitiativeDetail, party: PartyId, own: DecisionView): RawHtml =>
  apiForm({
    id: 'protokollsutdrag',
    heading: `Protokollsutdrag för ${partyName(party)}s beslut`,
    intro: own.evidence
      ? `Ett utdrag är redan bifogat (${fileSize(own.evidence.bytes)}). En ny fil ersätter det; båda finns kvar i historiken.`
      : 'Bifoga utdraget ur protokollet som styrker beslutet, som PDF.',
    api: evidencePath(i.id, party),
    method: 'PUT',
    upload: true,
    redirect: `/initiativ/${i.id}`,
    submit: 'Bifoga utdraget',
    fields: [{ kind: 'file', name: 'file', label: 'PDF-fil', hint: 'Högst 10 MiB. Filens innehåll kontrolleras, inte bara namnet.', accept: 'application/pdf,.pdf', required: true }],
  });

const decisionRow = (initiativeId: string) => (d: DecisionView): RawHtml => html`<tr data-party="${d.party}">
<th scope="row">${d.partyName}</th>
<td><span class="utfall utfall-${d.outcome}"><span aria-hidden="true">${d.outcome === 'approved' ? '✓' : '✗'}</span> ${OUTCOME_TEXT[d.outcome]}</span><br><span class="hjalp">version ${String(d.proposalVersion)}</span>${d.countsTowardsConsensus ? '' : html`<br><span class="hjalp">räknas inte${d.notCountedReason === 'earlier-version' ? ': gäller en tidigare version' : ''}</span>`}</td>
<td>${d.decidedOn}</td>
<td>${d.body}, ${d.minuteReference}${d.caseNumber ? html`<br>Dnr ${d.caseNumber}` : ''}${evidenceLink(initiativeId, d)}</td>
<td>${shortDate(d.minutesApprovedOn)}${d.minutesLate ? html` <span class="hjalp">(sent)</span>` : ''} / ${shortDate(d.noticePostedOn)}</td>
<td>${legalText(d)}${d.appeals.map(
  (a) => html`<br>Överklagat ${a.lodgedOn} (${a.court}, mål ${a.caseNumber})${a.outcome ? `: ${a.outcome === 'upheld' ? 'beslutet står fast' : 'upphävt'} ${shortDate(a.decidedOn)}` : ''}`,
)}</td>
<td>${swedishDateTime(d.registeredAt)}${d.corrections.length > 0 ? html`<br>Rättat ${String(d.corrections.length)} gång(er): ${d.corrections[d.corrections.length - 1]!.reason}` : ''}</td>
</tr>`;

const decisions = (i: InitiativeDetail): RawHtml => {
  const decided = new Set(i.decisions.map((d) => d.party));
  const missing = i.consensus.missing.filter((p) => !decided.has(p));
  return html`<h2 id="beslut-rubrik">Parternas beslut</h2>
${
  i.decisions.length === 0
    ? html`<p>Ingen part har registrerat något beslut ännu.</p>`
    : html`<div class="tabell-ram" role="region" aria-labelledby="beslut-rubrik" tabindex="0"><table class="beslut">
<thead><tr><th scope="col">Part</th><th scope="col">Beslut</th><th scope="col">Beslutsdatum</th><th scope="col">Organ, paragraf, diarienummer</th><th scope="col">Justering / anslag</th><th scope="col">Laga kraft</th><th scope="col">Registrerat</th></tr></thead>
<tbody>${i.decisions.map(decisionRow(i.id))}</tbody>
</table></div>`
}
<p>${missing.length === 0 ? 'Alla parter har beslutat.' : html`Beslut saknas från: ${missing.map((p) => partyName(p)).join(', ')}.`}</p>`;
};

const money = (i: InitiativeDetail, bookings: readonly LedgerRowView[]): RawHtml => html`<h2 id="medel-rubrik">Beviljade medel och utbetalningar</h2>
<p>Beviljat ${kronor(i.grantedOre)} · utbetalt ${kronor(i.withdrawnOre)} · återfört ${kronor(i.returnedOre)}.</p>
${
  bookings.length === 0
    ? html`<p>Inga utbetalningar eller återföringar.</p>`
    : html`<div class="tabell-ram" role="region" aria-labelledby="medel-rubrik" tabindex="0"><table>
<thead><tr><th scope="col">Bokföringsdag</th><th scope="col">Slag</th><th scope="col" class="belopp">Belopp</th><th scope="col">Referens eller orsak</th></tr></thead>
<tbody>${bookings.map(
        (b) => html`<tr><td>${b.bookedOn}</td><td>${BOOKING_TEXT[b.type]}</td><td class="belopp">${kronor(b.amountOre)}</td><td>${b.reference ?? b.reason ?? ''}</td></tr>`,
      )}</tbody>
</table></div>`
}`;

const outcomeReports = (i: InitiativeDetail): RawHtml => html`<h2>Utfallsrapporter</h2>
${
  i.outcomeReports.length === 0
    ? html`<p>Inga utfallsrapporter ännu.</p>`
    : html`<ul>${i.outcomeReports.map((r) => html`<li><strong>${String(r.year)}:</strong> ${r.summary}</li>`)}</ul>`
}`;

const partyOf = (data: Record<string, unknown>): string => (isPartyId(data.party) ? partyName(data.party) : String(data.party ?? ''));

/** One event of the initiative's history in a Swedish sentence. */
export const describeEvent = (type: string, data: Record<string, unknown>): string => {
  const s = (v: unknown): string => (v === null || v === undefined ? '–' : String(v));
  switch (type) {
    case 'InitiativeProposed':
      return `Initiativet lämnades av ${partyOf({ party: data.proposedBy })} (${s(data.proposedOn)}), sökt belopp ${kronor(Number(data.requestedAmountOre ?? 0))}.`;
    case 'InitiativePrepared':
      return `Berett av ${s(data.preparedBy)} ${s(data.preparedOn)}: ${RECOMMENDATION_TEXT[String(data.recommendation)] ?? s(data.recommendation)}.`;
    case 'PartyDecisionRegistered':
      return `${partyOf(data)}: ${OUTCOME_TEXT[data.outcome as 'approved'] ?? s(data.outcome)} ${s(data.decidedOn)} (${s(data.body)}, ${s(data.minuteReference)}).`;
    case 'PartyDecisionCorrected':
      return `${partyOf(data)}: beslutet rättat till ${OUTCOME_TEXT[data.outcome as 'approved'] ?? s(data.outcome)} ${s(data.decidedOn)} (${s(data.minuteReference)}). Orsak: ${s(data.reason)}.`;
    case 'DecisionEvidenceAttached':
      return `${partyOf(data)}: protokollsutdrag bifogat (PDF, ${typeof data.bytes === 'number' ? fileSize(data.bytes) : s(data.bytes)}, SHA-256 ${s(data.sha256)}).`;
    case 'DecisionMinutesRecorded':
      return `${partyOf(data)}: justering ${s(data.minutesApprovedOn)}, anslag ${s(data.noticePostedOn)}${data.reason ? `. Orsak: ${s(data.reason)}` : ''}.`;
    case 'AppealLodged':
      return `${partyOf(data)}: beslutet överklagat till ${s(data.court)} (mål ${s(data.caseNumber)}) ${s(data.lodgedOn)}.`;
    case 'AppealDecided':
      return `${partyOf(data)}: domstolen ${data.outcome === 'annulled' ? 'upphävde beslutet' : 'lät beslutet stå fast'} ${s(data.decidedOn)} (mål ${s(data.caseNumber)}).`;
    case 'InitiativeRevised':
      return `Förslaget reviderades till version ${s(data.version)} ${s(data.revisedOn)} (texthash ${s(data.textHash)}). Skäl: ${s(data.reason)}.`;
    case 'InitiativeCancelled':
      return `Initiativet återkallades ${s(data.cancelledOn)}. Orsak: ${s(data.reason)}.`;
    case 'OutcomeReported':
      return `Utfallsrapport för ${s(data.year)}.`;
    case 'GrantReserved':
      return `Beviljande av ${kronor(Number(data.amountOre ?? 0))} reserverat ${s(data.decidedOn)} (${s(data.reference)}).`;
    case 'GrantReservationReleased':
      return `Reservationen för beviljande av ${kronor(Number(data.amountOre ?? 0))} släpptes: ${s(data.reason)}`;
    case 'GrantAwarded':
      return `Beviljat ${kronor(Number(data.amountOre ?? 0))} ur fonden ${s(data.decidedOn)} (${s(data.reference)}).`;
    case 'FundWithdrawn':
      return `Utbetalt ${kronor(Number(data.amountOre ?? 0))}, bokfört ${s(data.bookedOn)} (${s(data.reference)}).`;
    case 'FundReturned':
      return `Återfört till fonden ${kronor(Number(data.amountOre ?? 0))}, bokfört ${s(data.bookedOn)}. Orsak: ${s(data.reason)}.`;
    default:
      return type;
  }
};

const recordedBy = (actor: InitiativeEventView['metadata']['actor']): string => {
  if (!actor) return 'okänd (före inloggning)';
  const role = isRole(actor.role) ? roleTitle({ ...actor, role: actor.role, party: isPartyId(actor.party) ? actor.party : undefined }) : actor.role;
  return `${actor.name} (${role})`;
};

const timeline = (events: readonly InitiativeEventView[]): RawHtml => html`<h2>Historik</h2>
<ol class="tidslinje">${events.map(
  (e) => html`<li><p class="tid"><time datetime="${e.metadata.recordedAt}">${swedishDateTime(e.metadata.recordedAt)}</time> · registrerat av ${recordedBy(e.metadata.actor)}</p><p>${describeEvent(e.type, (e.data ?? {}) as Record<string, unknown>)}</p></li>`,
)}</ol>`;

// ---------------------------------------------------------------------------------------------
// The forms of the signed-in role
// ---------------------------------------------------------------------------------------------

const decisionFields = (party: PartyId, current?: DecisionView): Field[] => [
  { kind: 'radio', name: 'outcome', label: 'Beslut', options: OUTCOME_OPTIONS, required: true, value: current?.outcome },
  { kind: 'date', name: 'decidedOn', label: 'Beslutsdatum', hint: 'Dagen då fullmäktige (eller styrelsen) sammanträdde.', required: true, value: current?.decidedOn },
  { kind: 'text', name: 'body', label: 'Beslutande organ', required: true, value: current?.body ?? (party === '17' ? 'regionfullmäktige' : 'kommunfullmäktige') },
  { kind: 'text', name: 'minuteReference', label: 'Paragraf i protokollet', hint: 'Till exempel § 112.', required: true, value: current?.minuteReference },
  { kind: 'text', name: 'caseNumber', label: 'Diarienummer', value: current?.caseNumber ?? undefined },
];

/** Which version the council decided on: the current one unless the clerk says an earlier one (then not counted). */
const versionField = (i: InitiativeDetail, decided: number): Field[] => {
  if (i.version < 2) return [];
  const older = i.versions.filter((v) => v.version < i.version && v.version > decided);
  return [
    {
      kind: 'select',
      name: 'proposalVersion',
      label: 'Version som fullmäktige beslutade om',
      hint: 'Ett beslut om en tidigare version registreras på den versionen men räknas inte mot konsensus.',
      dataType: 'int',
      options: [
        { value: '', label: `Version ${String(i.version)} (gällande)` },
        ...older.map((v) => ({ value: String(v.version), label: `Version ${String(v.version)}` })),
      ],
    },
  ];
};

const clerkForms = (i: InitiativeDetail, actor: Actor): RawHtml[] => {
  const party = actor.party;
  if (!party || i.cancellation) return [];
  const own = i.decisions.find((d) => d.party === party);
  const api = `/api/initiatives/${i.id}`;
  // A party that decided an earlier version of the proposal decides again (issue 15).
  if (!own || own.proposalVersion < i.version)
    return [
      apiForm({
        id: 'registrera-beslut',
        heading: `Registrera ${partyName(party)}s beslut`,
        intro: html`Beslutet registreras på <strong>version ${String(i.version)}</strong> av förslaget, texthash <code class="texthash">${i.textHash}</code>. Jämför med texten i protokollet.${
          own ? ` ${partyName(party)} beslutade om version ${String(own.proposalVersion)}, som inte längre gäller.` : ''
        }`,
        api: `${api}/decisions`,
        redirect: `/initiativ/${i.id}`,
        submit: 'Registrera beslutet',
        fields: [
          { kind: 'fixed', name: 'party', label: 'Part', value: party, shown: partyName(party) },
          // The hash the clerk is shown: a registration after a revision the page did not show is refused (409).
          { kind: 'hidden', name: 'textHash', value: i.textHash },
          ...versionField(i, own?.proposalVersion ?? 0),
          ...decisionFields(party),
          { kind: 'date', name: 'minutesApprovedOn', label: 'Justering', hint: 'Dagen då protokollet justerades, om det har skett.' },
          { kind: 'date', name: 'noticePostedOn', label: 'Anslag', hint: 'Dagen då justeringen anslogs på anslagstavlan, om det har skett.' },
        ],
      }),
    ];
  return [
    apiForm({
      id: 'justering',
      heading: `Justering och anslag för ${partyName(party)}s beslut`,
      api: `${api}/decisions/${party}/minutes`,
      redirect: `/initiativ/${i.id}`,
      submit: 'Spara datumen',
      fields: [
        { kind: 'date', name: 'minutesApprovedOn', label: 'Justering', value: own.minutesApprovedOn ?? undefined },
        { kind: 'date', name: 'noticePostedOn', label: 'Anslag', hint: 'Överklagandetiden (tre veckor) räknas från anslaget.', value: own.noticePostedOn ?? undefined },
        { kind: 'text', name: 'reason', label: 'Orsak', hint: 'Krävs bara för att ändra ett datum som redan är registrerat.' },
      ],
    }),
    apiForm({
      id: 'ratta-beslut',
      heading: `Rätta ${partyName(party)}s beslut`,
      intro: 'En rättelse ersätter inte det tidigare: båda finns kvar i historiken.',
      api: `${api}/decisions/${party}/correction`,
      redirect: `/initiativ/${i.id}`,
      submit: 'Rätta beslutet',
      fields: [{ kind: 'textarea', name: 'reason', label: 'Varför var registreringen fel?', required: true }, ...decisionFields(party, own)],
    }),
    evidenceForm(i, party, own),
  ];
};

const secretariatForms = (i: InitiativeDetail): RawHtml[] => {
  const api = `/api/initiatives/${i.id}`;
  const redirect = `/initiativ/${i.id}`;
  const forms = [
    apiForm({
      id: 'beredning',
      heading: 'Registrera beredning',
      api: `${api}/preparation`,
      redirect,
      submit: 'Spara beredningen',
      fields: [
        { kind: 'select', name: 'preparedBy', label: 'Berett av', options: [{ value: 'VRAU', label: 'VRAU' }, { value: 'VRAG', label: 'VRAG' }], required: true },
        { kind: 'date', name: 'preparedOn', label: 'Datum', required: true },
        {
          kind: 'select',
          name: 'recommendation',
          label: 'Rekommendation',
          options: [
            { value: 'approve', label: 'Tillstyrker' },
            { value: 'reject', label: 'Avstyrker' },
            { value: 'none', label: 'Ingen rekommendation' },
          ],
          required: true,
        },
        { kind: 'textarea', name: 'notes', label: 'Anteckningar' },
      ],
    }),
    apiForm({
      id: 'utfallsrapport',
      heading: 'Registrera utfallsrapport',
      api: `${api}/outcome-reports`,
      redirect,
      submit: 'Spara rapporten',
      fields: [
        { kind: 'text', name: 'year', label: 'År', dataType: 'int', inputMode: 'numeric', required: true },
        { kind: 'textarea', name: 'summary', label: 'Vad insatsen har åstadkommit', required: true },
      ],
    }),
  ];
  if (!i.cancellation && i.grantedOre === 0)
    forms.push(
      apiForm({
        id: 'revidera',
        heading: 'Revidera förslaget',
        intro: `Gällande version ${String(i.version)}. En ny version gör att parter som redan beslutat måste besluta på nytt. Ange bara det som ändras.`,
        api: `${api}/revisions`,
        redirect,
        submit: 'Spara ny version',
        fields: [
          { kind: 'textarea', name: 'reason', label: 'Skäl för ändringen', required: true },
          { kind: 'date', name: 'revisedOn', label: 'Datum', hint: 'Utan värde: i dag.' },
          { kind: 'text', name: 'title', label: 'Titel', value: i.title },
          { kind: 'textarea', name: 'summary', label: 'Sammanfattning', value: i.summary },
          { kind: 'text', name: 'requestedAmountOre', label: 'Sökt belopp (kr)', hint: `Nu ${kronor(i.requestedAmountOre)}. Lämna tomt för oförändrat.`, dataType: 'kronor', inputMode: 'decimal' },
          { kind: 'date', name: 'decisionDeadline', label: 'Sista beslutsdag', value: i.decisionDeadline },
        ],
      }),
    );
  if (!i.cancellation)
    forms.push(
      apiForm({
        id: 'aterkalla',
        heading: 'Återkalla initiativet',
        api: `${api}/cancellation`,
        redirect,
        submit: 'Återkalla',
        fields: [
          { kind: 'textarea', name: 'reason', label: 'Orsak', required: true },
          { kind: 'date', name: 'cancelledOn', label: 'Datum', required: true },
        ],
      }),
    );
  return forms;
};

const financeForms = (i: InitiativeDetail): RawHtml[] =>
  i.grantedOre > 0 || i.status !== 'consensus'
    ? []
    : [
        apiForm({
          id: 'bevilja',
          heading: 'Bevilja medel',
          intro: `Initiativet har konsensus. Sökt belopp: ${kronor(i.requestedAmountOre)}.`,
          api: `/api/initiatives/${i.id}/grant`,
          redirect: `/initiativ/${i.id}`,
          submit: 'Bevilja',
          fields: [
            { kind: 'text', name: 'amountOre', label: 'Belopp (kr)', hint: 'Till exempel 1 250 000 eller 1 250 000,50.', dataType: 'kronor', inputMode: 'decimal', required: true },
            { kind: 'date', name: 'decidedOn', label: 'Beslutsdatum', required: true },
            { kind: 'text', name: 'reference', label: 'Referens', hint: 'Till exempel Region Värmlands diarienummer.', required: true },
          ],
        }),
      ];

/** The forms this actor's role may use on this initiative (the domain's authority table decides). */
export const formsFor = (i: InitiativeDetail, actor: Actor): RawHtml[] => [
  ...(may(actor, 'register-decision') ? clerkForms(i, actor) : []),
  ...(may(actor, 'prepare-initiative') ? secretariatForms(i) : []),
  ...(may(actor, 'award-grant') ? financeForms(i) : []),
];

export const initiativeBody = (options: {
  readonly initiative: InitiativeDetail;
  readonly events: readonly InitiativeEventView[];
  readonly bookings: readonly LedgerRowView[];
  readonly actor: Actor;
  /** The two versions compared on the page (issue 15), when there are two. */
  readonly compared?: { from: InitiativeVersionView; to: InitiativeVersionView } | null;
}): RawHtml => {
  const i = options.initiative;
  const forms = formsFor(i, options.actor);
  return html`<p class="brodsmulor"><a href="/">Översikt</a> › ${i.title}</p>
<h1>${i.title}</h1>
<p class="ingress">${i.summary}</p>
${facts(i)}
${versionsSection(i.id, i, options.compared ?? null)}
${forms.length > 0 ? html`<section class="atgarder" aria-labelledby="atgarder-rubrik"><h2 id="atgarder-rubrik">Dina åtgärder</h2><div class="formular-lista">${forms}</div></section>` : ''}
${decisions(i)}
${preparations(i)}
${strategy(i)}
${coFinancing(i)}
${money(i, options.bookings)}
${outcomeReports(i)}
${timeline(options.events)}`;
};

// ---------------------------------------------------------------------------------------------
// The propose page
// ---------------------------------------------------------------------------------------------

const strategyOptions = Object.entries(STRATEGY).flatMap(([area, goals]) => [
  { value: JSON.stringify({ area }), label: `${area} (hela insatsområdet)` },
  ...goals.map((goal) => ({ value: JSON.stringify({ area, goal }), label: `${area} – ${goal}` })),
]);

export const proposeBody = (actor: Actor, today: string): RawHtml => {
  const own = AUTHORITY['propose-initiative'][actor.role] === 'own';
  const partyField: Field =
    own && actor.party
      ? { kind: 'fixed', name: 'proposedBy', label: 'Lämnas av', value: actor.party, shown: partyName(actor.party) }
      : {
          kind: 'select',
          name: 'proposedBy',
          label: 'Lämnas av',
          required: true,
          options: [{ value: '', label: 'Välj part' }, ...PARTIES.map((p) => ({ value: p.id, label: p.name }))],
        };
  return html`<p class="brodsmulor"><a href="/">Översikt</a> › Nytt initiativ</p>
<h1>Lämna ett nytt initiativ</h1>
<p class="ingress">Ett initiativ ska gälla hela Värmland, utgå från Värmlandsstrategin eller Trafikförsörjningsprogrammet, och kräver alla 17 parters godkännande före sista beslutsdag (${longDate(`${today.slice(0, 4)}-12-31`)} om inget annat anges).</p>
${apiForm({
  id: 'nytt-initiativ',
  heading: 'Uppgifter om initiativet',
  api: '/api/initiatives',
  redirect: '/initiativ/{id}',
  submit: 'Lämna initiativet',
  fields: [
    { kind: 'text', name: 'title', label: 'Titel', required: true },
    { kind: 'textarea', name: 'summary', label: 'Sammanfattning', required: true },
    partyField,
    { kind: 'date', name: 'proposedOn', label: 'Datum', required: true, value: today },
    { kind: 'text', name: 'requestedAmountOre', label: 'Sökt belopp (kr)', hint: 'Till exempel 30 000 000.', dataType: 'kronor', inputMode: 'decimal', required: true },
    { kind: 'checkboxes', name: 'strategyLinks', label: 'Koppling till Värmlandsstrategin', options: strategyOptions },
    { kind: 'checkbox', name: 'transportProgramme', label: 'Möter Trafikförsörjningsprogrammets prioriteringar (målbild 2040)' },
    { kind: 'text', name: 'coFinancing.0.source', label: 'Medfinansiär', hint: 'Valfritt: till exempel Tillväxtverket eller EU:s regionalfond.' },
    { kind: 'text', name: 'coFinancing.0.amountOre', label: 'Medfinansiering (kr)', dataType: 'kronor', inputMode: 'decimal' },
    { kind: 'date', name: 'decisionDeadline', label: 'Sista beslutsdag', hint: 'Utan värde: 31 december det år initiativet lämnas.' },
  ],
})}`;
};

