import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { DgrApplicationModule, ProjectionRunner, Queries } from '@dgr/application';
import { SqliteEventStore } from '@dgr/event-store';
import { FileBlobStore } from '@dgr/blob-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { demoHistory, type DemoStep } from '../demo-history';
import { playDemo } from '../seed-demo';

export const DEMO_TODAY = '2026-11-23';

/** Text with everything an export must carry through: separators, quotes, a backslash, a newline, Swedish letters. */
export const AWKWARD_TITLE = 'Test; "citat", komma\nny rad – åäö ÅÄÖ é § ø \\ slut';
export const AWKWARD_SOURCE = 'Kommun "A"; Säffle, Årjäng \\ Ö';

/** The demo history plus an awkward initiative, decision and deposit in this year (2026). */
export const demoWithAwkwardText = (today = DEMO_TODAY): DemoStep[] => [
  ...demoHistory(today),
  {
    kind: 'propose',
    key: 'awkward',
    data: { title: AWKWARD_TITLE, summary: 'Provar exporterna.', proposedBy: '1785', proposedOn: '2026-02-02', requestedAmountOre: 1_234_567, strategyLinks: [{ area: 'Höja kompetensen' }], decisionDeadline: '2026-12-31' },
  },
  { kind: 'decide', key: 'awkward', party: '1785', outcome: 'approved', decidedOn: '2026-03-01', minuteReference: '§ 12; "justerad"', caseNumber: 'KS-2026/1,2' },
  { kind: 'deposit', amountOre: 12_345, source: AWKWARD_SOURCE, bookedOn: '2026-03-03', reference: 'Ver 2026-0001 "extra"' },
];

export type OpenDemoContext = (file: string) => Promise<INestApplicationContext>;

/** A Nest application context on a SQLite file, with a fixed clock, read models caught up. */
export const openDemoContext: OpenDemoContext = async (file) => {
  const app = await NestFactory.createApplicationContext(
    // The evidence files beside the store, where dgr copy and export --with-blobs look for them by default.
    DgrApplicationModule.register({
      store: () => new SqliteEventStore(file),
      clock: { now: () => `${DEMO_TODAY}T12:00:00.000Z` },
      blobs: new FileBlobStore(join(dirname(file), 'blobs')),
    }),
    { logger: false },
  );
  await app.get(ProjectionRunner).start();
  return app;
};

/** Plays the steps through the real handlers into the file; the context stays open for queries. */
export const seedDemoStore = async (file: string, steps: readonly DemoStep[] = demoWithAwkwardText()) => {
  const app = await openDemoContext(file);
  try {
    const ids = await playDemo(app.get(CommandBus), steps);
    return { app, ids, queries: app.get(Queries) };
  } catch (e) {
    await app.close();
    throw e;
  }
};

/**
 * A store seeded with `steps` in a folder of its own, for the tests of one describe block: played before them
 * (the demo with awkward text by default; `hostileHistory()` for the exports' injection tests), closed and
 * removed after them. Read `queries` inside the tests (it is set once the store is seeded).
 */
export const useSeededStore = (prefix: string, steps?: () => readonly DemoStep[]): { readonly queries: Queries } => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const seeded: { app?: INestApplicationContext; queries?: Queries } = {};
  beforeAll(async () => {
    Object.assign(seeded, await seedDemoStore(join(dir, 'dgr.sqlite'), steps?.()));
  }, 120_000);
  afterAll(async () => {
    await seeded.app?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get queries(): Queries {
      if (!seeded.queries) throw new Error('the store is seeded in beforeAll: read queries inside a test');
      return seeded.queries;
    },
  };
};
