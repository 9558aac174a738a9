/**
 * Browser tests: playwright-core driving Debian's Chromium (no browser download), against the real app
 * (test/support/http-app.ts) on a temporary SQLite file. One browser per test file.
 *
 * - `launchBrowser()`: /usr/bin/chromium, or CHROMIUM_PATH; fails with what to install when missing.
 * - `openPage(browser, app, actor)`: a fresh context signed in through POST /auth/token (the session cookie).
 * - `checkA11y(page)`: axe-core in the page, WCAG 2.1 A and AA; fails listing every violation.
 * - `screenshot(page, name)`: artifacts/screenshots/<name>-desktop.png (1280 px) and -phone.png (390 px).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { tokenFor, type HttpApp } from '../support/http-app';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const SCREENSHOT_DIR = path.join(__dirname, '..', '..', 'artifacts', 'screenshots');

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export const launchBrowser = async (): Promise<Browser> => {
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM_PATH}, and it is not there. ` +
        'Install Debian\'s package: `apt-get install -y chromium` (as root; .ci/run does it), ' +
        'or set CHROMIUM_PATH to a Chromium or Chrome binary. No browser is downloaded by npm.',
    );
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', '--lang=sv-SE'],
  });
};

export type Role = 'secretariat' | 'clerk' | 'finance' | 'auditor';
export interface TestActor {
  readonly role: Role;
  readonly party?: string;
}

/** What went wrong inside the page: uncaught errors and console errors (a CSP refusal is one). */
export interface PageProblems {
  readonly errors: string[];
}

const watch = (page: Page): PageProblems => {
  const problems: PageProblems = { errors: [] };
  page.on('pageerror', (e) => problems.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A refused request (403, 400 …) is logged by Chromium as a console error; that is the test's point, not a fault.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of [45]\d\d/.test(m.text()))
      problems.errors.push(`console: ${m.text()}`);
  });
  return problems;
};

export interface OpenedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly problems: PageProblems;
}

/** Signs the context in as `actor` the way a pasted token does: POST /auth/token sets the session cookie. */
export const signIn = async (context: BrowserContext, app: HttpApp, actor: TestActor): Promise<void> => {
  const res = await context.request.post(`${app.baseUrl}/auth/token`, { data: { token: tokenFor(actor.role, actor.party) } });
  if (res.status() !== 204) throw new Error(`sign-in as ${actor.role}: ${res.status()} ${await res.text()}`);
};

/** A new context (its own cookies) and page, signed in as `actor` unless it is null. */
export const openPage = async (browser: Browser, app: HttpApp, actor: TestActor | null, viewport = DESKTOP): Promise<OpenedPage> => {
  const context = await browser.newContext({ baseURL: app.baseUrl, viewport, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  if (actor) await signIn(context, app, actor);
  const page = await context.newPage();
  return { context, page, problems: watch(page) };
};

let axeSource: string | null = null;

/**
 * Runs axe-core in the page against WCAG 2.1 A and AA and fails with a readable list of the violations.
 * The script is evaluated through the DevTools protocol, which the pages' CSP (script-src 'self') does not
 * govern, so the pages are tested with their real CSP.
 */
export const checkA11y = async (page: Page, what: string = page.url()): Promise<void> => {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(() => typeof (globalThis as any).axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as any;
    const result: { violations: any[] } = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id as string,
      impact: v.impact as string,
      help: v.help as string,
      nodes: (v.nodes as any[]).slice(0, 5).map((n) => `${(n.target as string[]).join(' ')}: ${String(n.failureSummary).replace(/\s+/g, ' ')}`),
    }));
  });
  if (violations.length > 0)
    throw new Error(
      `axe-core found ${violations.length} WCAG 2.1 A/AA violation(s) on ${what}:\n` +
        violations.map((v) => `- ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n'),
    );
};

/** Full-page PNGs of the page at desktop and phone widths (the viewport is restored afterwards). */
export const screenshot = async (page: Page, name: string): Promise<void> => {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  for (const [suffix, size] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${suffix}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
};

/** Navigates and fails unless the page answers `status` (200 by default). */
export const visit = async (page: Page, url: string, status = 200): Promise<void> => {
  const res = await page.goto(url);
  if (!res) throw new Error(`no answer for ${url}`);
  if (res.status() !== status) throw new Error(`${url}: ${res.status()} (expected ${status})\n${(await res.text()).slice(0, 500)}`);
};

/** Waits for the navigation a successful form causes and the "Sparat" announcement after it. */
export const expectSaved = async (page: Page): Promise<void> => {
  await page.locator('#meddelande', { hasText: 'Sparat' }).waitFor({ timeout: 10_000 });
};
