/**
 * The public pages (/publikt) in a real browser, without signing in: WCAG 2.1 A/AA (axe-core) at desktop
 * and phone widths, screenshots, the keyboard (skip link, the scrolling matrix, links to an initiative),
 * and what a visitor sees: the matrix, an initiative's decisions and money, the fund, the checkpoint.
 */
import type { Browser } from 'playwright-core';
import { HttpApp } from '../support/http-app';
import { checkA11y, launchBrowser, openPage, PHONE, screenshot, visit, type OpenedPage } from './browser';
import { seedHistory, type History } from './history';

let app: HttpApp;
let browser: Browser;
let history: History;
const pages: OpenedPage[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([HttpApp.start(), launchBrowser()]);
  history = await seedHistory(app);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.dispose();
});

afterEach(async () => {
  for (const p of pages.splice(0)) {
    expect(p.problems.errors).toEqual([]);
    await p.context.close();
  }
});

const visitor = async (): Promise<OpenedPage> => {
  const opened = await openPage(browser, app, null);
  pages.push(opened);
  return opened;
};

const checkBothWidths = async (opened: OpenedPage, name: string): Promise<void> => {
  await checkA11y(opened.page, `${name} (desktop)`);
  await opened.page.setViewportSize(PHONE);
  await checkA11y(opened.page, `${name} (phone)`);
  // Nothing but the scrolling regions is wider than the phone.
  const overflow = await opened.page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).document.documentElement.clientWidth);
  expect({ name, overflow }).toEqual({ name, overflow: 0 });
  await screenshot(opened.page, name);
};

it('Publikt: the matrix without sign-in, axe clean at desktop and phone widths', async () => {
  const opened = await visitor();
  const { page } = opened;
  await visit(page, '/publikt');
  await expect(page.locator('h1').textContent()).resolves.toBe('De gemensamma resurserna – beslut och pengar');
  await expect(page.locator('#matris tbody tr').count()).resolves.toBe(4);
  const blocked = page.locator(`#matris tr[data-initiative="${history.blocked}"]`);
  await expect(blocked.locator('td[data-party="1784"] .visually-hidden').textContent()).resolves.toBe('Avslaget');
  await expect(page.locator('.huvudmeny a[aria-current="page"]').textContent()).resolves.toBe('Initiativ och beslut');
  await expect(page.locator('.inloggad').count()).resolves.toBe(0);
  await checkBothWidths(opened, 'publikt');
});

it('Publikt: by keyboard, the skip link, the matrix region and an initiative', async () => {
  const opened = await visitor();
  const { page } = opened;
  await visit(page, '/publikt');
  await page.keyboard.press('Tab');
  await expect(page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).resolves.toBe('Hoppa till innehållet');
  await page.keyboard.press('Enter');
  await expect(page.evaluate(() => (globalThis as any).document.activeElement?.id)).resolves.toBe('innehall');
  // Tab on until the matrix' scrolling region, then into its first link.
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => (globalThis as any).document.activeElement?.classList.contains('matris-ram'))) break;
  }
  await expect(page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('aria-labelledby'))).resolves.toBe('matris-rubrik');
  const outline = await page.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.activeElement).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Tab');
  await Promise.all([page.waitForURL(/\/publikt\/initiativ\//), page.keyboard.press('Enter')]);
  await expect(page.locator('h1').count()).resolves.toBe(1);
});

it('Initiativ: decisions, money and history by organisation and role, axe clean at both widths', async () => {
  const opened = await visitor();
  const { page } = opened;
  await visit(page, `/publikt/initiativ/${history.funded}`);
  await expect(page.locator('h1').textContent()).resolves.toBe('Kompetensplattform Värmland');
  await expect(page.locator('#beslut tbody tr').count()).resolves.toBe(17);
  await expect(page.locator('#beslut tr[data-party="1780"] th').textContent()).resolves.toBe('Karlstads kommun');
  await expect(page.locator('#beslut tr[data-party="1780"]').textContent()).resolves.toContain('Laga kraft från');
  await expect(page.locator('#utbetalt').textContent()).resolves.toBe('22 000 000,00 kr');
  await expect(page.locator('#bokningar tbody tr').count()).resolves.toBe(2);
  await expect(page.locator('#historik').textContent()).resolves.toContain('Karlstads kommun, registrator');
  await expect(page.locator('body').textContent()).resolves.not.toContain('Test clerk');
  await checkBothWidths(opened, 'publikt-initiativ');
});

it('Fonden: the years as a chart and a table, the ledger, axe clean at both widths', async () => {
  const opened = await visitor();
  const { page } = opened;
  await visit(page, '/publikt/fonden');
  await expect(page.locator('#ar-tabell tbody tr').count()).resolves.toBe(4);
  await expect(page.locator('svg[role="img"] title').textContent()).resolves.toBe('Fondens utgående balans och förändring per år');
  await expect(page.locator('#huvudbok tbody tr').count()).resolves.toBe(5);
  await checkBothWidths(opened, 'publikt-fonden');
});

it('Kontrollpunkt: the signed checkpoint, the key and how to verify, axe clean at both widths', async () => {
  const opened = await visitor();
  const { page } = opened;
  await visit(page, '/publikt/kontrollpunkt');
  const checkpoint = (await app.get('/api/audit/checkpoint')).body;
  await expect(page.locator('#storlek').textContent()).resolves.toBe(String(checkpoint.size));
  await expect(page.locator('#kontrollpunkt').textContent()).resolves.toContain(checkpoint.root);
  await expect(page.locator('pre.nyckel').textContent()).resolves.toContain('BEGIN PUBLIC KEY');
  await expect(page.locator('body').textContent()).resolves.toContain('npx dgr verify-public');
  await checkBothWidths(opened, 'publikt-kontrollpunkt');
});

it('an unknown initiative is a 404 page, axe clean', async () => {
  const opened = await visitor();
  const { page } = opened;
  await visit(page, '/publikt/initiativ/finns-inte', 404);
  await expect(page.locator('h1').textContent()).resolves.toBe('Finns inte');
  await checkA11y(page, 'publikt 404');
});
