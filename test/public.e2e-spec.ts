/**
 * The public view's open data and pages (docs/public.md) over real HTTP, without a token: what each route
 * answers, ETag/Cache-Control and 304, paging, no knownAt, the signed checkpoint and a consistency proof
 * anyone can check, the DCAT-AP-SE catalogue naming every distribution that exists, and DGR_PUBLIC=off.
 */
import Database from 'better-sqlite3';
import { createPublicKey } from 'node:crypto';
import { verifyCheckpointSignature, verifyConsistency } from '@dgr/audit';
import * as jsonld from 'jsonld';
import { catalog, CATALOG_CONTEXT, catalogDistributionPaths, PUBLIC_ROUTES } from '../apps/api/src/public/catalog';
import { PUBLIC_DECISION_COLUMNS } from '../apps/api/src/public/public-view';
import { expectProblem, HttpApp, PARTY_IDS, tokenFor } from './support/http-app';
import { seedHistory, type History } from './web/history';

const NO_TOKEN = { authorization: 'none' };

let app: HttpApp;
let history: History;

beforeAll(async () => {
  app = await HttpApp.start();
  history = await seedHistory(app);
  // A correction, so that a decision has an earlier version.
  const res = await app.post(`/api/initiatives/${history.blocked}/decisions/1780/correction`, {
    outcome: 'approved',
    decidedOn: '2024-04-16',
    body: 'kommunfullmäktige',
    minuteReference: '§ 52',
    reason: 'Fel paragraf i första registreringen.',
  });
  if (res.status !== 201) throw new Error(`correction: ${res.status} ${res.text}`);
}, 120_000);

afterAll(async () => {
  await app?.dispose();
});

const get = (url: string, headers: Record<string, string> = {}) => app.get(url, { ...NO_TOKEN, ...headers });

/** 200 without a token, with a strong ETag and public Cache-Control; the same request with If-None-Match is 304 and empty. */
const expectCacheable = async (url: string, type: RegExp) => {
  const res = await get(url);
  expect({ url, status: res.status, type: res.headers['content-type'] }).toEqual({ url, status: 200, type: expect.stringMatching(type) });
  expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
  expect(res.headers['cache-control']).toBe('public, max-age=60');
  if (url.startsWith('/api/public/')) expect(res.headers['access-control-allow-origin']).toBe('*');
  const again = await get(url, { 'if-none-match': res.headers.etag! });
  expect({ url, status: again.status, text: again.text, etag: again.headers.etag }).toEqual({ url, status: 304, text: '', etag: res.headers.etag });
  const other = await get(url, { 'if-none-match': '"something-else"' });
  expect(other.status).toBe(200);
  return res;
};

