/**
 * A party's clerk in the browser: registers the party's decision in the form and sees the matrix cell
 * change; sees no form for another party, and a forced request for another party is refused (403) with
 * the server's message on the page and nothing recorded; a double click records once.
 */
import type { Browser } from 'playwright-core';
import { HttpApp, propose } from '../support/http-app';
import { expectSaved, launchBrowser, openPage, visit, type OpenedPage } from './browser';
import { seedHistory, type History } from './history';

let app: HttpApp;
let browser: Browser;
let history: History;
let karlstad: OpenedPage;

const KARLSTAD = { role: 'clerk', party: '1780' } as const;

beforeAll(async () => {
  [app, browser] = await Promise.all([HttpApp.start(), launchBrowser()]);
  history = await seedHistory(app);
  karlstad = await openPage(browser, app, KARLSTAD);
});

afterAll(async () => {
  await browser?.close();
  await app?.dispose();
});

afterEach(() => {
  expect(karlstad.problems.errors).toEqual([]);
});

const cell = (initiativeId: string, party: string) => karlstad.page.locator(`tr[data-initiative="${initiativeId}"] td[data-party="${party}"]`);

it('a clerk registers their party’s decision in the form and sees the matrix cell change', async () => {
  const { page } = karlstad;
  await visit(page, '/');
  await expect(cell(history.open, '1780').textContent()).resolves.toContain('Saknas');
  await expect(page.locator(`tr[data-initiative="${history.open}"] .antal`).textContent()).resolves.toBe('8 av 17 godkänt');

  await page.click(`a[href="/initiativ/${history.open}"]`);
  await page.waitForURL(`**/initiativ/${history.open}`);
  const form = page.locator('form#registrera-beslut');
  await expect(page.locator('#registrera-beslut-rubrik').textContent()).resolves.toBe('Registrera Karlstads beslut');
  await form.getByLabel('Bifall (godkänt)').check();
  await form.getByLabel('Beslutsdatum').fill('2025-06-09');
  await form.getByLabel('Paragraf i protokollet').fill('§ 112');
  await form.getByLabel('Diarienummer').fill('KS-2025/118');
  await form.getByRole('button', { name: 'Registrera beslutet' }).click();
  await expectSaved(page);

  // The initiative page shows the decision, the history who recorded it.
  await expect(page.locator('table.beslut tr[data-party="1780"]').textContent()).resolves.toMatch(/Karlstad.*Godkänt.*2025-06-09.*kommunfullmäktige, § 112/s);
  await expect(page.locator('.tidslinje li').last().textContent()).resolves.toMatch(/registrerat av Test clerk 1780 \(Registrator för Karlstad\).*Karlstad: Godkänt 2025-06-09/s);
  // Nothing more to register for Karlstad: the form is now the correction.
  await expect(page.locator('form#registrera-beslut').count()).resolves.toBe(0);
  await expect(page.locator('form#ratta-beslut').count()).resolves.toBe(1);

  await page.click('nav a[href="/"]');
  await page.waitForURL((url) => url.pathname === '/');
  await expect(cell(history.open, '1780').textContent()).resolves.toContain('Godkänt');
  await expect(cell(history.open, '1780').getAttribute('class')).resolves.toContain('godkant');
  await expect(page.locator(`tr[data-initiative="${history.open}"] .antal`).textContent()).resolves.toBe('9 av 17 godkänt');

  const answer = await app.get(`/api/initiatives/${history.open}`);
  expect(answer.body.decisions.find((d: any) => d.party === '1780')).toMatchObject({ outcome: 'approved', decidedOn: '2025-06-09', minuteReference: '§ 112', caseNumber: 'KS-2025/118' });
});

