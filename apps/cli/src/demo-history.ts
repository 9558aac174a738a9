import { addDays, lastDayOfYear, MSEK, PARTY_IDS, partyName, yearOf, type PartyId } from '@dgr/domain';

/**
 * A realistic demo history, as plain steps for the command bus: the 2021 agreement itself decided by
 * all 17 parties before 2021-12-31, the deposits of 55, 101 and 44 MSEK in 2022, and initiatives
 * 2022–2025 in every state (consensus, blocked, lapsed, open, cancelled), some granted and paid out,
 * one with money returned. Everything is dated relative to `today` only where it must be (the open one).
 */

export type DemoStep =
  | { kind: 'propose'; key: string; data: ProposeData }
  | { kind: 'prepare'; key: string; preparedBy: 'VRAU' | 'VRAG'; preparedOn: string; recommendation: 'approve' | 'reject' | 'none'; notes?: string }
  | {
      kind: 'decide';
      key: string;
      party: PartyId;
      outcome: 'approved' | 'rejected';
      decidedOn: string;
      minuteReference: string;
      caseNumber?: string;
      /** Justering and anslag, when they were known as the decision was registered. */
      minutesApprovedOn?: string;
      noticePostedOn?: string;
    }
  | { kind: 'correct'; key: string; party: PartyId; outcome: 'approved' | 'rejected'; decidedOn: string; minuteReference: string; reason: string }
  | { kind: 'cancel'; key: string; reason: string; cancelledOn: string }
  | { kind: 'report'; key: string; year: number; summary: string }
  | { kind: 'deposit'; amountOre: number; source: string; bookedOn: string; reference: string }
  | { kind: 'grant'; key: string; amountOre: number; decidedOn: string; reference: string }
  | { kind: 'withdraw'; key: string; amountOre: number; bookedOn: string; reference: string }
  | { kind: 'return'; key: string; amountOre: number; bookedOn: string; reason: string }
  | { kind: 'close'; year: number }
  | { kind: 'revise'; key: string; reason: string; revisedOn: string; changes: Partial<Pick<ProposeData, 'title' | 'summary' | 'requestedAmountOre' | 'decisionDeadline'>> }
  /** The minutes extract behind a registered decision: a small generated PDF with these lines (docs/evidence.md). */
  | { kind: 'evidence'; key: string; party: PartyId; lines: readonly string[] };

interface ProposeData {
  title: string;
  summary: string;
  proposedBy: PartyId;
  proposedOn: string;
  requestedAmountOre: number;
  strategyLinks?: { area: string; goal?: string }[];
  transportProgramme?: boolean;
  coFinancing?: { source: string; amountOre: number }[];
  decisionDeadline?: string;
}


/** Decisions by `parties`, spread one a few days apart from `firstOn`. */
const decisions = (
  key: string,
  parties: readonly PartyId[],
  firstOn: string,
  outcomeOf: (p: PartyId) => 'approved' | 'rejected' = () => 'approved',
  spacingDays = 3,
): DemoStep[] =>
  parties.map((party, i) => ({
    kind: 'decide',
    key,
    party,
    outcome: outcomeOf(party),
    decidedOn: addDays(firstOn, i * spacingDays),
    minuteReference: `§ ${40 + ((i * 7 + Number(party)) % 160)}`,
    caseNumber: `${party === '17' ? 'RV' : 'KS'}-${yearOf(firstOn)}/${100 + i * 11}`,
  }));

const ALL = PARTY_IDS;
const except = (...left: PartyId[]) => ALL.filter((p) => !left.includes(p));

/**
 * Minutes are approved (justering) a week after a decision and the notice posted (anslag) the day after, so
 * that the appeal window runs and decisions become final (laga kraft) as they would; only for decisions whose
 * notice lies before `today` (a later one is not known yet).
 */
const withMinutes = (today: string) => (step: DemoStep): DemoStep =>
  step.kind === 'decide' && addDays(step.decidedOn, 8) < today
    ? { ...step, minutesApprovedOn: addDays(step.decidedOn, 7), noticePostedOn: addDays(step.decidedOn, 8) }
    : step;

export const demoHistory = (today: string): DemoStep[] => {
  const steps = demoSteps(today).map(withMinutes(today));
  return [...steps, ...demoEvidence(steps)];
};

/**
 * Evidence for some decisions: the minutes extracts (small generated PDFs) of Region Värmland's, Karlstad's and
 * Arvika's approvals of the competence platform, naming each decision's date and paragraph. Attached last, so
 * every earlier event keeps its position.
 */