describe('open data without a token', () => {
  it('lists the initiatives with status, deadline, consensus and money, paged like the API', async () => {
    const res = await expectCacheable('/api/public/initiatives', /^application\/json/);
    expect(res.headers['x-total-count']).toBe('4');
    const funded = res.body.find((i: { id: string }) => i.id === history.funded);
    expect(funded).toEqual({
      id: history.funded,
      title: 'Kompetensplattform Värmland',
      proposedBy: '1780',
      proposedByName: 'Karlstads kommun',
      proposedOn: '2023-02-01',
      decisionDeadline: '2023-12-31',
      daysLeft: 0,
      status: 'consensus',
      consensus: { approved: [...PARTY_IDS], rejected: [], missing: [], reachedOn: '2023-05-15' },
      finality: { final: true, finalOn: '2023-06-14', notFinal: [] },
      mustDecideAgain: [],
      requestedAmountOre: 3_000_000_000,
      grantedOre: 3_000_000_000,
      withdrawnOre: 2_200_000_000,
      returnedOre: 0,
    });
    const paged = await get('/api/public/initiatives?limit=2&offset=1');
    expect(paged.body.map((i: { id: string }) => i.id)).toEqual(res.body.slice(1, 3).map((i: { id: string }) => i.id));
    expect(paged.headers['x-total-count']).toBe('4');
    // A remembered answer keeps its count.
    expect((await get('/api/public/initiatives?limit=2&offset=1')).headers['x-total-count']).toBe('4');
  });

  it('refuses knownAt and asOf: no replays on public routes', async () => {
    expectProblem(await get('/api/public/initiatives?knownAt=2024-01-01T00:00:00Z'), 400);
    expectProblem(await get('/api/public/initiatives?asOf=2024-01-01'), 400);
    expectProblem(await get('/api/public/initiatives?limit=1001'), 400);
  });

  it('gives one initiative with every decision, its earlier versions, its money and its history by organisation and role', async () => {
    const res = await expectCacheable(`/api/public/initiatives/${history.blocked}`, /^application\/json/);
    const karlstad = res.body.decisions.find((d: { party: string }) => d.party === '1780');
    expect(karlstad).toMatchObject({ partyName: 'Karlstads kommun', minuteReference: '§ 52', decidedOn: '2024-04-16' });
    expect(karlstad.earlierVersions).toEqual([
      { outcome: 'approved', decidedOn: '2024-04-15', body: 'kommunfullmäktige', minuteReference: '§ 51', caseNumber: 'KS 1780/12', replacedOn: '2025-06-15' },
    ]);
    expect(res.text).not.toContain('Fel paragraf');
    const arvika = res.body.decisions.find((d: { party: string }) => d.party === '1784');
    expect(arvika).toMatchObject({ outcome: 'rejected', body: 'kommunfullmäktige', minuteReference: '§ 88', final: false });
    expect(res.body.history[0]).toEqual({ position: expect.any(Number), type: 'InitiativeProposed', recordedOn: '2025-06-15', recordedBy: 'Värmlandsrådets sekretariat' });
    expect(res.body.history.filter((h: { recordedBy: string }) => h.recordedBy === 'Karlstads kommun, registrator')).toHaveLength(2);

    const funded = (await get(`/api/public/initiatives/${history.funded}`)).body;
    expect(funded.bookings.map((b: { type: string; amountOre: number; reference: string }) => [b.type, b.amountOre, b.reference])).toEqual([
      ['FundWithdrawn', 1_200_000_000, 'Ver 2023-0811'],
      ['FundWithdrawn', 1_000_000_000, 'Ver 2024-0120'],
    ]);
    expect(funded.outcomeReportYears).toEqual([2024]);
    expect(funded).not.toHaveProperty('outcomeReports');
    expect(JSON.stringify(funded)).not.toContain('validerat');
  });

  it('is in the OpenAPI document as needing no token', async () => {
    const doc = (await app.get('/api/docs-json')).body;
    const operations = Object.entries(doc.paths as Record<string, { get: { security?: unknown } }>).filter(([p]) => p.startsWith('/api/public/'));
    expect(operations.map(([p]) => p).sort()).toEqual([
      '/api/public/catalog.jsonld',
      '/api/public/checkpoint',
      '/api/public/consistency',
      '/api/public/decisions.csv',
      '/api/public/fund',
      '/api/public/fund/years',
      '/api/public/initiatives',
      '/api/public/initiatives/{id}',
    ]);
    for (const [, op] of operations) expect(op.get.security).toEqual([{}]);
    expect(doc.paths['/api/fund'].get.security).toBeUndefined();
  });

  it('answers an unknown initiative 404', async () => {
    expectProblem(await get('/api/public/initiatives/finns-inte'), 404);
  });

  it('gives the fund with its ledger (paged) and its years', async () => {
    const fund = await expectCacheable('/api/public/fund', /^application\/json/);
    expect(fund.body).toMatchObject({ balanceOre: 17_800_000_000, committedOre: 800_000_000, availableOre: 17_000_000_000 });
    expect(fund.body.ledger).toHaveLength(5);
    expect(fund.headers['x-total-count']).toBe('5');
    expect(fund.body.ledger[0]).toEqual({
      position: expect.any(Number),
      type: 'FundDeposited',
      bookedOn: '2022-01-20',
      amountOre: 5_500_000_000,
      balanceAfterOre: 5_500_000_000,
      initiativeId: null,
      source: 'Kommunalförbundet Region Värmland',
      reference: 'Ver 2022-0007',
    });
    expect((await get('/api/public/fund?limit=2&offset=4')).body.ledger).toHaveLength(1);
    const years = await expectCacheable('/api/public/fund/years', /^application\/json/);
    expect(years.body.map((y: { year: number; closingOre: number; closed: boolean }) => [y.year, y.closingOre, y.closed])).toEqual([
      [2022, 15_600_000_000, true],
      [2023, 18_800_000_000, true],
      [2024, 17_800_000_000, false],
      [2025, 17_800_000_000, false],
    ]);
  });

  it('gives decisions.csv: UTF-8, a header, one row per decision', async () => {
    const res = await expectCacheable('/api/public/decisions.csv', /^text\/csv; charset=utf-8/);
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe(PUBLIC_DECISION_COLUMNS.join(','));
    expect(lines.at(-1)).toBe('');
    // 17 + 17 + 8 + 17 decisions.
    expect(lines.length - 2).toBe(59);
    expect(res.text.charCodeAt(0)).not.toBe(0xfeff);
    expect(lines.find((l) => l.startsWith(`${history.blocked},Snabbtåg Karlstad–Oslo,1784,`))).toBe(
      `${history.blocked},Snabbtåg Karlstad–Oslo,1784,Arvika kommun,rejected,2024-04-16,kommunfullmäktige,§ 88,,ja,,,nej,,,0`,
    );
  });

  it('gives the signed checkpoint with its public key, equal to the auditors’ one, and a consistency proof that verifies', async () => {
    const res = await expectCacheable('/api/public/checkpoint', /^application\/json/);
    const { publicKeyPem, ...checkpoint } = res.body;
    expect(checkpoint).toEqual((await app.get('/api/audit/checkpoint')).body);
    expect(publicKeyPem).toBe((await app.get('/api/audit/public-key')).body.publicKeyPem);
    expect(verifyCheckpointSignature(checkpoint, createPublicKey(publicKeyPem))).toBe(true);

    const proof = await expectCacheable(`/api/public/consistency?size1=10&size2=${checkpoint.size}`, /^application\/json/);
    const b = (s: string) => Buffer.from(s, 'base64');
    expect(proof.body.root2).toBe(checkpoint.root);
    expect(verifyConsistency(10, checkpoint.size, proof.body.proof.map(b), b(proof.body.root1), b(checkpoint.root))).toBe(true);
    expectProblem(await get(`/api/public/consistency?size1=${checkpoint.size + 1}`), 400);
    expectProblem(await get('/api/public/consistency?size1=0'), 400);
  });
});

