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
