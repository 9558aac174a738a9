/**
 * WCAG 2.1 A/AA (axe-core in the page) on every page, as the role that sees the most on it, at desktop
 * and phone widths; a screenshot of each for reviewers (artifacts/screenshots/); keyboard basics.
 */
import type { Browser } from 'playwright-core';
import { HttpApp } from '../support/http-app';
import { checkA11y, launchBrowser, openPage, PHONE, screenshot, visit, type OpenedPage, type TestActor } from './browser';
import { seedHistory, type History } from './history';

let app: HttpApp;
let browser: Browser;
let history: History;
const pages: OpenedPage[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([HttpApp.start(), launchBrowser()]);
  history = await seedHistory(app);
});

afterAll(async () => {
  await browser?.close();
  await app?.dispose();
});

afterEach(() => {
  for (const p of pages.splice(0)) expect(p.problems.errors).toEqual([]);
});

const as = async (actor: TestActor | null): Promise<OpenedPage> => {
  const opened = await openPage(browser, app, actor);
  pages.push(opened);
  return opened;
};

/**
 * axe at desktop width and, for the pages whose layout changes most on a phone (`phoneToo`), at phone
 * width as well; then the screenshots.
 */
const checkPage = async (opened: OpenedPage, name: string, phoneToo = false): Promise<void> => {
  await checkA11y(opened.page, `${name} (desktop)`);
  if (phoneToo) {
    await opened.page.setViewportSize(PHONE);
    await checkA11y(opened.page, `${name} (phone)`);
  }
  await screenshot(opened.page, name);
};

it('Översikt: no WCAG 2.1 A/AA violations; filtering by status and year', async () => {
  const opened = await as({ role: 'secretariat' });
  await visit(opened.page, '/');
  await checkPage(opened, 'oversikt', true);
  await visit(opened.page, '/?status=blocked&year=2024');
  await expect(opened.page.locator('#matris tbody tr').count()).resolves.toBe(1);
  await expect(opened.page.locator('#antal-initiativ').textContent()).resolves.toBe('Visar 1 av 4 initiativ.');
  await expect(opened.page.locator('#filter-status').inputValue()).resolves.toBe('blocked');
});

it('Initiativ: no violations, with a clerk’s forms and with the secretariat’s', async () => {
  const clerk = await as({ role: 'clerk', party: '1780' });
  await visit(clerk.page, `/initiativ/${history.open}`);
  await checkPage(clerk, 'initiativ-registrator', true);
  const secretariat = await as({ role: 'secretariat' });
  await visit(secretariat.page, `/initiativ/${history.funded}`);
  await checkPage(secretariat, 'initiativ-sekretariatet');
});

it('a form showing the server’s validation errors: no violations, each message tied to its field', async () => {
  const clerk = await as({ role: 'clerk', party: '1780' });
  const { page } = clerk;
  await visit(page, `/initiativ/${history.open}`);
  const form = page.locator('form#registrera-beslut');
  await form.getByLabel('Beslutsdatum').fill('2025-02-30');
  await form.getByLabel('Beslutande organ').fill('');
  await form.getByRole('button', { name: 'Registrera beslutet' }).click();
  await form.locator('.felsammanfattning').waitFor({ state: 'visible' });
  const invalid = await form.locator('[aria-invalid="true"]').evaluateAll((els) =>
    els.map((el) => ({ name: (el as any).name, describedBy: el.getAttribute('aria-describedby') ?? '' })),
  );
  expect(invalid.map((f) => f.name).sort()).toEqual(expect.arrayContaining(['body', 'decidedOn', 'minuteReference', 'outcome']));
  for (const field of invalid) {
    const errorId = field.describedBy.split(' ')[0]!;
    await expect(page.locator(`#${errorId}`).isVisible()).resolves.toBe(true);
    await expect(page.locator(`#${errorId}`).textContent()).resolves.not.toBe('');
  }
  await checkPage(clerk, 'formular-med-fel');
});

it('Nytt initiativ: no violations', async () => {
  const opened = await as({ role: 'secretariat' });
  await visit(opened.page, '/initiativ/nytt');
  await checkPage(opened, 'nytt-initiativ');
});

it('Fonden: no violations, with finance’s forms, the chart and the ledger', async () => {
  const opened = await as({ role: 'finance' });
  await visit(opened.page, '/fonden');
  await checkPage(opened, 'fonden', true);
});

it('Revision: no violations, also with the verification result shown', async () => {
  const opened = await as({ role: 'auditor' });
  await visit(opened.page, '/revision');
  await checkA11y(opened.page, 'revision');
  await opened.page.click('#verifiera');
  await opened.page.locator('#verifieringsresultat h3').waitFor();
  await checkPage(opened, 'revision');
});

it('Logga in: no violations', async () => {
  const opened = await as(null);
  await visit(opened.page, '/logga-in');
  await checkPage(opened, 'logga-in');
});

it('a page without a session sends the browser to sign in, and back afterwards', async () => {
  const opened = await as(null);
  const res = await opened.page.goto('/fonden');
  expect(new URL(opened.page.url()).pathname).toBe('/logga-in');
  expect(new URL(opened.page.url()).searchParams.get('next')).toBe('/fonden');
  expect(res?.status()).toBe(200);
});

it('keyboard: the skip link is the first stop and moves to the main content; focus is visible', async () => {
  const opened = await as({ role: 'auditor' });
  const { page } = opened;
  await visit(page, '/');
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as any;
    return { text: document.activeElement?.textContent, outline: getComputedStyle(document.activeElement).outlineStyle };
  });
  expect(first).toEqual({ text: 'Hoppa till innehållet', outline: 'solid' });
  await page.keyboard.press('Enter');
  await expect(page.evaluate(() => (globalThis as any).document.activeElement?.id)).resolves.toBe('innehall');
  // The matrix scrolls in its own region, which the keyboard can reach.
  await expect(page.locator('.matris-ram').getAttribute('tabindex')).resolves.toBe('0');
  // Signed in as: the name and the role in Swedish; no form for an auditor anywhere.
  await expect(page.locator('.inloggad').textContent()).resolves.toMatch(/Test auditor\s*Revisor/);
  await visit(page, `/initiativ/${history.fresh}`);
  await expect(page.locator('form.api-form').count()).resolves.toBe(0);
});
