/**
 * The pages' pure parts: what the matrix cells say, the filters, which forms a role is given, the chart
 * and the layout. (The pages in a browser: test/web/.)
 */
import type { Actor } from '@dgr/domain';
import { auditBody } from './audit.page';
import { fundChart, mkr, type FundYearView } from './fund.page';
import { describeEvent, formsFor, type InitiativeDetail } from './initiative.page';
import { html } from './html';
import { navigationFor, renderPage, roleTitle } from './layout';
import { cellOf, matrixCell, OVERVIEW_PAGE_SIZE, overviewFiltersOf, overviewQueryOf, type InitiativeSummary } from './overview.page';

const summary = (overrides: Partial<InitiativeSummary> = {}): InitiativeSummary => ({
  id: 'i-1',
  title: 'Kompetensplattform',
  proposedBy: '1780',
  proposedByName: 'Karlstad',
  proposedOn: '2025-02-01',
  requestedAmountOre: 100,
  decisionDeadline: '2025-12-31',
  daysLeft: 10,
  status: 'open',
  consensus: { approved: ['17', '1780'], rejected: ['1784'], missing: [], reachedOn: null },
  finality: { final: false, finalOn: null, notFinal: [{ party: '1780', reason: 'appeal-window', until: '2025-06-20' }] },
  version: 1,
  mustDecideAgain: [],
  grantedOre: 0,
  withdrawnOre: 0,
  returnedOre: 0,
  ...overrides,
});

const clerk: Actor = { sub: 'c', name: 'Kim', role: 'clerk', party: '1780' };
const finance: Actor = { sub: 'f', name: 'Fia', role: 'finance' };
const secretariat: Actor = { sub: 's', name: 'Sam', role: 'secretariat' };
const auditor: Actor = { sub: 'a', name: 'Ada', role: 'auditor' };

describe('the matrix cells', () => {
  it('mark an approval of an earlier version of the proposal in words and with its version, not only by colour (issue 15)', () => {
    const i = summary({ version: 2, mustDecideAgain: [{ party: '1715', decidedVersion: 1, currentVersion: 2, outcome: 'approved' }] });
    expect(cellOf(i, '1715')).toEqual({ cell: 'earlier-version', text: 'Godkände version 1, ska besluta på nytt om version 2' });
    expect(String(matrixCell(i, '1715'))).toMatch(/tidigare-version.*↻<span class="version-markering">v1<\/span>.*Godkände version 1, ska besluta på nytt om version 2/);
    expect(cellOf(i, '1730')).toEqual({ cell: 'missing', text: 'Saknas' });
  });

  it('say approved (final or not, and why not), rejected or missing in words', () => {
    const i = summary();
    expect(cellOf(i, '17')).toEqual({ cell: 'approved-final', text: 'Godkänt, laga kraft' });
    expect(cellOf(i, '1780')).toEqual({ cell: 'approved', text: 'Godkänt, inte laga kraft (överklagandetiden löper till 2025-06-20)' });
    expect(cellOf(i, '1784')).toEqual({ cell: 'rejected', text: 'Avslaget' });
    expect(cellOf(i, '1715')).toEqual({ cell: 'missing', text: 'Saknas' });
  });
});

describe('the overview filters', () => {
  it('take a known status, a four-digit year and a page, and ignore anything else', () => {
    expect(overviewFiltersOf({ status: 'blocked', year: '2024', sida: '3' })).toEqual({ status: 'blocked', year: 2024, page: 3 });
    expect(overviewFiltersOf({ status: 'nonsense', year: '24', sida: '0' })).toEqual({ status: undefined, year: undefined, page: 1 });
    expect(overviewFiltersOf({ status: ['open'], year: ['2024'], sida: ['2'] })).toEqual({ status: undefined, year: undefined, page: 1 });
    expect(overviewFiltersOf({ sida: '-1' }).page).toBe(1);
  });

  it('ask the read side for one page, filtered in the query', () => {
    expect(overviewQueryOf({ status: 'open', year: 2024, page: 3 }, '2026-12-03')).toEqual({
      asOf: '2026-12-03',
      status: 'open',
      year: 2024,
      offset: 2 * OVERVIEW_PAGE_SIZE,
      limit: OVERVIEW_PAGE_SIZE,
    });
  });
});

