/**
 * Signing in in a real browser: through a real OpenID Connect provider (oidc-provider, started by the test on
 * localhost) to the overview as one's role; with a pasted token from `dgr token`; and signing out.
 * The sign-in page passes axe-core (WCAG 2.1 A/AA) in each state, and is photographed.
 */
import type { Browser } from 'playwright-core';
import { HttpApp, tokenFor } from '../support/http-app';
import { freePort, oidcEnv, startOidcProvider, type OidcProvider } from '../support/oidc-provider';
import { checkA11y, launchBrowser, openPage, screenshot, visit } from './browser';

describe('signing in in the browser', () => {
  let browser: Browser;
  let app: HttpApp;
  let provider: OidcProvider;

  beforeAll(async () => {
    browser = await launchBrowser();
    const port = await freePort();
    app = await HttpApp.start({ env: { ...oidcEnv(`http://127.0.0.1:${port}`), DGR_WEB_DEV_SIGN_IN: 'true' } });
    provider = await startOidcProvider({ port, redirectUri: `${app.baseUrl}/auth/callback` });
  });
  afterAll(async () => {
    await browser?.close();
    await provider?.stop();
    await app?.dispose();
  });

  it('a page asked for without a session leads to the sign-in page, which passes axe and is photographed', async () => {
    const { page, context, problems } = await openPage(browser, app, null);
    await visit(page, '/fonden', 200);
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Logga in');
    await checkA11y(page, 'the sign-in page');
    await screenshot(page, 'logga-in');
    expect(problems.errors).toEqual([]);
    await context.close();
  });

  it("the page's icon loads: no 404 for it (or for /favicon.ico) and no console error", async () => {
    const { page, context } = await openPage(browser, app, null);
    const refused: string[] = [];
    const consoleErrors: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    // Headless Chromium asks for the icon the page names; a browser with a tab bar asks for /favicon.ico when it names none.
    const icon = page.waitForResponse((r) => /^\/(favicon\.ico|assets\/icon\.svg)$/.test(new URL(r.url()).pathname), { timeout: 10_000 });
    await visit(page, '/logga-in');
    const answer = await icon;
    expect([answer.status(), answer.headers()['content-type']]).toEqual([200, 'image/svg+xml']);
    expect(refused).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('a clerk signs in through the identity provider and lands on the overview as the clerk of their party', async () => {
    const { page, context, problems } = await openPage(browser, app, null);
    await visit(page, '/logga-in');
    await page.getByRole('link', { name: 'Logga in via Region Värmland' }).click();
    // The provider's own sign-in form (oidc-provider's development pages).
    await page.waitForURL((url) => url.origin === provider.issuer, { waitUntil: 'domcontentloaded' });
    await page.locator('input[name="login"]').fill('karlstad');
    await page.locator('input[name="password"]').fill('vad-som-helst');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${app.baseUrl}/`);
    problems.errors.length = 0; // what the provider's own pages logged is not ours to judge
    await page.reload();
    const signedIn = page.locator('.inloggad');
    expect(await signedIn.textContent()).toContain('Karin Karlstad');
    expect(await signedIn.textContent()).toContain('Registrator för Karlstad');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Översikt/);
    await checkA11y(page, 'the overview after signing in');
    expect(problems.errors).toEqual([]);

    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.waitForURL(/\/logga-in\?utloggad/);
    expect(await page.locator('main').textContent()).toContain('Du är utloggad.');
    await visit(page, '/');
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    await context.close();
  });

  it('an account without a DGR role is told why and stays signed out; the error state passes axe', async () => {
    const { page, context } = await openPage(browser, app, null);
    await visit(page, '/logga-in');
    await page.getByRole('link', { name: 'Logga in via Region Värmland' }).click();
    await page.waitForURL((url) => url.origin === provider.issuer, { waitUntil: 'domcontentloaded' });
    await page.locator('input[name="login"]').fill('utanroll');
    await page.locator('input[name="password"]').fill('vad-som-helst');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(/\/auth\/callback/);
    expect(await page.getByRole('alert').textContent()).toContain('Ditt konto har ingen roll i DGR');
    await checkA11y(page, 'the sign-in page with a refusal');
    await screenshot(page, 'logga-in-avvisad');
    expect((await context.cookies()).map((c) => c.name)).not.toContain('dgr_session');
    await context.close();
  });

  it('a token from `dgr token` pasted into the form signs in; a wrong one is explained beside the field', async () => {
    const { page, context } = await openPage(browser, app, null);
    await visit(page, '/logga-in?next=/fonden');
    await page.getByRole('textbox', { name: 'Token' }).fill('inte-en-token');
    await page.getByRole('button', { name: 'Logga in med token' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#token-fel').textContent()).toMatch(/^Token avvisades/);
    expect(await page.getByRole('textbox', { name: 'Token' }).getAttribute('aria-invalid')).toBe('true');
    await checkA11y(page, 'the sign-in page with a wrong token');
    await page.getByRole('textbox', { name: 'Token' }).fill(tokenFor('finance'));
    await page.getByRole('button', { name: 'Logga in med token' }).click();
    await page.waitForURL(`${app.baseUrl}/fonden`);
    expect(await page.locator('.inloggad').textContent()).toContain('Ekonomi');
    await context.close();
  });

  it('the dev sign-in (switched on here) signs in as the chosen role by keyboard alone', async () => {
    const { page, context } = await openPage(browser, app, null);
    await visit(page, '/logga-in');
    await page.getByLabel('Roll').selectOption('auditor');
    await page.getByLabel('Namn').focus();
    await page.keyboard.type('Rut Revisor');
    await page.getByRole('button', { name: 'Provlogga in' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.baseUrl}/`);
    expect(await page.locator('.inloggad').textContent()).toContain('Revisor');
    await context.close();
  });
});