describe('the DCAT-AP-SE catalogue', () => {
  it('names the contact point\'s e-mail (DGR_PUBLIC_CONTACT_EMAIL) as vcard:hasEmail, read as RDF', async () => {
    const doc = catalog({ base: 'https://dgr.example.se', license: 'http://creativecommons.org/publicdomain/zero/1.0/', modified: null, contactEmail: 'dgr@regionvarmland.se' });
    const nquads = (await jsonld.toRDF(doc as unknown as jsonld.JsonLdDocument, { format: 'application/n-quads', safe: true } as jsonld.Options.ToRdf)) as unknown as string;
    expect(nquads).toContain('<http://www.w3.org/2006/vcard/ns#hasEmail> <mailto:dgr@regionvarmland.se>');
    const without = catalog({ base: 'https://dgr.example.se', license: 'http://creativecommons.org/publicdomain/zero/1.0/', modified: null });
    expect(JSON.stringify(without)).not.toContain('hasEmail');
  });

  it('is read by a JSON-LD processor (jsonld.js, safe mode: nothing dropped) into the RDF a harvester gets, naming every distribution', async () => {
    const res = await app.get('/api/public/catalog.jsonld', NO_TOKEN);
    expect(res.status).toBe(200);
    const DCAT = 'http://www.w3.org/ns/dcat#';
    const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
    // No document loader: the context is inline, so nothing is fetched; safe mode refuses any term or value it would drop.
    const nquads = (await jsonld.toRDF(res.body as jsonld.JsonLdDocument, {
      format: 'application/n-quads',
      safe: true,
      documentLoader: (url: string) => Promise.reject(new Error(`no remote context may be needed: ${url}`)),
    } as jsonld.Options.ToRdf)) as unknown as string;
    const triples = nquads.trim().split('\n');
    const typed = (type: string) => triples.filter((t) => t.includes(`<${RDF_TYPE}> <${type}>`)).map((t) => t.split(' ')[0]);
    expect(typed(`${DCAT}Catalog`)).toHaveLength(1);
    const distributions = typed(`${DCAT}Distribution`);
    const accessUrls = triples.filter((t) => t.includes(`<${DCAT}accessURL>`) && distributions.includes(t.split(' ')[0]));
    expect(accessUrls.map((t) => t.split(' ')[2]!.slice(1, -1).slice(app.baseUrl.length)).sort()).toEqual([...catalogDistributionPaths()].sort());
    expect(triples.some((t) => t.includes('<http://purl.org/dc/terms/license> <http://creativecommons.org/publicdomain/zero/1.0/>'))).toBe(true);
  });

  it('is JSON-LD whose every term and IRI is defined, and names every distribution, each answering as it says', async () => {
    const res = await expectCacheable('/api/public/catalog.jsonld', /^application\/ld\+json/);
    const doc = res.body;
    expect(doc['@context']).toEqual(CATALOG_CONTEXT);
    const prefixes = Object.keys(CATALOG_CONTEXT);
    const problems: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key.startsWith('@')) {
          if (!['@id', '@type', '@value', '@language', '@graph', '@context'].includes(key)) problems.push(`${where}: keyword ${key}`);
          if (key === '@id' && (typeof value !== 'string' || !/^https?:\/\/\S+$/.test(value))) problems.push(`${where}: @id ${String(value)} is not an absolute IRI`);
          if (key === '@type' && (typeof value !== 'string' || !prefixes.includes(value.split(':')[0]!))) problems.push(`${where}: @type ${String(value)}`);
          if (key === '@language' && value !== 'sv') problems.push(`${where}: @language ${String(value)}`);
          if (key === '@context') continue;
        } else if (!prefixes.includes(key.split(':')[0]!) || key.split(':').length !== 2) problems.push(`${where}: term ${key} has no prefix in the context`);
        walk(value, `${where}.${key}`);
      }
    };
    walk(doc['@graph'], '@graph');
    expect(problems).toEqual([]);

    const graph = doc['@graph'] as Record<string, any>[];
    const catalogNode = graph.find((n) => n['@type'] === 'dcat:Catalog')!;
    const datasets = graph.filter((n) => n['@type'] === 'dcat:Dataset');
    expect(catalogNode['dcat:dataset'].map((d: { '@id': string }) => d['@id']).sort()).toEqual(datasets.map((d) => d['@id']).sort());
    const publisher = graph.find((n) => n['@id'] === catalogNode['dcterms:publisher']['@id'])!;
    expect(publisher['foaf:name']).toEqual({ '@language': 'sv', '@value': 'Region Värmland' });
    expect(catalogNode['dcterms:license']).toEqual({ '@id': 'http://creativecommons.org/publicdomain/zero/1.0/' });
    expect(catalogNode['dcterms:modified']).toEqual({ '@value': '2025-06-15', '@type': 'xsd:date' });
    expect(res.headers.vary).toMatch(/Host/);

    const distributions = datasets.flatMap((d) => d['dcat:distribution'] as Record<string, any>[]);
    const urls = distributions.map((d) => d['dcat:accessURL']['@id'] as string);
    expect(urls.map((u) => u.slice(app.baseUrl.length))).toEqual(catalogDistributionPaths());
    // Every route of the open data, but the one per initiative and the catalogue itself, is a distribution.
    const listed = new Set(urls.map((u) => new URL(u).pathname));
    for (const route of [PUBLIC_ROUTES.initiatives, PUBLIC_ROUTES.decisionsCsv, PUBLIC_ROUTES.fund, PUBLIC_ROUTES.fundYears, PUBLIC_ROUTES.checkpoint, PUBLIC_ROUTES.consistency, PUBLIC_ROUTES.pages, PUBLIC_ROUTES.fundPage, PUBLIC_ROUTES.checkpointPage])
      expect(listed).toContain(route);
    for (const d of distributions) {
      const url = d['dcat:accessURL']['@id'] as string;
      expect(d['dcterms:license']).toEqual({ '@id': 'http://creativecommons.org/publicdomain/zero/1.0/' });
      const answer = await get(url.slice(app.baseUrl.length));
      const mediaType = (d['dcat:mediaType']['@id'] as string).replace('https://www.iana.org/assignments/media-types/', '');
      expect({ url, status: answer.status, type: answer.headers['content-type']?.split(';')[0] }).toEqual({ url, status: 200, type: mediaType });
    }
  });

  it('takes its base address and licence from DGR_PUBLIC_BASE_URL and DGR_PUBLIC_LICENSE', async () => {
    const other = await HttpApp.start({ env: { DGR_PUBLIC_BASE_URL: 'https://dgr.regionvarmland.se/', DGR_PUBLIC_LICENSE: 'https://creativecommons.org/licenses/by/4.0/' } });
    try {
      const doc = (await other.get('/api/public/catalog.jsonld', NO_TOKEN)).body;
      const catalogNode = doc['@graph'][0];
      expect(catalogNode['@id']).toBe('https://dgr.regionvarmland.se/api/public/catalog.jsonld');
      expect(catalogNode['dcterms:license']).toEqual({ '@id': 'https://creativecommons.org/licenses/by/4.0/' });
    } finally {
      await other.dispose();
    }
  });
});

