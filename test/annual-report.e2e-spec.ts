/**
 * The annual report to Värmlandsrådet, over HTTP and as the `dgr report` command's core, on the demo
 * history: the figures equal the years table and the ledger, and the checkpoint verifies.
 */
import { createPublicKey, verify } from 'node:crypto';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { DgrApplicationModule, ProjectionRunner } from '@dgr/application';
import { MSEK } from '@dgr/domain';
import { SqliteEventStore } from '@dgr/event-store';
import { demoHistory } from '../apps/cli/src/demo-history';
import { playDemo } from '../apps/cli/src/seed-demo';
import { hasInvisibleControl, visibleText } from '@dgr/domain';
import { seedDemoStore } from '../apps/cli/src/testing/demo-store';
import { BIDI_TITLE, hostileHistory, HOSTILE_TODAY, HOSTILE_YEAR, INVISIBLE_CONTROLS, MARKDOWN_TITLE, SIE_INJECTION_TITLE } from '../apps/cli/src/testing/hostile-store';
import { expectProblem, HttpApp } from './support/http-app';

const NOW = '2026-11-23T12:00:00.000Z';

describe('the annual report', () => {
  let app: HttpApp;

  beforeAll(async () => {
    app = await HttpApp.start({ now: NOW });
    await app.stop();
    // Seed the demo history into the same file through the real handlers, then serve it.
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
    await app.dispose();
  });

  it('gives the fund figures of the year, equal to the years table', async () => {
    const res = await app.get('/api/reports/annual/2024');
    expect(res.status).toBe(200);
    const years = (await app.get('/api/fund/years')).body;
    const y2024 = years.find((y: { year: number }) => y.year === 2024);
    expect(res.body.fund).toEqual({
      openingOre: y2024.openingOre,
      depositsOre: y2024.depositsOre,
      withdrawalsOre: y2024.withdrawalsOre,
      returnsOre: y2024.returnsOre,
      closingOre: y2024.closingOre,
      changeOre: y2024.changeOre,
      closed: true,
    });
    expect(res.body.fund).toMatchObject({ openingOre: 188 * MSEK, withdrawalsOre: 23 * MSEK, closingOre: 165 * MSEK, changeOre: -23 * MSEK });
  });

  it('lists per funded initiative what was paid that year and in total, and the outcome reports', async () => {
    const { body } = await app.get('/api/reports/annual/2024');
    const kompetens = body.initiatives.find((i: { title: string }) => i.title === 'Kompetensplattform Värmland');
    expect(kompetens).toMatchObject({ grantedOre: 30 * MSEK, paidThisYearOre: 15 * MSEK, paidTotalOre: 27 * MSEK, returnedThisYearOre: 0 });
    expect(kompetens.outcomeReports.map((r: { summary: string }) => r.summary)).toEqual([
      'Plattformen driftsatt i alla 16 kommuner; 1 130 deltagare sedan start.',
    ]);
    const y2025 = (await app.get('/api/reports/annual/2025')).body;
    expect(y2025.initiatives.find((i: { title: string }) => i.title === 'Kompetensplattform Värmland')).toMatchObject({
      paidThisYearOre: 0,
      returnedThisYearOre: 2.5 * MSEK,
      returnedTotalOre: 2.5 * MSEK,
    });
  });

  it('lists the initiatives decided that year with their status after the deadline and consensus date', async () => {
    const { body } = await app.get('/api/reports/annual/2021');
    expect(body.decided).toEqual([
      expect.objectContaining({ title: expect.stringContaining('Överenskommelse'), status: 'consensus', reachedOn: expect.stringMatching(/^2021-/) }),
    ]);
    const y2024 = (await app.get('/api/reports/annual/2024')).body;
    expect(y2024.decided).toEqual([expect.objectContaining({ title: 'Regional innovationsarena för cirkulära flöden', status: 'lapsed' })]);
  });

  it('carries the signed checkpoint of the log as it stood when the year was closed', async () => {
    const { body } = await app.get('/api/reports/annual/2024');
    const { publicKeyPem } = (await app.get('/api/audit/public-key')).body;
    const cp = body.checkpoint;
    const text = `${cp.origin}\n${cp.size}\n${cp.root}\n`;
    expect(verify(null, Buffer.from(text), createPublicKey(publicKeyPem), Buffer.from(cp.signature, 'base64'))).toBe(true);
    const ledger = (await app.get('/api/fund/ledger')).body;
    expect(cp.size).toBeGreaterThan(Math.max(...ledger.filter((b: { bookedOn: string }) => b.bookedOn < '2025').map((b: { position: number }) => b.position)));
    expect(cp.size).toBeLessThan((await app.get('/api/audit/checkpoint')).body.size);
  });

  it('renders Markdown and HTML in Swedish with Swedish amounts', async () => {
    const md = await app.get('/api/reports/annual/2024?format=md');
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.text).toContain('| **Utgående balans** | **165 000 000,00 kr** |');
    expect(md.text).toContain('| Förändring sedan föregående år | −23 000 000,00 kr |');
    const html = await app.get('/api/reports/annual/2024?format=html');
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('<html lang="sv">');
    expect(html.text).toContain('165 000 000,00 kr');
  });

  it('refuses a year outside the fund and an unknown format, naming the field', async () => {
    expect(expectProblem(await app.get('/api/reports/annual/2019'), 400).errors).toEqual([{ field: 'year', message: expect.any(String) }]);
    expect(expectProblem(await app.get('/api/reports/annual/2024?format=pdf'), 400).errors).toEqual([{ field: 'format', message: 'format måste vara json, md eller html' }]);
  });
});

