/**
 * The overview pages and filters in the query, like the API: a log of any size gives a page of at most
 * OVERVIEW_PAGE_SIZE rows (it rendered every initiative: 44 MB of HTML at 200,000 events), and the API's list
 * pages before it summarises, with X-Total-Count counting every match.
 */
import { InitiativesProjection } from '@dgr/application';
import { OVERVIEW_PAGE_SIZE } from '../../apps/api/src/web/overview.page';
import { HttpApp, NOW, propose, tokenFor } from '../support/http-app';

let app: HttpApp;
/** The app's clock: moved a day on by the last test (after midnight, the status filter's day is not prepared). */
let now = NOW;
const in2024: string[] = [];
const in2025: string[] = [];
const cancelled: string[] = [];

beforeAll(async () => {
  app = await HttpApp.start({ now: () => now });
  for (let n = 0; n < OVERVIEW_PAGE_SIZE + 5; n++) in2025.push(await propose(app, { title: `Initiativ 2025 nr ${n + 1}`, proposedOn: '2025-03-01', decisionDeadline: '2025-12-31' }));
  for (let n = 0; n < 3; n++) in2024.push(await propose(app, { title: `Initiativ 2024 nr ${n + 1}` }));
  total = in2024.length + in2025.length;
  for (const id of in2025.slice(0, 2)) {
    const res = await app.post(`/api/initiatives/${id}/cancellation`, { reason: 'Dras tillbaka', cancelledOn: '2025-04-01' });
    expect(res.status).toBe(201);
    cancelled.push(id);
  }
}, 120_000);

afterAll(async () => {
  await app.dispose();
});

const html = async (path: string): Promise<string> => {
  const res = await fetch(app.baseUrl + path, { headers: { authorization: `Bearer ${tokenFor('auditor')}` } });
  expect(res.status).toBe(200);
  return res.text();
};
const rows = (page: string): string[] => [...page.matchAll(/<tr data-initiative="([^"]+)"/g)].map((m) => m[1]!);
let total = 0;

it('the first page shows OVERVIEW_PAGE_SIZE rows, says how many there are, and links to the next page', async () => {
  const page = await html('/');
  expect(rows(page)).toHaveLength(OVERVIEW_PAGE_SIZE);
  expect(page).toContain(`Visar 1–${OVERVIEW_PAGE_SIZE} av ${total} initiativ.`);
  expect(page).toContain(`Sida 1 av 2`);
  expect(page).toContain('<a class="knapp-lank" rel="next" href="/?sida=2">Nästa sida</a>');
  expect(page).not.toContain('rel="prev"');
});

it('the second page shows the rest, with a link back', async () => {
  const first = rows(await html('/'));
  const page = await html('/?sida=2');
  const second = rows(page);
  expect(second).toHaveLength(total - OVERVIEW_PAGE_SIZE);
  expect(new Set([...first, ...second]).size).toBe(total);
  expect(page).toContain('rel="prev" href="/"');
  expect(page).not.toContain('rel="next"');
});

it('filters by year and status in the query, and the links keep the filters', async () => {
  expect(new Set(rows(await html('/?year=2024')))).toEqual(new Set(in2024));
  const page = await html('/?status=cancelled');
  expect(new Set(rows(page))).toEqual(new Set(cancelled));
  expect(page).toContain(`Visar 2 av ${total} initiativ.`);
  const byYear = await html('/?year=2025&status=open');
  expect(rows(byYear)).toHaveLength(OVERVIEW_PAGE_SIZE);
  expect(byYear).toContain(`Visar 1–${OVERVIEW_PAGE_SIZE} av ${in2025.length - cancelled.length} initiativ (${total} i allt).`);
  expect(byYear).toContain('href="/?status=open&amp;year=2025&amp;sida=2"');
});

it('a page past the end shows none, and says so', async () => {
  const page = await html('/?sida=9');
  expect(rows(page)).toEqual([]);
  expect(page).toContain(`Visar 0 av ${total} initiativ (sidan 9 finns inte).`);
  expect(page).toContain('Inga initiativ matchar urvalet.');
});

it('the API pages in the query: X-Total-Count counts all, the page holds the rest', async () => {
  const res = await app.get(`/api/initiatives?offset=${total - 3}&limit=10`);
  expect(res.status).toBe(200);
  expect(res.headers['x-total-count']).toBe(String(total));
  expect((res.body as unknown[]).length).toBe(3);
});

it('a status filter after midnight waits for the new day\'s statuses, or past its limit answers 503 with Retry-After (problem+json) and changes nothing', async () => {
  const auditor = { authorization: `Bearer ${tokenFor('auditor', undefined, 5)}` };
  const initiatives = app.nest.get(InitiativesProjection);
  const before = await app.position();
  now = '2025-06-16T10:00:00.000Z';
  initiatives.statusWaitMs = 0;
  try {
    const refused = await fetch(app.baseUrl + '/?status=open', { headers: auditor });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ status: 503, code: 'statuses-not-ready', detail: expect.stringMatching(/^Statusen per 2025-06-16 räknas fortfarande fram/) });
    await initiatives.prepareStatuses('2025-06-16');
    const open = await fetch(app.baseUrl + '/?status=open', { headers: auditor });
    expect(open.status).toBe(200);
    expect(rows(await open.text())).toHaveLength(OVERVIEW_PAGE_SIZE);
  } finally {
    initiatives.statusWaitMs = 5_000;
  }
  // A day later, with the limit as configured: the list waits for the day's statuses and answers.
  now = '2025-06-17T10:00:00.000Z';
  const page = await fetch(app.baseUrl + '/?status=cancelled', { headers: auditor });
  expect(page.status).toBe(200);
  expect(new Set(rows(await page.text()))).toEqual(new Set(cancelled));
  expect(await app.position()).toBe(before);
});