describe('the public pages without sign-in', () => {
  it('answer in Swedish, cacheable, with the matrix, an initiative, the fund and the checkpoint', async () => {
    const overview = await expectCacheable('/publikt', /^text\/html/);
    expect(overview.text).toContain('<html lang="sv">');
    expect(overview.text).toContain(`href="/publikt/initiativ/${history.funded}"`);
    expect(overview.text).not.toContain('Logga ut');
    const page = await expectCacheable(`/publikt/initiativ/${history.blocked}`, /^text\/html/);
    expect(page.text).toContain('Arvika kommun');
    expect(page.text).toContain('Karlstads kommun, registrator');
    expect(page.text).toContain('§ 88');
    expect(page.text).not.toContain('Fel paragraf');
    const fund = await expectCacheable('/publikt/fonden', /^text\/html/);
    expect(fund.text).toContain('Ver 2022-0007');
    const cp = await expectCacheable('/publikt/kontrollpunkt', /^text\/html/);
    expect(cp.text).toContain((await app.get('/api/audit/checkpoint')).body.root);
    const missing = await get('/publikt/initiativ/finns-inte');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^text\/html/);
  });

  it('a new event changes the answers (a new ETag)', async () => {
    const before = await get('/api/public/fund');
    const res = await app.post('/api/fund/deposits', { amountOre: 100, source: 'Region Värmland', bookedOn: '2025-06-01', reference: 'Ver 2025-0001' });
    expect(res.status).toBe(201);
    const after = await get('/api/public/fund', { 'if-none-match': before.headers.etag! });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.body.balanceOre).toBe(before.body.balanceOre + 100);
  });
});