/**
 * A GFM table row read as GitHub's Markdown reads it: the cells between unescaped pipes (a backslash escapes the
 * character after it), each cell's text with its backslash escapes undone. A row that is not one is refused.
 */
const tableCells = (row: string): string[] => {
  if (!row.startsWith('| ') || !row.endsWith(' |')) throw new Error(`not a table row: ${row}`);
  const cells: string[] = [];
  let cell = '';
  for (let i = 1; i < row.length - 1; i++) {
    if (row[i] === '\\') cell += row[++i];
    else if (row[i] === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += row[i];
  }
  cells.push(cell.trim());
  return cells;
};

/** Issue 17, item 9: titles from the log that try to break the report's Markdown, or hide and reverse text. */
describe('the annual report of a hostile history', () => {
  let hostile: HttpApp;
  const title = `${MARKDOWN_TITLE} ${BIDI_TITLE}`;
  /** What a reader must see of the title: every invisible control shown, line breaks as spaces. */
  const shown = visibleText(title);

  beforeAll(async () => {
    hostile = await HttpApp.start({ now: `${HOSTILE_TODAY}T12:00:00.000Z` });
    await hostile.stop();
    const seeded = await seedDemoStore(hostile.sqliteFile, hostileHistory());
    await seeded.app.close();
    await hostile.restart();
  }, 120_000);

  afterAll(async () => {
    await hostile.dispose();
  });

  it('Markdown: a title with pipes, markup and bidi controls stays in its one cell, as text, every control visible', async () => {
    const md = (await hostile.get(`/api/reports/annual/${HOSTILE_YEAR}?format=md`)).text as string;
    expect(hasInvisibleControl(md)).toBe(false);
    for (const c of INVISIBLE_CONTROLS) expect(md).toContain(visibleText(c));
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| |') && !l.startsWith('|---'));
    const funded = rows.filter((r) => tableCells(r).length === 6 && /kr$/.test(tableCells(r)[1]!));
    const decided = rows.filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(tableCells(r)[1] ?? ''));
    // Every row of both tables has exactly its six cells.
    for (const r of rows.filter((r) => !r.includes('**') && !/^\| (Ingående|Insättningar|Utbetalningar|Återföringar|Förändring|insats|initiativ) /.test(r)))
      expect([r, tableCells(r).length]).toEqual([r, 6]);
    expect(funded.map((r) => tableCells(r)[0])).toEqual(expect.arrayContaining([shown, SIE_INJECTION_TITLE]));
    expect(decided.map((r) => tableCells(r)[0])).toEqual(expect.arrayContaining([shown, SIE_INJECTION_TITLE]));
    // The markup is escaped: no tag, emphasis, link or code is left for a Markdown renderer to act on.
    for (const raw of ['<b>', '*stjärna*', '_under_', '[länk]', '`kod`', ' &amp;', '~~struken~~']) expect(md).not.toContain(raw);
    expect(md).toContain('\\<b\\>fet\\</b\\> \\*stjärna\\* \\_under\\_ \\[länk\\](http://evil.example) \\`kod\\` \\&amp; \\~\\~struken\\~\\~');
  });

  it("Markdown: the outcome report's line breaks start no heading or table row", async () => {
    const md = (await hostile.get(`/api/reports/annual/${HOSTILE_YEAR}?format=md`)).text as string;
    const lines = md.split('\n');
    expect(lines.filter((l) => l.startsWith('# Rubrik') || l.startsWith('| a'))).toEqual([]);
    const report = lines.filter((l) => l.startsWith('- **'));
    expect(report).toHaveLength(1);
    expect(report[0]).toContain('Rad ett # Rubrik \\| a \\| b \\| Avtal [U+202E]gnilatöb[U+202C]');
    expect(report[0]).toContain('\\<script\\>x\\</script\\>');
  });

  it('HTML: the title as text, every control visible', async () => {
    const html = (await hostile.get(`/api/reports/annual/${HOSTILE_YEAR}?format=html`)).text as string;
    expect(hasInvisibleControl(html)).toBe(false);
    expect(html).not.toContain('<b>fet</b>');
    expect(html).not.toContain('<script>x');
    expect(html).toContain('[U+202E]gnilatöb[U+202C]');
    expect(html).toContain('&lt;b&gt;fet&lt;/b&gt;');
  });
});