describe('the forms a role is given on an initiative', () => {
  const detail = (overrides: Partial<InitiativeDetail> = {}): InitiativeDetail =>
    ({
      ...summary({ status: 'consensus' }),
      summary: '',
      strategyLinks: [],
      transportProgramme: false,
      coFinancing: [],
      decisions: [],
      preparation: null,
      preparations: [],
      outcomeReports: [],
      cancellation: null,
      ...overrides,
    }) as InitiativeDetail;
  const ids = (actor: Actor, i: InitiativeDetail) => formsFor(i, actor).map((f) => /<form id="([^"]+)"/.exec(f.value)![1]);

  it('a clerk: only its own party’s decision, and once registered its minutes, correction and minutes extract', () => {
    expect(ids(clerk, detail())).toEqual(['registrera-beslut']);
    expect(formsFor(detail(), clerk)[0]!.value).toContain('value="1780"');
    const decided = detail({ decisions: [{ party: '1780', outcome: 'approved', decidedOn: '2025-04-01', body: 'kommunfullmäktige', minuteReference: '§ 1' } as InitiativeDetail['decisions'][number]] });
    expect(ids(clerk, decided)).toEqual(['justering', 'ratta-beslut', 'protokollsutdrag']);
    expect(ids(clerk, detail({ cancellation: { reason: 'x', cancelledOn: '2025-05-01' } }))).toEqual([]);
  });

  it('a clerk whose party decided an earlier version registers again, on the version and hash the form names (issue 15)', () => {
    const versions = [
      { version: 1, textHash: 'h1', revisedOn: '2025-02-01', reason: null, changes: [] },
      { version: 2, textHash: 'h2', revisedOn: '2025-03-01', reason: 'Nytt belopp', changes: ['requestedAmountOre' as const] },
    ];
    const older = { party: '1780', outcome: 'approved', decidedOn: '2025-02-10', body: 'kommunfullmäktige', minuteReference: '§ 1', proposalVersion: 1 };
    const revised = detail({ version: 2, textHash: 'h2', versions, decisions: [older as InitiativeDetail['decisions'][number]] });
    expect(ids(clerk, revised)).toEqual(['registrera-beslut']);
    const form = formsFor(revised, clerk)[0]!.value;
    expect(form).toMatch(/registreras på <strong>version 2<\/strong> av förslaget, texthash <code class="texthash">h2<\/code>/);
    expect(form).toContain('<input type="hidden" name="textHash" value="h2">');
    expect(form).toContain('<option value="">Version 2 (gällande)</option>');
    // The version it decided already is not offered again.
    expect(form).not.toContain('<option value="1">');
  });

  it('finance: a grant only with consensus and nothing granted yet', () => {
    expect(ids(finance, detail())).toEqual(['bevilja']);
    expect(ids(finance, detail({ status: 'open' }))).toEqual([]);
    expect(ids(finance, detail({ grantedOre: 100 }))).toEqual([]);
  });

  it('the secretariat: preparation, outcome report, revision (not once granted), cancellation; an auditor: nothing', () => {
    expect(ids(secretariat, detail())).toEqual(['beredning', 'utfallsrapport', 'revidera', 'aterkalla']);
    expect(ids(secretariat, detail({ grantedOre: 1 }))).toEqual(['beredning', 'utfallsrapport', 'aterkalla']);
    expect(ids(auditor, detail())).toEqual([]);
  });
});

describe('the history', () => {
  it('tells each event in Swedish', () => {
    expect(describeEvent('PartyDecisionRegistered', { party: '1780', outcome: 'approved', decidedOn: '2025-06-09', body: 'kommunfullmäktige', minuteReference: '§ 112' })).toBe(
      'Karlstad: Godkänt 2025-06-09 (kommunfullmäktige, § 112).',
    );
    expect(describeEvent('AppealDecided', { party: '1784', outcome: 'annulled', decidedOn: '2025-09-01', caseNumber: '12-25' })).toBe(
      'Arvika: domstolen upphävde beslutet 2025-09-01 (mål 12-25).',
    );
    expect(describeEvent('SomethingNew', {})).toBe('SomethingNew');
  });
});