describe('the rate limit', () => {
  it('counts requests to the public routes like any other (here per token subject; per client address without one is the guard’s, issue 11)', async () => {
    const limited = await HttpApp.start({ env: { DGR_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      // Away from the end of the fixed one-minute window, so the requests fall in one.
      const left = 60_000 - (Date.now() % 60_000);
      if (left < 10_000) await new Promise((r) => setTimeout(r, left + 50));
      const auditor = { authorization: `Bearer ${tokenFor('auditor')}` };
      const statuses = [];
      for (const url of ['/api/public/fund', '/publikt', '/api/public/checkpoint', '/api/public/initiatives']) statuses.push((await limited.get(url, auditor)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await limited.dispose();
    }
  });
});

describe('a log that no longer matches its hashes', () => {
  it('gets no public checkpoint (409, the page says why), while the rest of the public view answers', async () => {
    const broken = await HttpApp.start();
    try {
      const res = await broken.post('/api/fund/deposits', { amountOre: 100, source: 'Region Värmland', bookedOn: '2025-06-01', reference: 'Ver 2025-0001' });
      expect(res.status).toBe(201);
      await broken.stop();
      const db = new Database(broken.sqliteFile);
      try {
        db.prepare("UPDATE events SET data = replace(data, 'Ver 2025-0001', 'Ver 2025-9999') WHERE position = 1").run();
      } finally {
        db.close();
      }
      await broken.restart();
      expectProblem(await broken.get('/api/public/checkpoint', NO_TOKEN), 409);
      const page = await broken.get('/publikt/kontrollpunkt', NO_TOKEN);
      expect({ status: page.status, type: page.headers['content-type'] }).toEqual({ status: 409, type: 'text/html; charset=utf-8' });
      expect(page.text).toContain('Loggen stämmer inte med sina hashar');
      const catalog = await broken.get('/api/public/catalog.jsonld', NO_TOKEN);
      expect(catalog.status).toBe(200);
      expect(catalog.body['@graph'][0]).not.toHaveProperty('dcterms:modified');
      expect((await broken.get('/publikt', NO_TOKEN)).status).toBe(200);
    } finally {
      await broken.dispose();
    }
  });
});

describe('DGR_PUBLIC=off', () => {
  it('answers 404 on every public route, and the signed-in API as before', async () => {
    const off = await HttpApp.start({ env: { DGR_PUBLIC: 'off' } });
    try {
      for (const url of [...catalogDistributionPaths(), PUBLIC_ROUTES.catalog, `${PUBLIC_ROUTES.initiatives}/x`, '/publikt/initiativ/x'])
        expect({ url, status: (await off.get(url, NO_TOKEN)).status }).toEqual({ url, status: 404 });
      expect((await off.get('/api/audit/checkpoint')).status).toBe(200);
    } finally {
      await off.dispose();
    }
  });
});
