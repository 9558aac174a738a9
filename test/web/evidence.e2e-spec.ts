/**
 * The minutes extract in the browser: Karlstad's clerk attaches the PDF on the initiative page (the file is
 * sent as the raw body, no multipart), every reader sees the download link with its size and hash and gets the
 * same bytes; a file that is not a PDF is refused beside the field with the server's message and nothing
 * recorded; another party's clerk gets no upload form. Axe clean with the form, the error and the link.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { tinyPdf } from '../../apps/cli/src/tiny-pdf';
import { decision, HttpApp, propose } from '../support/http-app';
import { checkA11y, expectSaved, launchBrowser, openPage, visit, type OpenedPage } from './browser';

let app: HttpApp;
let browser: Browser;
let karlstad: OpenedPage;
let id: string;
let dir: string;

beforeAll(async () => {
  [app, browser] = await Promise.all([HttpApp.start(), launchBrowser()]);
  id = await propose(app, { title: 'Bredband i hela Värmland' });
  for (const party of ['1780', '1784']) {
    const res = await app.post(`/api/initiatives/${id}/decisions`, decision(party));
    if (res.status !== 201) throw new Error(res.text);
  }
  karlstad = await openPage(browser, app, { role: 'clerk', party: '1780' });
  dir = fs.mkdtempSync(path.join(app.dir, 'filer-'));
});

afterAll(async () => {
  await browser?.close();
  await app?.dispose();
});

afterEach(() => {
  expect(karlstad.problems.errors).toEqual([]);
});

it('refuses a file that is not a PDF beside the field, with the server’s message, recording nothing', async () => {
  const { page } = karlstad;
  await visit(page, `/initiativ/${id}`);
  const fake = path.join(dir, 'protokoll.pdf');
  fs.writeFileSync(fake, 'Detta är ingen PDF, bara ett namn som slutar på .pdf');
  const before = await app.position();
  const form = page.locator('form#protokollsutdrag');
  await form.getByLabel('PDF-fil').setInputFiles(fake);
  await form.getByRole('button', { name: 'Bifoga utdraget' }).click();
  const fieldError = form.locator('[data-field="file"] .fel');
  await fieldError.waitFor();
  await expect(fieldError.textContent()).resolves.toMatch(/ska vara en PDF-fil/);
  await expect(form.getByLabel('PDF-fil').getAttribute('aria-invalid')).resolves.toBe('true');
  expect(await app.position()).toBe(before);
  await checkA11y(page, 'the initiative page with a refused upload');
});

it('Karlstad’s clerk attaches the minutes extract; readers see the link and download the same bytes', async () => {
  const { page } = karlstad;
  await visit(page, `/initiativ/${id}`);
  const pdf = tinyPdf(['Kommunfullmäktige i Karlstad 2024-04-15, § 42', 'Beslut: bifall']);
  const file = path.join(dir, 'utdrag.pdf');
  fs.writeFileSync(file, pdf);
  const form = page.locator('form#protokollsutdrag');
  await expect(page.locator('#protokollsutdrag-rubrik').textContent()).resolves.toBe('Protokollsutdrag för Karlstads beslut');
  await form.getByLabel('PDF-fil').setInputFiles(file);
  await form.getByRole('button', { name: 'Bifoga utdraget' }).click();
  await expectSaved(page);

  const hash = createHash('sha256').update(pdf).digest('hex');
  const link = page.locator('table.beslut tr[data-party="1780"] a.bevis');
  await expect(link.textContent()).resolves.toBe(`Protokollsutdrag (PDF, ${pdf.length} byte)`);
  await expect(page.locator('table.beslut tr[data-party="1780"] code.hash').getAttribute('title')).resolves.toBe(hash);
  await expect(page.locator('table.beslut tr[data-party="1784"] a.bevis').count()).resolves.toBe(0);
  await expect(page.locator('.tidslinje li').last().textContent()).resolves.toContain(`Karlstad: protokollsutdrag bifogat (PDF, ${pdf.length} byte, SHA-256 ${hash}).`);
  await expect(page.locator('section[aria-labelledby="protokollsutdrag-rubrik"] > p').first().textContent()).resolves.toMatch(/redan bifogat.*ersätter/);
  await checkA11y(page, 'the initiative page with evidence');

  // An auditor (a reader) downloads it through the link: the same bytes.
  const auditor = await openPage(browser, app, { role: 'auditor' });
  try {
    await visit(auditor.page, `/initiativ/${id}`);
    await expect(auditor.page.locator('form#protokollsutdrag').count()).resolves.toBe(0);
    const [download] = await Promise.all([auditor.page.waitForEvent('download'), auditor.page.locator('tr[data-party="1780"] a.bevis').click()]);
    expect(download.suggestedFilename()).toBe(`protokollsutdrag-1780-${id}.pdf`);
    expect(fs.readFileSync((await download.path())!).equals(pdf)).toBe(true);
    await checkA11y(auditor.page, 'the initiative page for a reader');
  } finally {
    await auditor.context.close();
  }
});

it('another party’s clerk gets the upload form only for its own decision', async () => {
  const arvika = await openPage(browser, app, { role: 'clerk', party: '1784' });
  try {
    await visit(arvika.page, `/initiativ/${id}`);
    await expect(arvika.page.locator('#protokollsutdrag-rubrik').textContent()).resolves.toBe('Protokollsutdrag för Arvikas beslut');
    await expect(arvika.page.locator('form#protokollsutdrag').getAttribute('data-api')).resolves.toBe(`/api/initiatives/${id}/decisions/1784/evidence`);
  } finally {
    await arvika.context.close();
  }
});