describe('the fund chart', () => {
  const year = (y: number, closingOre: number, changeOre: number): FundYearView => ({
    year: y,
    openingOre: closingOre - changeOre,
    depositsOre: 0,
    withdrawalsOre: 0,
    returnsOre: 0,
    closingOre,
    changeOre,
    closed: false,
  });

  it('labels in millions of kronor', () => {
    expect(mkr(18_800_000_000)).toBe('188 Mkr');
    expect(mkr(-125_000_050)).toBe('−1,3 Mkr');
    expect(mkr(0)).toBe('0 Mkr');
  });

  it('is an image with a title and a description carrying every figure; a negative change goes below the zero line', () => {
    const svg = fundChart([year(2024, 15_600_000_000, 15_600_000_000), year(2025, 15_500_000_000, -100_000_000)]).value;
    expect(svg).toContain('role="img" aria-labelledby="diagram-titel diagram-beskrivning"');
    expect(svg).toContain('<title id="diagram-titel">Fondens utgående balans och förändring per år</title>');
    expect(svg).toContain('2025: utgående balans 155 000 000,00 kr, förändring −1 000 000,00 kr');
    const zero = Number(/class="nollinje"[^>]* y1="([\d.]+)"/.exec(svg)![1]);
    const negative = /<g class="ar" data-year="2025">.*?<rect class="forandring" x="[\d.]+" y="([\d.]+)"/.exec(svg)!;
    expect(Number(negative[1])).toBeCloseTo(zero, 0);
  });
});

describe('the layout', () => {
  it('names the role in Swedish', () => {
    expect(roleTitle(clerk)).toBe('Registrator för Karlstad');
    expect(roleTitle(finance)).toBe('Ekonomi');
    expect(roleTitle(secretariat)).toBe('Sekretariatet');
    expect(roleTitle(auditor)).toBe('Revisor');
  });

  it('offers the pages to the signed-in, only sign-in to others', () => {
    expect(navigationFor(auditor).map((e) => e.label)).toEqual(['Översikt', 'Fonden', 'Revision']);
    expect(navigationFor(undefined).map((e) => e.label)).toEqual(['Logga in']);
  });

  it('a Swedish document with skip link, main landmark, the current page marked and a sign-out form', () => {
    const page = renderPage({ title: 'Fonden', actor: finance, current: 'fonden', body: html`<h1>Fonden</h1>` });
    expect(page).toMatch(/^<!doctype html>\n<html lang="sv">/);
    expect(page).toContain('<title>Fonden – DGR</title>');
    expect(page).toContain('<a class="hoppa" href="#innehall">Hoppa till innehållet</a>');
    expect(page).toContain('<main id="innehall" tabindex="-1">');
    expect(page).toContain('<a href="/fonden" aria-current="page">Fonden</a>');
    expect(page).toContain('<form method="post" action="/auth/logout">');
    expect(page).toContain('<strong>Fia</strong> <span class="roll">Ekonomi</span>');
    expect(page).not.toMatch(/<script>|<script [^>]*>[^<]/);
  });
});

describe('the revision page', () => {
  it('links each year’s SIE file and annual report', () => {
    const body = auditBody({ checkpoint: { origin: 'dgr', size: 3, root: 'r', at: null, signature: 's' }, years: [{ year: 2024, closed: true }] }).value;
    expect(body).toContain('href="/api/exports/sie/2024"');
    expect(body).toContain('href="/api/reports/annual/2024?format=html"');
    expect(body).toContain('href="/api/exports/ledger.csv?separator=%3B&amp;excel=true"');
    expect(body).toContain('href="/api/exports/ledger.csv?excel=false"');
    expect(body).toContain('en text som börjar med =, +, -, @, tabb eller vagnretur får en apostrof');
    expect(body).toContain('data-verify="/api/audit/verify"');
  });
});