it('the server’s validation messages appear beside the fields, and what was typed stays', async () => {
  const { page } = karlstad;
  const id = await propose(app, { title: 'Laddinfrastruktur', proposedOn: '2025-06-01', decisionDeadline: '2025-12-31' });
  await visit(page, `/initiativ/${id}`);
  const before = await app.position();
  const form = page.locator('form#registrera-beslut');
  // No outcome chosen, the body emptied: the API answers 400 naming both fields.
  await form.getByLabel('Beslutsdatum').fill('2025-06-09');
  await form.getByLabel('Beslutande organ').fill('');
  await form.getByLabel('Paragraf i protokollet').fill('§ 5');
  await form.getByRole('button', { name: 'Registrera beslutet' }).click();
  const summary = form.locator('.felsammanfattning');
  await summary.waitFor({ state: 'visible' });
  await expect(summary.evaluate((el) => el === (globalThis as any).document.activeElement)).resolves.toBe(true);
  await expect(summary.locator('li').allTextContents()).resolves.toEqual(['Beslut måste vara ett av: Bifall (godkänt), Avslag', 'Beslutande organ får inte vara tomt']);
  const body = form.getByLabel('Beslutande organ');
  await expect(body.getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(page.locator('#registrera-beslut-body-fel').textContent()).resolves.toBe('Beslutande organ får inte vara tomt');
  await expect(body.getAttribute('aria-describedby')).resolves.toBe('registrera-beslut-body-fel');
  await expect(form.getByLabel('Bifall (godkänt)').getAttribute('aria-invalid')).resolves.toBe('true');
  // What was typed stays; nothing was written.
  await expect(form.getByLabel('Beslutsdatum').inputValue()).resolves.toBe('2025-06-09');
  await expect(form.getByLabel('Paragraf i protokollet').inputValue()).resolves.toBe('§ 5');
  expect(await app.position()).toBe(before);

  // Corrected, it is sent again (a new request: the refused one recorded nothing) and the errors go.
  await form.getByLabel('Bifall (godkänt)').check();
  await form.getByLabel('Beslutande organ').fill('kommunstyrelsen');
  await form.getByRole('button', { name: 'Registrera beslutet' }).click();
  await expectSaved(page);
  await expect(page.locator('table.beslut tr[data-party="1780"]').textContent()).resolves.toContain('kommunstyrelsen, § 5');
});

it('a clerk sees no form for another party, and a forced request for another party is refused with the message shown', async () => {
  const { page } = karlstad;
  await visit(page, `/initiativ/${history.fresh}`);
  // Karlstad has decided here already: only Karlstad's own forms, none of the other roles'.
  const headings = await page.locator('.atgarder h3').allTextContents();
  expect(headings).toEqual(['Justering och anslag för Karlstads beslut', 'Rätta Karlstads beslut', 'Protokollsutdrag för Karlstads beslut']);
  await expect(page.locator('form#beredning, form#bevilja, form#aterkalla, form#utfallsrapport').count()).resolves.toBe(0);

  // An initiative Karlstad has not decided yet.
  const id = await propose(app, { title: 'Cykelvägar längs Klarälven', proposedOn: '2025-06-01', decisionDeadline: '2025-12-31' });
  await visit(page, `/initiativ/${id}`);
  await expect(page.locator('form').filter({ hasText: 'Arvika' }).count()).resolves.toBe(0);
  const before = await app.position();

  // The form, tampered with to name Arvika.
  const form = page.locator('form#registrera-beslut');
  await form.locator('input[name="party"]').evaluate((el: any) => (el.value = '1784'));
  await form.getByLabel('Bifall (godkänt)').check();
  await form.getByLabel('Beslutsdatum').fill('2025-06-09');
  await form.getByLabel('Paragraf i protokollet').fill('§ 7');
  await form.getByRole('button', { name: 'Registrera beslutet' }).click();
  const summary = form.locator('.felsammanfattning');
  await summary.waitFor({ state: 'visible' });
  await expect(summary.textContent()).resolves.toContain('får bara registrera för den egna parten, inte för Arvika');
  await expect(form.getByLabel('Paragraf i protokollet').inputValue()).resolves.toBe('§ 7');

  // A request of one's own making, with the session cookie.
  const status = await page.evaluate(async (url) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ party: '1784', outcome: 'rejected', decidedOn: '2025-06-09', body: 'kommunfullmäktige', minuteReference: '§ 1' }),
    });
    return res.status;
  }, `/api/initiatives/${id}/decisions`);
  expect(status).toBe(403);
  expect(await app.position()).toBe(before);
  expect((await app.get(`/api/initiatives/${id}`)).body.decisions).toEqual([]);
});

it('a double click on submit records the decision once, sent with one Idempotency-Key', async () => {
  const { page } = karlstad;
  const id = await propose(app, { title: 'Gemensam e-arkivlösning', proposedBy: '17', proposedOn: '2025-06-02', decisionDeadline: '2025-12-31' });
  await visit(page, `/initiativ/${id}`);
  const keys: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith(`/api/initiatives/${id}/decisions`)) keys.push(r.headers()['idempotency-key'] ?? '(none)');
  });
  const form = page.locator('form#registrera-beslut');
  await form.getByLabel('Avslag').check();
  await form.getByLabel('Beslutsdatum').fill('2025-06-10');
  await form.getByLabel('Paragraf i protokollet').fill('§ 9');
  await form.getByRole('button', { name: 'Registrera beslutet' }).dblclick();
  await expectSaved(page);
  expect(keys.length).toBeGreaterThanOrEqual(1);
  expect(new Set(keys).size).toBe(1);
  expect(keys[0]).toMatch(/^[0-9a-f-]{32,36}$/);
  const events = (await app.get(`/api/initiatives/${id}/events`)).body as any[];
  expect(events.filter((e) => e.type === 'PartyDecisionRegistered')).toHaveLength(1);
});

it('a clerk proposes an initiative for its own party: strategy links, co-financing in kronor, then its page', async () => {
  const { page } = karlstad;
  await visit(page, '/');
  await page.getByRole('link', { name: 'Lämna ett nytt initiativ' }).click();
  await page.waitForURL('**/initiativ/nytt');
  const form = page.locator('form#nytt-initiativ');
  await expect(form.locator('.fast').textContent()).resolves.toBe('Lämnas av: Karlstad');
  await form.getByLabel('Titel').fill('Vätgas i Värmland');
  await form.getByLabel('Sammanfattning').fill('Tankstationer för vätgas längs E18.');
  await form.getByLabel('Sökt belopp (kr)').fill('12 500 000 kr');
  await form.getByLabel('Stärka konkurrenskraften – Innovationsdrivet näringsliv').check();
  await form.getByLabel('Möter Trafikförsörjningsprogrammets prioriteringar (målbild 2040)').check();
  await form.getByLabel('Medfinansiär').fill('Energimyndigheten');
  await form.getByLabel('Medfinansiering (kr)').fill('2 000 000,50');
  await form.getByRole('button', { name: 'Lämna initiativet' }).click();
  await expectSaved(page);
  const id = new URL(page.url()).pathname.split('/').pop()!;
  await expect(page.locator('h1').textContent()).resolves.toBe('Vätgas i Värmland');
  const made = (await app.get(`/api/initiatives/${id}`)).body;
  expect(made).toMatchObject({
    proposedBy: '1780',
    proposedOn: '2025-06-15',
    requestedAmountOre: 1_250_000_000,
    decisionDeadline: '2025-12-31',
    strategyLinks: [{ area: 'Stärka konkurrenskraften', goal: 'Innovationsdrivet näringsliv' }],
    transportProgramme: true,
    coFinancing: [{ source: 'Energimyndigheten', amountOre: 200_000_050 }],
  });
});
