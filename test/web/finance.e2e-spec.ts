/**
 * Finance in the browser: grants an initiative with consensus, pays out, and sees the key figures, the
 * chart and the ledger change; kronor typed the Swedish way become öre; a double click deposits once.
 */
import type { Browser } from 'playwright-core';
import { HttpApp } from '../support/http-app';
import { expectSaved, launchBrowser, openPage, visit, type OpenedPage } from './browser';
import { seedHistory, type History } from './history';

let app: HttpApp;
let browser: Browser;
let history: History;
let finance: OpenedPage;

beforeAll(async () => {
  [app, browser] = await Promise.all([HttpApp.start(), launchBrowser()]);
  history = await seedHistory(app);
  finance = await openPage(browser, app, { role: 'finance' });
});

afterAll(async () => {
  await browser?.close();
  await app?.dispose();
});

afterEach(() => {
  expect(finance.problems.errors).toEqual([]);
});

it('finance grants an initiative with consensus from its page', async () => {
  const { page } = finance;
  await visit(page, `/initiativ/${history.fresh}`);
  const form = page.locator('form#bevilja');
  await form.getByLabel('Belopp (kr)').fill('8 000 000');
  await form.getByLabel('Beslutsdatum').fill('2025-06-12');
  await form.getByLabel('Referens').fill('RS 2025/301');
  await form.getByRole('button', { name: 'Bevilja' }).click();
  await expectSaved(page);
  await expect(page.locator('.fakta').textContent()).resolves.toContain('Beviljat8 000 000,00 kr');
  await expect(page.locator('form#bevilja').count()).resolves.toBe(0);
  expect((await app.get(`/api/initiatives/${history.fresh}`)).body.grantedOre).toBe(800_000_000);
});

it('finance pays out, and the key figures, the chart and the ledger change', async () => {
  const { page } = finance;
  await visit(page, '/fonden');
  const balanceBefore = await page.locator('#saldo').textContent();
  expect(balanceBefore).toBe('178 000 000,00 kr');
  const chart2025 = page.locator('svg g.ar[data-year="2025"] text.varde');
  await expect(chart2025.allTextContents()).resolves.toEqual(['178 Mkr', '0 Mkr']);
  const ledgerRows = await page.locator('#huvudbok tbody tr').count();

  const form = page.locator('form#utbetalning');
  await form.getByLabel('Initiativ').selectOption(history.fresh);
  await form.getByLabel('Belopp (kr)').fill('1 250 000,50');
  await form.getByLabel('Bokföringsdag').fill('2025-06-13');
  await form.getByLabel('Verifikation').fill('Ver 2025-0611');
  await form.getByRole('button', { name: 'Betala ut' }).click();
  await expectSaved(page);

  await expect(page.locator('#saldo').textContent()).resolves.toBe('176 749 999,50 kr');
  await expect(page.locator('#beviljat').textContent()).resolves.toBe('14 749 999,50 kr');
  await expect(chart2025.allTextContents()).resolves.toEqual(['177 Mkr', '−1,3 Mkr']);
  await expect(page.locator('#ar-tabell tr[data-year="2025"]').textContent()).resolves.toMatch(/2025.*1 250 000,50 kr.*176 749 999,50 kr.*−1 250 000,50 kr/s);
  await expect(page.locator('#huvudbok tbody tr').count()).resolves.toBe(ledgerRows + 1);
  await expect(page.locator('#huvudbok tbody tr').last().textContent()).resolves.toMatch(/2025-06-13.*Utbetalning.*−1 250 000,50 kr.*Besöksnäringen i Värmland.*Ver 2025-0611.*176 749 999,50 kr/s);

  const ledger = (await app.get('/api/fund/ledger')).body as any[];
  expect(ledger[ledger.length - 1]).toMatchObject({ type: 'FundWithdrawn', initiativeId: history.fresh, amountOre: 125_000_050, bookedOn: '2025-06-13' });
});

it('an amount that is not kronor is caught before sending, beside the field', async () => {
  const { page } = finance;
  await visit(page, '/fonden');
  const form = page.locator('form#insattning');
  let sent = 0;
  page.on('request', (r) => {
    if (r.method() === 'POST') sent++;
  });
  await form.getByLabel('Belopp (kr)').fill('tolv miljoner');
  await form.getByRole('button', { name: 'Sätt in' }).click();
  const amount = form.getByLabel('Belopp (kr)');
  await expect(amount.getAttribute('aria-invalid')).resolves.toBe('true');
  const describedBy = (await amount.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.endsWith('-fel'))!;
  await expect(page.locator(`#${errorId}`).textContent()).resolves.toBe('Ange ett belopp i kronor, till exempel 1 250 000 eller 1 250 000,50.');
  expect(sent).toBe(0);
});

it('a double click deposits once', async () => {
  const { page } = finance;
  await visit(page, '/fonden');
  const before = ((await app.get('/api/fund/ledger')).body as any[]).length;
  const form = page.locator('form#insattning');
  await form.getByLabel('Belopp (kr)').fill('2 000 000');
  await form.getByLabel('Källa').fill('Kommunalförbundet Region Värmland');
  await form.getByLabel('Bokföringsdag').fill('2025-06-14');
  await form.getByLabel('Verifikation').fill('Ver 2025-0614');
  // Two clicks, and two more submits of the same form straight after: one deposit.
  await form.getByRole('button', { name: 'Sätt in' }).dblclick();
  await form.evaluate((f: any) => {
    f.requestSubmit();
    f.requestSubmit();
  }).catch(() => undefined); // the page may already be navigating
  await expectSaved(page);
  const ledger = (await app.get('/api/fund/ledger')).body as any[];
  expect(ledger).toHaveLength(before + 1);
  expect(ledger.filter((b) => b.reference === 'Ver 2025-0614')).toHaveLength(1);
});