const demoEvidence = (steps: readonly DemoStep[]): DemoStep[] =>
  (['17', '1780', '1784'] as const).flatMap((party): DemoStep[] => {
    const decided = steps.find((s) => s.kind === 'decide' && s.key === 'kompetens' && s.party === party);
    if (decided?.kind !== 'decide') return [];
    return [
      {
        kind: 'evidence',
        key: 'kompetens',
        party,
        lines: [
          `${party === '17' ? 'Regionfullmäktige, Region Värmland' : `Kommunfullmäktige, ${partyName(party)}`}: sammanträde ${decided.decidedOn}, ${decided.minuteReference}`,
          `Diarienummer ${decided.caseNumber ?? '-'}`,
          'Ärende: Kompetensplattform Värmland - gemensamma resurser (DGR)',
          `Beslut: ${decided.outcome === 'approved' ? 'fullmäktige godkänner initiativet' : 'fullmäktige avslår initiativet'}.`,
          decided.minutesApprovedOn ? `Protokollet justerat ${decided.minutesApprovedOn}, anslaget ${decided.noticePostedOn ?? '-'}.` : 'Protokollet är ännu inte justerat.',
          'Rätt utdraget intygar: registrator',
        ],
      },
    ];
  });

const demoSteps = (today: string): DemoStep[] => {
  const thisYear = yearOf(today);
  const openProposedOn = addDays(today, -30);
  const openDeadline = lastDayOfYear(yearOf(addDays(today, 40)));
  // The revised initiative's last approval (day 42 + 16 × 3 = 90) lies a week before today.
  const revisedProposedOn = addDays(today, -97);
  return [
    // 2021: the agreement itself, asking for no money, decided by every party before year-end.
    {
      kind: 'propose',
      key: 'agreement',
      data: {
        title: 'Överenskommelse om gemensamma resurser – tillägg till Samverkansavtal Värmland',
        summary:
          'Hur Region Värmland och Värmlands kommuner hanterar de gemensamma resurserna (ca 200 mkr) från kommunalförbundet Region Värmland och Värmlandstrafik AB för Värmlandsstrategins genomförande.',
        proposedBy: '17',
        proposedOn: '2021-06-18',
        requestedAmountOre: 0,
        strategyLinks: [
          { area: 'Förbättra livsvillkoren' },
          { area: 'Höja kompetensen' },
          { area: 'Utveckla attraktiva platser' },
          { area: 'Stärka konkurrenskraften' },
        ],
        transportProgramme: true,
        decisionDeadline: '2021-12-31',
      },
    },
    { kind: 'prepare', key: 'agreement', preparedBy: 'VRAU', preparedOn: '2021-09-03', recommendation: 'approve', notes: 'VRAU ställer sig bakom förslaget och uppdrar åt parterna att besluta senast vid utgången av 2021.' },
    ...decisions('agreement', ALL, '2021-09-27', undefined, 5),

    // 2022: the money arrives.
    { kind: 'deposit', amountOre: 55 * MSEK, source: 'Kommunalförbundet Region Värmland', bookedOn: '2022-01-14', reference: 'Ver 2022-0014' },
    { kind: 'deposit', amountOre: 101 * MSEK, source: 'Värmlandstrafik AB', bookedOn: '2022-02-15', reference: 'Ver 2022-0231' },
    { kind: 'deposit', amountOre: 44 * MSEK, source: 'Kommunalförbundet Region Värmland, avsatta medel', bookedOn: '2022-03-15', reference: 'Ver 2022-0388' },

    // 2022: consensus, granted, paid out over two years, unspent money returned.
    {
      kind: 'propose',
      key: 'kompetens',
      data: {
        title: 'Kompetensplattform Värmland',
        summary: 'Gemensam plattform för kompetensförsörjning och omställning, med utbildningsanordnare och arbetsgivare i hela länet.',
        proposedBy: '1780',
        proposedOn: '2022-03-01',
        requestedAmountOre: 30 * MSEK,
        strategyLinks: [{ area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad' }],
        coFinancing: [{ source: 'Europeiska socialfonden+', amountOre: 10 * MSEK }],
      },
    },
    { kind: 'prepare', key: 'kompetens', preparedBy: 'VRAU', preparedOn: '2022-04-08', recommendation: 'approve' },
    ...decisions('kompetens', ALL, '2022-05-16'),
    { kind: 'grant', key: 'kompetens', amountOre: 30 * MSEK, decidedOn: '2022-09-20', reference: 'RS 2022/412' },
    { kind: 'withdraw', key: 'kompetens', amountOre: 12 * MSEK, bookedOn: '2023-02-10', reference: 'Ver 2023-0102' },
    { kind: 'withdraw', key: 'kompetens', amountOre: 15 * MSEK, bookedOn: '2024-02-12', reference: 'Ver 2024-0117' },
    { kind: 'report', key: 'kompetens', year: 2023, summary: '412 deltagare i omställningsinsatser; 9 nya utbildningar i samverkan med arbetsgivare.' },
    { kind: 'report', key: 'kompetens', year: 2024, summary: 'Plattformen driftsatt i alla 16 kommuner; 1 130 deltagare sedan start.' },
    { kind: 'return', key: 'kompetens', amountOre: 2.5 * MSEK, bookedOn: '2025-03-14', reason: 'Insatsen avslutad under budget; outnyttjade medel återförs.' },

    // 2023: transport programme, consensus, granted and fully paid out.
    {
      kind: 'propose',
      key: 'tag',
      data: {
        title: 'Förstudie snabbare tåg Karlstad–Oslo',
        summary: 'Förstudie om restidsförkortning och fler avgångar på sträckan Karlstad–Arvika–Oslo.',
        proposedBy: '1784',
        proposedOn: '2023-01-20',
        requestedAmountOre: 8 * MSEK,
        transportProgramme: true,
        strategyLinks: [{ area: 'Utveckla attraktiva platser', goal: 'Tillgänglig region' }],
        coFinancing: [{ source: 'Interreg Sverige–Norge', amountOre: 4 * MSEK }],
      },
    },
    { kind: 'prepare', key: 'tag', preparedBy: 'VRAU', preparedOn: '2023-02-17', recommendation: 'approve' },
    ...decisions('tag', ALL, '2023-03-20', undefined, 4),
    { kind: 'grant', key: 'tag', amountOre: 8 * MSEK, decidedOn: '2023-09-12', reference: 'RS 2023/377' },
    { kind: 'withdraw', key: 'tag', amountOre: 8 * MSEK, bookedOn: '2024-01-22', reference: 'Ver 2024-0044' },

    // 2023: blocked by one rejection.
    {
      kind: 'propose',
      key: 'earkiv',
      data: {
        title: 'Gemensam e-arkivlösning för Värmlands kommuner',
        summary: 'Upphandling och drift av ett gemensamt e-arkiv.',
        proposedBy: '1766',
        proposedOn: '2023-04-03',
        requestedAmountOre: 6 * MSEK,
        strategyLinks: [{ area: 'Förbättra livsvillkoren', goal: 'Robust samhälle' }],
      },
    },
    { kind: 'prepare', key: 'earkiv', preparedBy: 'VRAU', preparedOn: '2023-05-05', recommendation: 'none', notes: 'Frågan om driftsansvar är inte löst.' },
    ...decisions('earkiv', ALL, '2023-06-05', (p) => (p === '1782' ? 'rejected' : 'approved')),

    // 2024: lapsed — three parties had not decided by 31 December; one decided in January (kept, does not count).
    {
      kind: 'propose',
      key: 'cirkular',
      data: {
        title: 'Regional innovationsarena för cirkulära flöden',
        summary: 'Testbädd och nätverk för cirkulära affärsmodeller i värmländsk industri.',
        proposedBy: '1781',
        proposedOn: '2024-02-05',
        requestedAmountOre: 12 * MSEK,
        strategyLinks: [{ area: 'Stärka konkurrenskraften', goal: 'Cirkulära flöden' }],
        coFinancing: [{ source: 'Vinnova', amountOre: 3 * MSEK }],
      },
    },
    { kind: 'prepare', key: 'cirkular', preparedBy: 'VRAU', preparedOn: '2024-03-08', recommendation: 'approve' },
    ...decisions('cirkular', except('1762', '1763', '1737'), '2024-04-15', undefined, 6),
    { kind: 'decide', key: 'cirkular', party: '1737', outcome: 'approved', decidedOn: '2025-01-20', minuteReference: '§ 3', caseNumber: 'KS-2024/377' },

    // 2025: cancelled by its proposer before any grant.
    {
      kind: 'propose',
      key: 'besok',
      data: {
        title: 'Besöksnäringens datalyft',
        summary: 'Gemensam datainfrastruktur för besöksnäringen.',
        proposedBy: '1737',
        proposedOn: '2025-02-10',
        requestedAmountOre: 4 * MSEK,
        strategyLinks: [{ area: 'Stärka konkurrenskraften', goal: 'Livskraftigt näringsliv' }],
      },
    },
    ...decisions('besok', ['1737', '1780', '17'], '2025-03-17'),
    { kind: 'cancel', key: 'besok', reason: 'Torsby återkallar initiativet; insatsen finansieras i stället nationellt.', cancelledOn: '2025-05-12' },

    // 2025: consensus with a corrected registration, granted and partly paid out.
    {
      kind: 'propose',
      key: 'halsa',
      data: {
        title: 'God och jämlik hälsa i hela Värmland',
        summary: 'Gemensam folkhälsosatsning med fokus på barn och unga i glesbygd.',
        proposedBy: '17',
        proposedOn: '2025-01-15',
        requestedAmountOre: 20 * MSEK,
        strategyLinks: [{ area: 'Förbättra livsvillkoren', goal: 'God och jämlik hälsa' }],
      },
    },
    { kind: 'prepare', key: 'halsa', preparedBy: 'VRAU', preparedOn: '2025-02-14', recommendation: 'approve' },
    { kind: 'prepare', key: 'halsa', preparedBy: 'VRAG', preparedOn: '2025-02-21', recommendation: 'approve', notes: 'KDRD tillstyrker.' },
    ...decisions('halsa', ALL, '2025-03-24', undefined, 5),
    { kind: 'correct', key: 'halsa', party: '1785', outcome: 'approved', decidedOn: addDays('2025-03-24', 16 * 5 - 1), minuteReference: '§ 88', reason: 'Fel paragraf och datum registrerades; protokollet anger § 88 dagen före.' },
    { kind: 'grant', key: 'halsa', amountOre: 20 * MSEK, decidedOn: '2025-09-16', reference: 'RS 2025/291' },
    { kind: 'withdraw', key: 'halsa', amountOre: 5 * MSEK, bookedOn: '2025-10-01', reference: 'Ver 2025-0811' },

    // Open now: proposed a month ago, some parties have decided.
    {
      kind: 'propose',
      key: 'laddning',
      data: {
        title: 'Laddinfrastruktur längs länsvägarna',
        summary: 'Samordnad utbyggnad av publik laddning längs det regionala vägnätet.',
        proposedBy: '1761',
        proposedOn: openProposedOn,
        requestedAmountOre: 15 * MSEK,
        strategyLinks: [{ area: 'Utveckla attraktiva platser', goal: 'Tillgänglig region' }],
        transportProgramme: true,
        decisionDeadline: openDeadline,
      },
    },
    ...decisions('laddning', ['1761', '1780', '17', '1715', '1784', '1781'], addDays(openProposedOn, 2), undefined, 4),

    // Revised after four approvals (issue 15, likalydande beslut): the four decide again, and all 17 approve version 2.
    {
      kind: 'propose',
      key: 'bredband',
      data: {
        title: 'Bredband till Värmlands landsbygd',
        summary: 'Medfinansiering av fiberutbyggnad till hushåll och företag utanför tätorterna.',
        proposedBy: '1737',
        proposedOn: revisedProposedOn,
        requestedAmountOre: 25 * MSEK,
        strategyLinks: [{ area: 'Utveckla attraktiva platser', goal: 'Attraktiva livsmiljöer' }],
        decisionDeadline: lastDayOfYear(yearOf(today)),
      },
    },
    ...decisions('bredband', ['1737', '1780', '17', '1784'], addDays(revisedProposedOn, 14), undefined, 3),
    {
      kind: 'revise',
      key: 'bredband',
      reason: 'Beloppet sänks och utbyggnaden sker i två etapper efter att PTS stöd beviljats.',
      revisedOn: addDays(revisedProposedOn, 35),
      changes: {
        summary: 'Medfinansiering av fiberutbyggnad till hushåll och företag utanför tätorterna, i två etapper med stöd från PTS.',
        requestedAmountOre: 18 * MSEK,
      },
    },
    ...decisions('bredband', ALL, addDays(revisedProposedOn, 42), undefined, 3),

    // Close every year that has ended, in order.
    ...[2022, 2023, 2024, 2025].filter((y) => y < thisYear).map((year): DemoStep => ({ kind: 'close', year })),
  ];
};

