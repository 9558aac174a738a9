/**
 * Web sign-in over plain HTTP: the session cookie and what it may do, the pasted token, the dev sign-in
 * switch, sign-out, and the OpenID Connect code flow against a real provider (the `oidc-provider` package
 * in its own process), walked through with fetch and a cookie jar. test/web/ signs in the same way in a browser.
 */
import { decision, HttpApp, propose, tokenFor } from './support/http-app';
import { freePort, oidcEnv, startOidcProvider, type OidcProvider } from './support/oidc-provider';

/** Cookies by name, as a browser on one host would keep them (enough for these tests). */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const cleared = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || pair!.slice(eq + 1).trim() === '';
      if (cleared) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }
}

/** One request without following redirects, keeping the cookies. */
const visit = async (jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> => {
  const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
  jar.take(res);
  return res;
};

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

const setCookieOf = (res: Response, name: string): string => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`)) ?? '';

describe('web sign-in with a pasted token, the session cookie and sign-out', () => {
  let app: HttpApp;
  beforeAll(async () => {
    app = await HttpApp.start();
  });
  afterAll(async () => app.dispose());

  it('the sign-in page is public, in Swedish, and offers the token form (no identity provider, no dev sign-in by default)', async () => {
    const res = await fetch(`${app.baseUrl}/logga-in`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    expect(page).toContain('<html lang="sv">');
    expect(page).toContain('action="/auth/token"');
    expect(page).not.toContain('/auth/oidc');
    expect(page).not.toContain('action="/auth/dev"');
  });

  it('a pasted token becomes an HTTP-only, SameSite=Lax session cookie that the API accepts as its bearer', async () => {
    const jar = new CookieJar();
    const res = await visit(jar, `${app.baseUrl}/auth/token`, form({ token: tokenFor('clerk', '1780'), next: '/fonden' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/fonden');
    const cookie = setCookieOf(res, 'dgr_session');
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    const me = await visit(jar, `${app.baseUrl}/auth/me`);
    expect(await me.json()).toEqual({ sub: 'clerk-1780', name: 'Test clerk 1780', role: 'clerk', party: '1780' });
    expect((await visit(jar, `${app.baseUrl}/api/initiatives`)).status).toBe(200);
  });

  it('JSON works too: 204 and the cookie; a bad token is 401 problem+json and sets nothing', async () => {
    const ok = await fetch(`${app.baseUrl}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: tokenFor('auditor') }) });
    expect(ok.status).toBe(204);
    expect(setCookieOf(ok, 'dgr_session')).not.toBe('');
    const bad = await fetch(`${app.baseUrl}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'not.a.token' }) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/^Token avvisades/);
    expect(bad.headers.getSetCookie()).toEqual([]);
  });

  it('a bad pasted token in the form: 401, the page again with the reason beside the field, no cookie', async () => {
    const jar = new CookieJar();
    const res = await visit(jar, `${app.baseUrl}/auth/token`, form({ token: 'eyJhbGciOiJub25lIn0.e30.', next: '/' }));
    expect(res.status).toBe(401);
    const page = await res.text();
    expect(page).toMatch(/<p class="fel" id="token-fel">Token avvisades: [^<]+<\/p>/);
    expect(page).toContain('aria-invalid="true" aria-describedby="token-fel"');
    expect(jar.has('dgr_session')).toBe(false);
  });

  it('a session lets a clerk act only for their own party (403 for another, nothing recorded)', async () => {
    const id = await propose(app);
    const jar = new CookieJar();
    await visit(jar, `${app.baseUrl}/auth/token`, form({ token: tokenFor('clerk', '1780') }));
    const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', origin: app.baseUrl, 'sec-fetch-site': 'same-origin' }, body: JSON.stringify(body) });
    const before = await app.position();
    const other = await visit(jar, `${app.baseUrl}/api/initiatives/${id}/decisions`, json(decision('1715')));
    expect(other.status).toBe(403);
    expect(((await other.json()) as { detail: string }).detail).toMatch(/får bara registrera för den egna parten/);
    expect(await app.position()).toBe(before);
    const own = await visit(jar, `${app.baseUrl}/api/initiatives/${id}/decisions`, json(decision('1780')));
    expect(own.status).toBe(201);
  });

  it('a write carried by the cookie from another site is refused (403) and records nothing', async () => {
    const id = await propose(app);
    const jar = new CookieJar();
    await visit(jar, `${app.baseUrl}/auth/token`, form({ token: tokenFor('clerk', '1780') }));
    const before = await app.position();
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { origin: 'https://elak.example' }] as Array<Record<string, string>>) {
      const res = await visit(jar, `${app.baseUrl}/api/initiatives/${id}/decisions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(decision('1780')),
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { detail: string }).detail).toBe('Begäran kom från en annan webbplats och avvisades.');
    }
    expect(await app.position()).toBe(before);
  });

  it('a forged or foreign cookie is no session: 401 on the API, signed out on the pages; an API token is not a session', async () => {
    for (const value of ['forged', tokenFor('secretariat')]) {
      const res = await fetch(`${app.baseUrl}/api/initiatives`, { headers: { cookie: `dgr_session=${value}` } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { detail: string }).detail).toBe('Sessionen är ogiltig. Logga in igen.');
      const me = await fetch(`${app.baseUrl}/auth/me`, { headers: { cookie: `dgr_session=${value}` } });
      expect(me.status).toBe(401);
    }
  });

  it('after sign-in only a local path is followed: an address elsewhere lands on /', async () => {
    for (const next of ['//elak.example/', 'https://elak.example/', '/\\elak.example', '/auth/logout']) {
      const res = await visit(new CookieJar(), `${app.baseUrl}/auth/token`, form({ token: tokenFor('auditor'), next }));
      expect(res.headers.get('location')).toBe('/');
    }
  });

  it('signing out clears the cookie and lands on the sign-in page', async () => {
    const jar = new CookieJar();
    await visit(jar, `${app.baseUrl}/auth/token`, form({ token: tokenFor('finance') }));
    expect(jar.has('dgr_session')).toBe(true);
    const res = await visit(jar, `${app.baseUrl}/auth/logout`, { method: 'POST' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/logga-in?utloggad');
    expect(setCookieOf(res, 'dgr_session')).toMatch(/Max-Age=0/);
    expect(jar.has('dgr_session')).toBe(false);
    expect((await visit(jar, `${app.baseUrl}/auth/me`)).status).toBe(401);
    expect(await (await visit(jar, `${app.baseUrl}/logga-in?utloggad`)).text()).toContain('Du är utloggad.');
  });

  /** What a browser sends with a form another site posts here (issue 17, item 5). */
  const CROSS_SITE: Array<Record<string, string>> = [
    { 'sec-fetch-site': 'cross-site', origin: 'https://elak.example' },
    { 'sec-fetch-site': 'same-site' },
    { origin: 'https://elak.example' },
    { origin: 'null' },
  ];

  it("login CSRF: another site's form posting the attacker's own token is refused (403) and sets no cookie", async () => {
    for (const headers of CROSS_SITE) {
      const attack = form({ token: tokenFor('clerk', '1715'), next: '/' });
      const jar = new CookieJar();
      const res = await visit(jar, `${app.baseUrl}/auth/token`, { ...attack, headers: { ...(attack.headers as Record<string, string>), ...headers } });
      expect([res.status, res.headers.getSetCookie()]).toEqual([403, []]);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('Begäran kom från en annan webbplats och avvisades.');
      expect(jar.has('dgr_session')).toBe(false);
      // As JSON too (what a script on another site could send with CORS closed): problem+json, no cookie.
      const json = await fetch(`${app.baseUrl}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ token: tokenFor('clerk', '1715') }),
      });
      expect([json.status, json.headers.get('content-type'), json.headers.getSetCookie()]).toEqual([403, 'application/problem+json; charset=utf-8', []]);
    }
  });

  it("another site's form cannot sign the visitor out (403, the session stays)", async () => {
    const jar = new CookieJar();
    await visit(jar, `${app.baseUrl}/auth/token`, form({ token: tokenFor('finance') }));
    for (const headers of CROSS_SITE) {
      const res = await visit(jar, `${app.baseUrl}/auth/logout`, { method: 'POST', headers });
      expect([res.status, res.headers.getSetCookie()]).toEqual([403, []]);
      expect(await res.text()).toContain('Begäran kom från en annan webbplats och avvisades.');
    }
    expect(jar.has('dgr_session')).toBe(true);
    expect((await visit(jar, `${app.baseUrl}/auth/me`)).status).toBe(200);
  });

  it('the service\'s own pages still sign in and out (as Chromium posts them: Origin null under no-referrer, Sec-Fetch-Site same-origin)', async () => {
    const ownPages: Array<Record<string, string>> = [
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
      { origin: app.baseUrl, 'sec-fetch-site': 'same-origin' },
      { origin: app.baseUrl },
    ];
    for (const own of ownPages) {
      const jar = new CookieJar();
      const signIn = form({ token: tokenFor('auditor'), next: '/fonden' });
      const res = await visit(jar, `${app.baseUrl}/auth/token`, { ...signIn, headers: { ...(signIn.headers as Record<string, string>), ...own } });
      expect([res.status, res.headers.get('location')]).toEqual([303, '/fonden']);
      expect(jar.has('dgr_session')).toBe(true);
      const out = await visit(jar, `${app.baseUrl}/auth/logout`, { method: 'POST', headers: own });
      expect([out.status, out.headers.get('location')]).toEqual([303, '/logga-in?utloggad']);
      expect(jar.has('dgr_session')).toBe(false);
    }
  });

  it('the dev sign-in does not exist unless switched on (404)', async () => {
    const res = await visit(new CookieJar(), `${app.baseUrl}/auth/dev`, form({ role: 'finance' }));
    expect(res.status).toBe(404);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe('web sign-in: the dev sign-in when switched on (DGR_WEB_DEV_SIGN_IN=true)', () => {
  let app: HttpApp;
  beforeAll(async () => {
    app = await HttpApp.start({ env: { DGR_WEB_DEV_SIGN_IN: 'true' } });
  });
  afterAll(async () => app.dispose());

  it('is offered with a warning and signs in as the chosen role and party', async () => {
    expect(await (await fetch(`${app.baseUrl}/logga-in`)).text()).toContain('Endast för lokal provkörning.');
    const jar = new CookieJar();
    const res = await visit(jar, `${app.baseUrl}/auth/dev`, form({ role: 'clerk', party: '1784', name: 'Anna Arvika' }));
    expect(res.status).toBe(303);
    expect(await (await visit(jar, `${app.baseUrl}/auth/me`)).json()).toEqual({ sub: 'dev-clerk-1784', name: 'Anna Arvika', role: 'clerk', party: '1784' });
  });

  it('is refused from another site (403, no cookie)', async () => {
    const attack = form({ role: 'secretariat' });
    const res = await visit(new CookieJar(), `${app.baseUrl}/auth/dev`, {
      ...attack,
      headers: { ...(attack.headers as Record<string, string>), 'sec-fetch-site': 'cross-site', origin: 'https://elak.example' },
    });
    expect([res.status, res.headers.getSetCookie()]).toEqual([403, []]);
  });

  it('a clerk without a party is refused beside the field', async () => {
    const res = await visit(new CookieJar(), `${app.baseUrl}/auth/dev`, form({ role: 'clerk', party: '' }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<p class="fel" id="dev-party-fel">En registrator måste välja sin part.</p>');
  });
});

describe('web sign-in through OpenID Connect (a real provider: oidc-provider on localhost)', () => {
  let app: HttpApp;
  let provider: OidcProvider;
  beforeAll(async () => {
    const port = await freePort();
    app = await HttpApp.start({ env: oidcEnv(`http://127.0.0.1:${port}`) });
    provider = await startOidcProvider({ port, redirectUri: `${app.baseUrl}/auth/callback` });
  });
  afterAll(async () => {
    await provider?.stop();
    await app?.dispose();
  });

  /** Walks the code flow: the app sends us to the provider, we sign in there as `login`, it sends us back. */
  const signInAs = async (login: string): Promise<{ jar: CookieJar; landing: Response; authorizationUrl: URL }> => {
    const jar = new CookieJar();
    const start = await visit(jar, `${app.baseUrl}/auth/oidc?next=/fonden`);
    expect(start.status).toBe(303);
    const authorizationUrl = new URL(start.headers.get('location')!);
    let res = await visit(jar, authorizationUrl.href);
    // The provider's own pages: its login form, then back to the app's callback.
    for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400; hops++) {
      const location = new URL(res.headers.get('location')!, res.url || authorizationUrl);
      if (location.href.startsWith(`${app.baseUrl}/auth/callback`)) return { jar, landing: await visit(jar, location.href), authorizationUrl };
      res = await visit(jar, location.href);
      if (res.status === 200) {
        const page = await res.text();
        const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
        if (!action) throw new Error(`No login form at ${location.href}: ${page.slice(0, 300)}`);
        res = await visit(jar, new URL(action, location).href, form({ prompt: 'login', login, password: 'vad-som-helst' }));
      }
    }
    throw new Error(`The provider never sent the browser back: ${res.status} ${await res.text()}`);
  };

  it('the sign-in page offers the provider; the flow uses PKCE (S256), state and nonce', async () => {
    expect(await (await fetch(`${app.baseUrl}/logga-in`)).text()).toContain('href="/auth/oidc?next=%2F"');
    const start = await fetch(`${app.baseUrl}/auth/oidc`, { redirect: 'manual' });
    const url = new URL(start.headers.get('location')!);
    expect(url.origin).toBe(provider.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/.{20,}/);
    expect(url.searchParams.get('nonce')).toMatch(/.{20,}/);
    expect(url.searchParams.get('redirect_uri')).toBe(`${app.baseUrl}/auth/callback`);
    expect(setCookieOf(start, 'dgr_sign_in')).toMatch(/HttpOnly; SameSite=Lax; Max-Age=600/);
  });

  it('a clerk signs in at the provider and lands where they were going, as their role and party from its claims', async () => {
    const { jar, landing } = await signInAs('karlstad');
    expect(landing.status).toBe(303);
    expect(landing.headers.get('location')).toBe('/fonden');
    expect(await (await visit(jar, `${app.baseUrl}/auth/me`)).json()).toEqual({ sub: 'karlstad', name: 'Karin Karlstad', role: 'clerk', party: '1780' });
    expect(jar.has('dgr_sign_in')).toBe(false);
  });

  it('finance signs in as finance', async () => {
    const { jar } = await signInAs('ekonomi');
    expect(await (await visit(jar, `${app.baseUrl}/auth/me`)).json()).toEqual({ sub: 'ekonomi', name: 'Erik Ekonomi', role: 'finance' });
  });

  it.each([
    ['utanroll', /Ditt konto har ingen roll i DGR \(anspråket dgr_role ska vara/],
    ['utanpart', /Ditt konto är registrator men anger ingen giltig part \(anspråket dgr_party/],
  ])('an account the provider knows but DGR cannot place (%s) is refused with the reason, and gets no session', async (login, reason) => {
    const { jar, landing } = await signInAs(login);
    expect(landing.status).toBe(401);
    expect(await landing.text()).toMatch(reason);
    expect(jar.has('dgr_session')).toBe(false);
  });

  it('a callback without the sign-in in flight (or with a wrong state) gets no session', async () => {
    const res = await fetch(`${app.baseUrl}/auth/callback?code=abc&state=xyz`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Inloggningen hann gå ut eller startades i en annan flik.');
    const jar = new CookieJar();
    await visit(jar, `${app.baseUrl}/auth/oidc`);
    const wrongState = await visit(jar, `${app.baseUrl}/auth/callback?code=abc&state=fel&iss=${encodeURIComponent(provider.issuer)}`);
    expect(wrongState.status).toBe(401);
    expect(jar.has('dgr_session')).toBe(false);
  });
});
