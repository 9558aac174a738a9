/**
 * The minimisation rule (docs/public.md), checked on what really goes out: every public answer (JSON,
 * CSV, HTML, found by following the pages' links and the catalogue from /publikt) is scanned for every
 * actor name and subject in the log, every correlation and causation id, every e-mail address, and every
 * free-text reason, note and outcome report text, which the rule never shows. On the demo history, and on
 * a history recorded by people with distinctive names who wrote names into every free-text field.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { DgrApplicationModule, ProjectionRunner } from '@dgr/application';
import { SqliteEventStore } from '@dgr/event-store';
import { demoHistory } from '../apps/cli/src/demo-history';
import { playDemo } from '../apps/cli/src/seed-demo';
import { resolveTokenKeys, signToken } from '@dgr/config';
import { HttpApp, PARTY_IDS, testConfig, tokenFor, type HttpAnswer } from './support/http-app';

const NO_TOKEN = { authorization: 'none' };

interface Answer {
  readonly url: string;
  readonly text: string;
}

/** What must never appear in a public answer, from the log itself (read as an auditor). */
const secretsOf = async (app: HttpApp): Promise<Set<string>> => {
  // Fetched as text (HttpApp would parse it as one JSON document).
  const res = await fetch(`${app.baseUrl}/api/exports/events.jsonl`, { headers: { authorization: `Bearer ${tokenFor('auditor')}` } });
  if (res.status !== 200) throw new Error(`events.jsonl: ${res.status}`);
  const text = await res.text();
  const secrets = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.trim().length >= 6) secrets.add(value.trim());
  };
  const emails = (value: unknown): void => {
    if (typeof value === 'string') for (const m of value.match(/[^\s@"<>]+@[^\s@"<>]+\.[a-z]{2,}/gi) ?? []) add(m);
    else if (value && typeof value === 'object') Object.values(value).forEach(emails);
  };
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const e = JSON.parse(line) as { type: string; data: Record<string, unknown>; metadata: Record<string, any> };
    add(e.metadata.actor?.name);
    add(e.metadata.actor?.sub);
    add(e.metadata.correlationId);
    add(e.metadata.causationId);
    emails(e);
    // The free-text fields the rule does not publish.
    add(e.data.reason);
    add(e.data.notes);
    if (e.type === 'OutcomeReported') add(e.data.summary);
  }
  return secrets;
};

