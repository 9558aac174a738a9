/**
 * Versions of a proposal in the browser (issue 15): the secretariat revises an initiative four parties had
 * approved; the matrix marks those approvals as of an earlier version in words and with a version mark, the
 * initiative page shows the versions and a word diff of two chosen with a GET form, and the clerk's form names
 * the version and hash it registers on. axe-clean throughout.
 */
import type { Browser } from 'playwright-core';
import { decideAll, HttpApp, propose } from '../support/http-app';
import { checkA11y, expectSaved, launchBrowser, openPage, visit, type OpenedPage } from './browser';

let app: HttpApp;
let browser: Browser;
let secretariat: OpenedPage;
let karlstad: OpenedPage;
let id: string;

const FOUR = ['1780', '1784', '1715', '1730'];

beforeAll(async () => {
  [app, browser] = await Promise.all([HttpApp.start(), launchBrowser()]);
  id = await propose(app, { title: 'Cykelleder i Värmland', summary: 'Sammanhängande cykelleder mellan tätorterna.', proposedOn: '2025-02-01', decisionDeadline: '2025-12-31', requestedAmountOre: 500_000_000 });
  await decideAll(app, id, { parties: FOUR, decidedOn: () => '2025-04-15' });
  secretariat = await openPage(browser, app, { role: 'secretariat' });
  karlstad = await openPage(browser, app, { role: 'clerk', party: '1780' });
});

afterAll(async () => {
  await browser?.close();
  await app?.dispose();
});

afterEach(() => {
  expect(secretariat.problems.errors).toEqual([]);
  expect(karlstad.problems.errors).toEqual([]);
});

it('the secretariat revises the proposal in the form; the page lists both versions and the word diff', async () => {
  const { page } = secretariat;
  await visit(page, `/initiativ/${id}`);
  await expect(page.locator('#versioner').textContent()).resolves.toMatch(/Gällande version: version 1/);
  // Only one version: nothing to compare yet.
  await expect(page.locator('pre.versionsdiff').count()).resolves.toBe(0);
  const form = page.locator('form#revidera');
  await form.getByLabel('Skäl för ändringen').fill('Beloppet sänks efter beredningen i VRAU.');
  await form.getByLabel('Datum').fill('2025-05-01');
  await form.getByLabel('Sammanfattning').fill('Sammanhängande och belysta cykelleder mellan tätorterna.');
  await form.getByLabel('Sökt belopp (kr)').fill('4 000 000');
  await form.getByRole('button', { name: 'Spara ny version' }).click();
  await expectSaved(page);

  await expect(page.locator('#versioner').textContent()).resolves.toMatch(/Gällande version: version 2/);
  await expect(page.locator('#versionstabell tr[data-version="2"]').textContent()).resolves.toMatch(
    /Version 2 \(gällande\).*2025-05-01.*sammanfattning, sökt belopp.*Beloppet sänks efter beredningen i VRAU\./s,
  );
  await expect(page.locator('#ska-besluta-igen').textContent()).resolves.toMatch(/Karlstad.*godkände version 1/);
  // The diff of the last two versions: removed words struck through, added ones underlined, each also said in words.
  const diff = page.locator('pre.versionsdiff');
  await expect(diff.locator('del').allTextContents()).resolves.toEqual(expect.arrayContaining([expect.stringMatching(/\[borttaget: 5\]/)]));
  await expect(diff.locator('ins').allTextContents()).resolves.toEqual(['[tillagt: och belysta ]', '[tillagt: 4]']);
  await checkA11y(page, 'the initiative page with two versions');
});

it('two versions are chosen with a plain GET form; the same version twice shows no change', async () => {
  const { page } = secretariat;
  await visit(page, `/initiativ/${id}`);
  await page.locator('#jamfor-fran').selectOption('2');
  await page.locator('#jamfor-till').selectOption('2');
  await page.getByRole('button', { name: 'Jämför' }).click();
  await page.waitForURL(/fran=2&till=2/);
  await expect(page.locator('#jamforelse-text').textContent()).resolves.toBe(
    'Skillnader från version 2 till version 2: borttagen text är överstruken, tillagd text understruken.',
  );
  await expect(page.locator('pre.versionsdiff del, pre.versionsdiff ins').count()).resolves.toBe(0);
  await visit(page, `/initiativ/${id}?fran=2&till=1`);
  await expect(page.locator('pre.versionsdiff del').allTextContents()).resolves.toEqual(expect.arrayContaining([expect.stringMatching(/belysta/)]));
});

it('the matrix marks an approval of an earlier version with text and a version mark, not only colour', async () => {
  const { page } = secretariat;
  await visit(page, '/');
  const cell = page.locator(`tr[data-initiative="${id}"] td[data-party="1780"]`);
  await expect(cell.getAttribute('class')).resolves.toBe('cell tidigare-version');
  await expect(cell.locator('.visually-hidden').textContent()).resolves.toBe('Godkände version 1, ska besluta på nytt om version 2');
  await expect(cell.locator('[aria-hidden="true"]').textContent()).resolves.toBe('↻v1');
  await expect(page.locator(`tr[data-initiative="${id}"] td[data-party="1785"] .visually-hidden`).textContent()).resolves.toBe('Saknas');
  await expect(page.locator('#teckenforklaring').textContent()).resolves.toContain('Godkände en tidigare version av förslaget');
  await checkA11y(page, 'the overview with an approval of an earlier version');
});

it('the clerk’s form names the version and hash; registering on it makes the approval count again', async () => {
  const { page } = karlstad;
  const detail = await app.get(`/api/initiatives/${id}`);
  await visit(page, `/initiativ/${id}`);
  const form = page.locator('form#registrera-beslut');
  await expect(page.locator('#registrera-beslut-rubrik').locator('xpath=..').textContent()).resolves.toContain(
    `Beslutet registreras på version 2 av förslaget, texthash ${detail.body.textHash as string}`,
  );
  await checkA11y(page, 'the clerk’s form after a revision');
  await form.getByLabel('Bifall (godkänt)').check();
  await form.getByLabel('Beslutsdatum').fill('2025-06-09');
  await form.getByLabel('Paragraf i protokollet').fill('§ 140');
  await form.getByRole('button', { name: 'Registrera beslutet' }).click();
  await expectSaved(page);
  await expect(page.locator('table.beslut tr[data-party="1780"]').textContent()).resolves.toMatch(/Godkänt.*version 2/s);
  await visit(page, '/');
  const cell = page.locator(`tr[data-initiative="${id}"] td[data-party="1780"] .visually-hidden`);
  await expect(cell.textContent()).resolves.toMatch(/^Godkänt/);
});
