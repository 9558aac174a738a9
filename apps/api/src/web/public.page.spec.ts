/**
 * The public pages' pure parts: what users typed is escaped, the matrix cell says what it means in words,
 * and the pages carry their own navigation and no signed-in actor. (In a browser: test/web/public.e2e-spec.ts.)
 */
import type { PublicInitiative } from '../public/public-view';
import { renderPage } from './layout';
import { OVERVIEW_PAGE_SIZE } from './overview.page';
import { PUBLIC_NAVIGATION, publicInitiativeBody, publicOverviewBody } from './public.page';

const initiative = (overrides: Partial<PublicInitiative> = {}): PublicInitiative => ({
  id: 'i-1',
  title: 'Cykelleder <script>alert(1)</script>',
  proposedBy: '1780',
  proposedByName: 'Karlstads kommun',
  proposedOn: '2025-02-01',
  decisionDeadline: '2025-12-31',
  daysLeft: 10,
  status: 'open',
  consensus: { approved: ['1780'], rejected: ['1784'], missing: [], reachedOn: null },
  finality: { final: false, finalOn: null, notFinal: [{ party: '1780', reason: 'appeal-window', until: '2025-06-20' }] },
  mustDecideAgain: [],
  requestedAmountOre: 100,
  grantedOre: 0,
  withdrawnOre: 0,
  returnedOre: 0,
  summary: 'Om "leder" & <b>vägar</b>',
  strategyLinks: [],
  transportProgramme: true,
  coFinancing: [{ source: 'Trafikverket <i>', amountOre: 5 }],
  preparations: [],
  decisions: [],
  outcomeReportYears: [2024],
  cancelledOn: null,
  bookings: [],
  history: [{ position: 1, type: 'InitiativeProposed', recordedOn: '2025-02-01', recordedBy: 'Karlstads kommun, registrator' }],
  ...overrides,
});

describe('the public pages', () => {
  it('escape what users typed', () => {
    const body = publicInitiativeBody(initiative()).value;
    expect(body).toContain('Cykelleder &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('Om &quot;leder&quot; &amp; &lt;b&gt;vägar&lt;/b&gt;');
    expect(body).toContain('Trafikverket &lt;i&gt;');
    expect(body).not.toContain('<script>');
  });

  it('show the history by organisation and role, and outcome reports by year only', () => {
    const body = publicInitiativeBody(initiative()).value;
    expect(body).toContain('<td>Initiativet lämnades in</td><td>Karlstads kommun, registrator</td>');
    expect(body).toContain('VRAG har rapporterat utfallet för 2024.');
  });

  it('say each matrix cell in words', () => {
    const body = publicOverviewBody({ initiatives: { rows: [initiative()], total: 1, page: 1 }, fund: { balanceOre: 0, committedOre: 0, availableOre: 0, ledger: [] }, today: '2025-06-15' }).value;
    expect(body).toContain('<span class="visually-hidden">Godkänt, inte laga kraft (överklagandetiden löper till 2025-06-20)</span>');
    expect(body).toContain('<td class="cell avslaget" data-party="1784" title="Arvika: Avslaget">');
    expect(body).toContain('href="/publikt/initiativ/i-1"');
  });

  it('show one page of the matrix, say which, and link to the pages before and after', () => {
    const fund = { balanceOre: 0, committedOre: 0, availableOre: 0, ledger: [] };
    const body = publicOverviewBody({ initiatives: { rows: [initiative()], total: 2 * OVERVIEW_PAGE_SIZE + 1, page: 2 }, fund, today: '2025-06-15' }).value;
    expect(body).toContain(`Visar ${OVERVIEW_PAGE_SIZE + 1}–${OVERVIEW_PAGE_SIZE + 1} av ${2 * OVERVIEW_PAGE_SIZE + 1} initiativ.`);
    expect(body).toContain('<a class="knapp-lank" rel="prev" href="/publikt">Föregående sida</a>');
    expect(body).toContain('<span class="sida-av">Sida 2 av 3</span>');
    expect(body).toContain('<a class="knapp-lank" rel="next" href="/publikt?sida=3">Nästa sida</a>');
  });

  it('have their own navigation and show nobody signed in', () => {
    const page = renderPage({ title: 'Initiativ och beslut', current: 'publikt', navigation: PUBLIC_NAVIGATION, home: '/publikt', body: publicInitiativeBody(initiative()) });
    expect(page).toContain('<a href="/publikt" aria-current="page">Initiativ och beslut</a>');
    expect(page).toContain('<p class="tjanst"><a href="/publikt">DGR');
    expect(page).not.toContain('Logga ut');
  });
});
