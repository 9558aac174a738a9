/**
 * An auditor in the browser: verifies the log and sees the result, downloads the exports and reads the
 * annual report with the session cookie; a log altered behind the service's back is reported, naming the event.
 */
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { HttpApp } from '../support/http-app';
import { launchBrowser, openPage, visit, type OpenedPage } from './browser';
import { seedHistory } from './history';

let app: HttpApp;
let browser: Browser;
let auditor: OpenedPage;

beforeAll(async () => {
  [app, browser] = await Promise.all([HttpApp.start(), launchBrowser()]);
  await seedHistory(app);
  auditor = await openPage(browser, app, { role: 'auditor' });
});

afterAll(async () => {
  await browser?.close();
  await app?.dispose();
});

afterEach(() => {
  expect(auditor.problems.errors).toEqual([]);
});

it('an auditor runs the verification and sees the result in the live region', async () => {
  const { page } = auditor;
  await visit(page, '/revision');
  const events = await app.position();
  await expect(page.locator('.kontrollpunkt').textContent()).resolves.toContain(`Antal händelser${events}`);
  const result = page.locator('#verifieringsresultat');
  await expect(result.getAttribute('role')).resolves.toBe('status');
  await page.getByRole('button', { name: 'Verifiera loggen' }).click();
  await result.locator('h3').waitFor();
  await expect(result.locator('h3').textContent()).resolves.toBe('✓ Loggen är oförändrad');
  await expect(result.getAttribute('class')).resolves.toBe('resultat ok');
  const text = await result.textContent();
  expect(text).toContain(`Händelser${events}`);
  expect(text).toContain('Avvikelser0');
  expect(text).toContain(`Loggen är oförändrad: alla ${events} händelser`);
});

it('the downloads work with the session cookie', async () => {
  const { page } = auditor;
  await visit(page, '/revision');
  const download = async (name: string) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name, exact: true }).click()]);
    return { filename: file.suggestedFilename(), failure: await file.failure() };
  };
  const jsonl = await download('Hela loggen (JSON Lines)');
  expect(jsonl.failure).toBeNull();
  expect(jsonl.filename).toMatch(/\.jsonl$/);
  const sie = await download('SIE 2023');
  expect(sie.failure).toBeNull();
  expect(sie.filename).toMatch(/2023.*\.se$/);
  // The annual report as a page of its own.
  await page.getByRole('link', { name: 'webbsida 2023' }).click();
  await page.waitForURL('**/api/reports/annual/2023?format=html');
  await expect(page.locator('h1').first().textContent()).resolves.toContain('2023');
});

it('a log altered behind the service’s back is reported, naming the event', async () => {
  const { page } = auditor;
  const db = new Database(app.sqliteFile);
  try {
    db.prepare("UPDATE events SET data = replace(data, 'Ver 2022-0031', 'Ver 2022-9999') WHERE position = 2").run();
  } finally {
    db.close();
  }
  await visit(page, '/revision');
  await page.getByRole('button', { name: 'Verifiera loggen' }).click();
  const result = page.locator('#verifieringsresultat');
  await result.locator('h3').waitFor();
  await expect(result.locator('h3').textContent()).resolves.toBe('✗ Loggen stämmer inte');
  await expect(result.getAttribute('class')).resolves.toBe('resultat inte-ok');
  await expect(result.locator('ul li').first().textContent()).resolves.toMatch(/position 2/);
});