/** Every public answer reachable from /publikt and the catalogue, and each initiative's JSON, following links within the public view. */
const crawl = async (app: HttpApp): Promise<Answer[]> => {
  const ids = ((await app.get('/api/public/initiatives', NO_TOKEN)).body as { id: string }[]).map((i) => i.id);
  const queue = ['/publikt', '/api/public/catalog.jsonld', '/api/public/initiatives', '/api/public/consistency?size1=1', ...ids.map((id) => `/api/public/initiatives/${id}`)];
  const seen = new Set<string>();
  const answers: Answer[] = [];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const res: HttpAnswer = await app.get(url, NO_TOKEN);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.text.slice(0, 200)}`);
    answers.push({ url, text: `${JSON.stringify(res.headers)}\n${res.text}` });
    const links = [...res.text.matchAll(/href="([^"]+)"|"@id":"([^"]+)"/g)].map((m) => (m[1] ?? m[2])!.replace(/&amp;/g, '&'));
    for (const link of links) {
      const local = link.startsWith(app.baseUrl) ? link.slice(app.baseUrl.length) : link;
      const path = local.split('#')[0]!;
      if ((path.startsWith('/publikt') || path.startsWith('/api/public/')) && !seen.has(path)) queue.push(path);
    }
  }
  return answers;
};

const decodeHtml = (text: string): string =>
  text.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Every secret found in an answer, as "url: secret". */
export const leaks = (answers: readonly Answer[], secrets: ReadonlySet<string>): string[] =>
  answers.flatMap((a) => {
    const text = decodeHtml(a.text);
    return [...secrets].filter((s) => a.text.includes(s) || text.includes(s) || JSON.stringify(text).includes(JSON.stringify(s).slice(1, -1))).map((s) => `${a.url}: ${s}`);
  });

describe('no personal data in the public view', () => {
  describe('on the demo history', () => {
    let app: HttpApp;
    const NOW = '2026-11-23T12:00:00.000Z';

    beforeAll(async () => {
      app = await HttpApp.start({ now: NOW });
      await app.stop();
      const ctx = await NestFactory.createApplicationContext(
        DgrApplicationModule.register({ store: () => new SqliteEventStore(app.sqliteFile), clock: { now: () => NOW } }),
        { logger: false },
      );
      await ctx.get(ProjectionRunner).start();
      await playDemo(ctx.get(CommandBus), demoHistory('2026-11-23'));
      await ctx.close();
      await app.restart();
    }, 120_000);

    afterAll(async () => {
      await app?.dispose();
    });

    it('shows no actor name, subject, correlation id, e-mail address or free-text reason in any answer', async () => {
      const secrets = await secretsOf(app);
      expect([...secrets]).toEqual(expect.arrayContaining(['Demodata (dgr seed-demo)', 'dgr-seed-demo']));
      const answers = await crawl(app);
      expect(answers.length).toBeGreaterThan(20);
      expect(answers.map((a) => a.url)).toEqual(expect.arrayContaining(['/publikt/fonden', '/publikt/kontrollpunkt', '/api/public/decisions.csv', '/api/public/fund/years']));
      expect(leaks(answers, secrets)).toEqual([]);
    });

    it('the scan finds an actor name added to an answer', async () => {
      const secrets = await secretsOf(app);
      const answers = await crawl(app);
      const tampered = answers.map((a) => (a.url === '/api/public/decisions.csv' ? { ...a, text: `${a.text}registrerat av Demodata (dgr seed-demo)` } : a));
      expect(leaks(tampered, secrets)).toEqual(['/api/public/decisions.csv: Demodata (dgr seed-demo)']);
      const escaped = answers.map((a) => (a.url === '/publikt' ? { ...a, text: `${a.text}<p>Demodata (dgr seed-demo)</p>` } : a));
      expect(leaks(escaped, secrets)).toEqual(['/publikt: Demodata (dgr seed-demo)']);
    });
  });

  describe('on a history recorded by people with distinctive names', () => {
    let app: HttpApp;
    const config = testConfig(':memory:');
    const keys = resolveTokenKeys(config.auth);
    const tokenOf = (sub: string, name: string, role: 'secretariat' | 'clerk' | 'finance', party?: string) =>
      `Bearer ${signToken({ sub, name, role, party, days: 1 }, keys, config.auth)}`;
    const SECRETARIAT = tokenOf('ulrika.qvarnstrom@regionvarmland.se', 'Ulrika Qvarnström-Ekholm', 'secretariat');
    const FINANCE = tokenOf('hwach-4417', 'Henrietta Wachtmeister', 'finance');
    const clerk = (party: string) =>
      party === '1780' ? tokenOf('tgyllen-7731', 'Torbjörn Gyllenhammar', 'clerk', party) : tokenOf(`c0ffee-${party}-beef`, `Sigvard Zqxlund ${party}`, 'clerk', party);
    let request = 0;
    const as = (authorization: string) => ({ authorization, 'x-request-id': `korr-Qx7-${++request}-zz` });
    const ok = async (res: Promise<HttpAnswer>) => {
      const answer = await res;
      if (answer.status !== 201) throw new Error(`${answer.status} ${answer.text}`);
      return answer.body;
    };

    beforeAll(async () => {
      app = await HttpApp.start();
      await ok(app.post('/api/fund/deposits', { amountOre: 5_000_000_000, source: 'Region Värmland', bookedOn: '2024-01-10', reference: 'Ver 2024-0001' }, as(FINANCE)));
      const { id } = await ok(
        app.post(
          '/api/initiatives',
          { title: 'Cykelleder i Värmland', summary: 'Sammanhängande cykelleder mellan kommunerna.', proposedBy: '1780', proposedOn: '2024-02-01', requestedAmountOre: 1_000_000_000, decisionDeadline: '2024-12-31', transportProgramme: true, coFinancing: [{ source: 'Trafikverket', amountOre: 100_000_000 }] },
          as(clerk('1780')),
        ),
      );
      await ok(app.post(`/api/initiatives/${id}/preparation`, { preparedBy: 'VRAU', preparedOn: '2024-02-20', recommendation: 'approve', notes: 'Föredragande Ulrika Qvarnström-Ekholm, 054-701 10 00, ulrika.q@example.se' }, as(SECRETARIAT)));
      for (const party of PARTY_IDS)
        await ok(
          app.post(
            `/api/initiatives/${id}/decisions`,
            { party, outcome: 'approved', decidedOn: '2024-04-15', body: party === '17' ? 'regionfullmäktige' : 'kommunfullmäktige', minuteReference: '§ 42', caseNumber: `KS-2024/${party}`, minutesApprovedOn: '2024-04-22', noticePostedOn: '2024-04-23' },
            as(clerk(party)),
          ),
        );
      await ok(app.post(`/api/initiatives/${id}/decisions/1780/correction`, { outcome: 'approved', decidedOn: '2024-04-15', body: 'kommunfullmäktige', minuteReference: '§ 43', reason: 'Rättat efter samtal med Torbjörn Gyllenhammar' }, as(clerk('1780'))));
      await ok(app.post(`/api/initiatives/${id}/decisions/1784/minutes`, { minutesApprovedOn: '2024-04-21', reason: 'Datumfel påpekat av Greta Lindqvist-Zorn' }, as(clerk('1784'))));
      await ok(app.post(`/api/initiatives/${id}/decisions/1784/appeals`, { court: 'Förvaltningsrätten i Karlstad', caseNumber: '1234-24', lodgedOn: '2024-05-01' }, as(clerk('1784'))));
      await ok(app.post(`/api/initiatives/${id}/decisions/1784/appeals/1234-24/decision`, { outcome: 'upheld', decidedOn: '2024-06-01' }, as(clerk('1784'))));
      await ok(app.post(`/api/initiatives/${id}/grant`, { amountOre: 1_000_000_000, decidedOn: '2024-07-01', reference: 'RS 2024/77' }, as(FINANCE)));
      await ok(app.post('/api/fund/withdrawals', { initiativeId: id, amountOre: 600_000_000, bookedOn: '2024-08-01', reference: 'Ver 2024-0500' }, as(FINANCE)));
      await ok(app.post('/api/fund/returns', { initiativeId: id, amountOre: 50_000_000, bookedOn: '2024-12-01', reason: 'Överskott enligt projektledaren Sixten Bladh-Uggla' }, as(FINANCE)));
      await ok(app.post(`/api/initiatives/${id}/outcome-reports`, { year: 2024, summary: 'Projektledare Greta Lindqvist-Zorn rapporterar 40 km ny cykelled.' }, as(SECRETARIAT)));
      const other = await ok(app.post('/api/initiatives', { title: 'Laddinfrastruktur', summary: 'Laddplatser för elbilar längs stråken.', proposedBy: '17', proposedOn: '2024-03-01', requestedAmountOre: 500_000_000, decisionDeadline: '2024-12-31', transportProgramme: true }, as(SECRETARIAT)));
      await ok(app.post(`/api/initiatives/${other.id}/cancellation`, { reason: 'Återkallat på begäran av Sixten Bladh-Uggla', cancelledOn: '2024-05-01' }, as(SECRETARIAT)));
    }, 120_000);

    afterAll(async () => {
      await app?.dispose();
    });

    it('shows none of their names, subjects, e-mail addresses, correlation ids or free-text reasons', async () => {
      const secrets = await secretsOf(app);
      expect([...secrets]).toEqual(
        expect.arrayContaining([
          'Ulrika Qvarnström-Ekholm',
          'ulrika.qvarnstrom@regionvarmland.se',
          'ulrika.q@example.se',
          'Torbjörn Gyllenhammar',
          'tgyllen-7731',
          'Henrietta Wachtmeister',
          'korr-Qx7-1-zz',
          'Rättat efter samtal med Torbjörn Gyllenhammar',
          'Datumfel påpekat av Greta Lindqvist-Zorn',
          'Överskott enligt projektledaren Sixten Bladh-Uggla',
          'Projektledare Greta Lindqvist-Zorn rapporterar 40 km ny cykelled.',
          'Återkallat på begäran av Sixten Bladh-Uggla',
        ]),
      );
      const answers = await crawl(app);
      // The history is there, by organisation and role.
      const page = answers.find((a) => a.url.startsWith('/publikt/initiativ/') && a.text.includes('Cykelleder'))!;
      expect(page.text).toContain('Karlstads kommun, registrator');
      expect(page.text).toContain('Värmlandsrådets sekretariat');
      expect(page.text).toContain('Region Värmland, ekonomi');
      expect(page.text).toContain('Förvaltningsrätten i Karlstad');
      expect(leaks(answers, secrets)).toEqual([]);
      // Nor any piece of a name.
      for (const part of ['Qvarnström', 'Gyllenhammar', 'Wachtmeister', 'Zqxlund', 'Lindqvist-Zorn', 'Bladh-Uggla', 'korr-Qx7'])
        expect(answers.filter((a) => a.text.includes(part)).map((a) => a.url)).toEqual([]);
    });
  });
});
