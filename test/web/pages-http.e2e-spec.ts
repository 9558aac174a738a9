/**
 * The pages over plain HTTP (no browser): who gets a page and who is sent to sign in, headers, escaping of
 * what users typed, unknown initiatives, and the assets folder serving nothing else.
 */
import { HttpApp, propose, tokenFor } from '../support/http-app';

let app: HttpApp;
let initiative: string;

const XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>';

beforeAll(async () => {
  app = await HttpApp.start();
  initiative = await propose(app, { title: XSS, summary: `Sammanfattning ${XSS}`, proposedOn: '2025-03-01', decisionDeadline: '2025-12-31' });
});

afterAll(async () => {
  await app.dispose();
});

const page = (path: string, token: string | null = tokenFor('auditor')) =>
  fetch(app.baseUrl + path, { redirect: 'manual', headers: token ? { authorization: `Bearer ${token}` } : {} });

it.each(['/', '/?status=open&year=2025', '/fonden', '/revision', '/initiativ/nytt'])('%s without a session: 303 to sign in, coming back afterwards', async (path) => {
  const res = await page(path, null);
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe(`/logga-in?next=${encodeURIComponent(path)}`);
});

it.each(['/', '/fonden', '/revision'])('%s signed in: an HTML page in Swedish, not cached, under the CSP', async (path) => {
  const res = await page(path);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  const text = await res.text();
  expect(text).toMatch(/^<!doctype html>\n<html lang="sv">/);
  expect(text).toContain('<script src="/assets/app.js" defer></script>');
  expect(text).not.toMatch(/<script>/);
});

it('what users typed is escaped on every page that shows it', async () => {
  for (const path of ['/', `/initiativ/${initiative}`]) {
    const text = await (await page(path)).text();
    expect(text).not.toContain(XSS);
    expect(text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
  }
});

it('an unknown initiative is a 404 page, not a problem document', async () => {
  const res = await page('/initiativ/00000000-0000-4000-8000-000000000000');
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(await res.text()).toContain('<h1>Finns inte</h1>');
});

it('only a role that may propose gets the proposal page', async () => {
  expect((await page('/initiativ/nytt', tokenFor('secretariat'))).status).toBe(200);
  expect((await page('/initiativ/nytt', tokenFor('clerk', '1780'))).status).toBe(200);
  expect((await page('/initiativ/nytt', tokenFor('finance'))).status).toBe(403);
});

it('assets: the stylesheet and the script with their types, and nothing outside web/assets', async () => {
  const css = await page('/assets/app.css', null);
  expect(css.status).toBe(200);
  expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  const js = await page('/assets/app.js', null);
  expect(js.status).toBe(200);
  expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  for (const path of ['/assets/..%2Fpackage.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/assets/nothing.css', '/assets/'])
    expect((await page(path, null)).status).toBe(404);
});

it('the icon: every page names web/assets/icon.svg, and /favicon.ico answers with it (not a 404 in the console)', async () => {
  for (const [path, token] of [['/logga-in', null], ['/', tokenFor('auditor')]] as const)
    expect(await (await page(path, token)).text()).toContain('<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">');
  const svg = await page('/assets/icon.svg', null);
  expect(svg.status).toBe(200);
  expect(svg.headers.get('content-type')).toBe('image/svg+xml');
  const body = await svg.text();
  expect(body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const favicon = await page('/favicon.ico', null);
  expect(favicon.status).toBe(200);
  expect(favicon.headers.get('content-type')).toBe('image/svg+xml');
  expect(await favicon.text()).toBe(body);
});

describe('an initiative\'s history', () => {
  it('includes its grant, payouts and returns from the fund stream, in log order, with who recorded them', async () => {
    const other = await propose(app, { title: 'Ett annat initiativ', proposedOn: '2025-03-02', decisionDeadline: '2025-12-31' });
    const funded = await propose(app, { title: 'Finansierat', proposedOn: '2025-03-01', decisionDeadline: '2025-12-31' });
    const PARTIES = ['17', '1715', '1730', '1737', '1760', '1761', '1762', '1763', '1764', '1765', '1766', '1780', '1781', '1782', '1783', '1784', '1785'];
    for (const id of [funded, other])
      for (const party of PARTIES) {
        const res = await app.post(`/api/initiatives/${id}/decisions`, { party, outcome: 'approved', decidedOn: '2025-04-10', body: 'kommunfullmäktige', minuteReference: '§ 1' });
        expect(res.status).toBe(201);
      }
    expect((await app.post('/api/fund/deposits', { amountOre: 10_000_000_000, bookedOn: '2025-01-10', source: 'Region Värmland', reference: 'Ver 2025-0001' })).status).toBe(201);
    for (const id of [funded, other]) expect((await app.post(`/api/initiatives/${id}/grant`, { amountOre: 400_000_000, decidedOn: '2025-05-01', reference: `RS 2025/${id.slice(0, 4)}` })).status).toBe(201);
    expect((await app.post('/api/fund/withdrawals', { initiativeId: funded, amountOre: 125_000_050, bookedOn: '2025-05-20', reference: 'Ver 2025-0811' })).status).toBe(201);
    expect((await app.post('/api/fund/returns', { initiativeId: funded, amountOre: 5_000_000, bookedOn: '2025-06-01', reason: 'Projektet blev billigare' })).status).toBe(201);

    const text = await (await page(`/initiativ/${funded}`)).text();
    const history = text.slice(text.indexOf('<h2>Historik</h2>'));
    const grant = history.indexOf(`Beviljat 4 000 000,00 kr ur fonden 2025-05-01 (RS 2025/${funded.slice(0, 4)}).`);
    const payout = history.indexOf('Utbetalt 1 250 000,50 kr, bokfört 2025-05-20 (Ver 2025-0811).');
    const returned = history.indexOf('Återfört till fonden 50 000,00 kr, bokfört 2025-06-01. Orsak: Projektet blev billigare.');
    expect([grant, payout, returned].every((i) => i > 0)).toBe(true);
    expect(grant < payout && payout < returned).toBe(true);
    expect(history).toContain('registrerat av Test finance (Ekonomi)');
    expect(history).not.toContain(`RS 2025/${other.slice(0, 4)}`);
  });
});
