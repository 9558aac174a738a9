import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DgrApplicationModule, EvidenceFiles, ProjectionRunner, Queries } from '@dgr/application';
import { looksLikePdf, MSEK } from '@dgr/domain';
import { SqliteEventStore } from '@dgr/event-store';
import { demoHistory } from './demo-history';
import { playDemo } from './seed-demo';

/** The demo history goes through the real handlers into a real SQLite file, and tells the story it claims. */
describe('the demo history', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dgr-demo-'));
  const today = '2026-11-23';
  let app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>;
  let ids: Map<string, string>;
  let queries: Queries;

  beforeAll(async () => {
    app = await NestFactory.createApplicationContext(
      DgrApplicationModule.register({
        store: () => new SqliteEventStore(join(dir, 'dgr.sqlite')),
        clock: { now: () => `${today}T12:00:00.000Z` },
      }),
      { logger: false },
    );
    await app.get(ProjectionRunner).start();
    ids = await playDemo(app.get(CommandBus), demoHistory(today));
    queries = app.get(Queries);
  }, 120_000);

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const statusOf = (key: string) => queries.getInitiative(ids.get(key)!).status;

  it('has the 2021 agreement decided by all 17 parties before 2021-12-31', () => {
    const agreement = queries.getInitiative(ids.get('agreement')!, '2021-12-31');
    expect(agreement.status).toBe('consensus');
    expect(agreement.consensus.approved).toHaveLength(17);
    expect(agreement.requestedAmountOre).toBe(0);
    expect(agreement.consensus.reachedOn! <= '2021-12-31').toBe(true);
  });

  it('has initiatives in every state', () => {
    expect(statusOf('kompetens')).toBe('consensus');
    expect(statusOf('earkiv')).toBe('blocked');
    expect(statusOf('cirkular')).toBe('lapsed');
    expect(statusOf('besok')).toBe('cancelled');
    expect(statusOf('laddning')).toBe('open');
    expect(new Set(queries.listInitiatives().map((i) => i.status))).toEqual(
      new Set(['consensus', 'blocked', 'lapsed', 'cancelled', 'open']),
    );
  });

  it('deposits 55, 101 and 44 MSEK in 2022 and accounts for every krona since', () => {
    const years = queries.fundYears();
    expect(years.map((y) => y.year)).toEqual([2022, 2023, 2024, 2025, 2026]);
    expect(years[0]).toMatchObject({ openingOre: 0, depositsOre: 200 * MSEK, closingOre: 200 * MSEK, closed: true });
    expect(years[3]).toMatchObject({ withdrawalsOre: 5 * MSEK, returnsOre: 2.5 * MSEK, closingOre: 162.5 * MSEK, changeOre: -2.5 * MSEK });
    expect(queries.fundStatus()).toEqual({ balanceOre: 162.5 * MSEK, committedOre: 18 * MSEK, availableOre: 144.5 * MSEK });
    const ledger = queries.ledger();
    expect(ledger.slice(0, 3).map((b) => b.amountOre)).toEqual([55 * MSEK, 101 * MSEK, 44 * MSEK]);
    expect(ledger[ledger.length - 1]!.balanceAfterOre).toBe(162.5 * MSEK);
  });

  it('has money granted, paid out and returned', () => {
    const kompetens = queries.getInitiative(ids.get('kompetens')!);
    expect(kompetens).toMatchObject({ grantedOre: 30 * MSEK, withdrawnOre: 27 * MSEK, returnedOre: 2.5 * MSEK });
    expect(kompetens.outcomeReports.map((r) => r.year)).toEqual([2023, 2024]);
  });

  it('keeps a corrected registration and the decision dated after the deadline', () => {
    const halsa = queries.getInitiative(ids.get('halsa')!);
    expect(halsa.decisions.find((d) => d.party === '1785')!.corrections).toHaveLength(1);
    const cirkular = queries.getInitiative(ids.get('cirkular')!);
    const late = cirkular.decisions.find((d) => d.party === '1737')!;
    expect(late).toMatchObject({ decidedOn: '2025-01-20', countsTowardsConsensus: false });
    expect(cirkular.consensus.missing).toEqual(['1737', '1762', '1763']);
  });

  it('breaks no business rule (the scan of dgr verify): deciding again on version 2 is no second decision', () => {
    expect(queries.ruleViolations()).toEqual([]);
  });

  it('has one initiative revised after four approvals that reached consensus on version 2 (issue 15)', () => {
    const id = ids.get('bredband')!;
    const bredband = queries.getInitiative(id);
    expect(bredband).toMatchObject({ status: 'consensus', version: 2, requestedAmountOre: 18 * MSEK, mustDecideAgain: [] });
    expect(bredband.versions.map((v) => [v.version, v.changes])).toEqual([
      [1, []],
      [2, ['summary', 'requestedAmountOre']],
    ]);
    expect(bredband.decisions.every((d) => d.proposalVersion === 2 && d.countsTowardsConsensus)).toBe(true);
    // Before the four decided again, they were to decide again and there was no consensus.
    const revisedOn = bredband.versions[1]!.revisedOn;
    const after = queries.getInitiative(id, revisedOn);
    expect(after.mustDecideAgain.map((m) => m.party)).toEqual(['17', '1737', '1780', '1784']);
    expect(after.status).toBe('open');
  });

  it('attaches minutes extracts (small generated PDFs) to some decisions, each stored under its hash', async () => {
    const withEvidence = queries.getInitiative(ids.get('kompetens')!).decisions.filter((d) => d.evidence);
    expect(withEvidence.map((d) => d.party).sort()).toEqual(['17', '1780', '1784']);
    const files = app.get(EvidenceFiles);
    for (const d of withEvidence) {
      const pdf = await files.read(d.party, d.evidence);
      expect(looksLikePdf(pdf)).toBe(true);
      expect(pdf.toString('latin1')).toContain(`sammanträde ${d.decidedOn}, ${d.minuteReference}`);
    }
  });
});

