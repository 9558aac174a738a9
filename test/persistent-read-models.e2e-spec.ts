/**
 * The persistent business read models (ADR 0018) on real SQLite files through the real handlers:
 * - a start resumes from the checkpoints and applies only the events recorded since (counted);
 * - a projection whose code version changed, a damaged or deleted file, a missing table: rebuilt from the log;
 * - `dgr rebuild` and `dgr rebuild --check` (the canonical hash of the kept read models against a rebuild);
 * - two instances on one log, each with its own read-model file, answer the same.
 * Every rebuilt state is compared with a replay of the log from an empty state.
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  DgrApplicationModule,
  FundProjection,
  InitiativesProjection,
  ProjectionRunner,
  ProposeInitiativeCommand,
  Queries,
  readModelsHash,
  replay,
  RuleViolationsProjection,
} from '@dgr/application';
import { SqliteEventStore } from '@dgr/event-store';
import { demoHistory } from '../apps/cli/src/demo-history';
import { rebuildCommand } from '../apps/cli/src/rebuild';
import { playDemo } from '../apps/cli/src/seed-demo';
import { HttpApp, proposal } from './support/http-app';

const ROOT = path.join(__dirname, '..');
const DGR = path.join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');
const NOW = '2026-11-23T12:00:00.000Z';

const open = async (file: string, readModelFile?: string): Promise<INestApplicationContext> => {
  const app = await NestFactory.createApplicationContext(
    DgrApplicationModule.register({ store: () => new SqliteEventStore(file), clock: { now: () => NOW }, readModelFile }),
    { logger: false },
  );
  await app.get(ProjectionRunner).start();
  return app;
};

/** How many events each business read model applied in this process (not skipped as already applied). */
const appliedBy = (app: INestApplicationContext) => ({
  initiatives: app.get(InitiativesProjection).applied,
  fund: app.get(FundProjection).applied,
  rules: app.get(RuleViolationsProjection).applied,
});

/** The hash of a replay of the whole log from an empty state (in memory): what every start must equal. */
const replayedHash = async (file: string): Promise<string> => {
  const store = new SqliteEventStore(file);
  try {
    return readModelsHash((await replay(store)).models);
  } finally {
    await store.close();
  }
};

const hashOf = (app: INestApplicationContext): string => readModelsHash(app.get(ProjectionRunner).readModels);

const headOf = async (file: string): Promise<number> => {
  const store = new SqliteEventStore(file);
  try {
    return await store.headPosition();
  } finally {
    await store.close();
  }
};

/** Proposes `n` initiatives through a second instance whose read models are in memory: the file does not see them. */
const appendElsewhere = async (file: string, n: number): Promise<void> => {
  const writer = await open(file);
  try {
    for (let i = 0; i < n; i++)
      await writer.get(CommandBus).execute(
        new ProposeInitiativeCommand(
          { initiativeId: randomUUID(), title: `Senare ${i}`, summary: 's', proposedBy: '1780', proposedOn: '2026-11-01', requestedAmountOre: 1000, transportProgramme: true },
          { correlationId: 'later', actor: null },
        ),
      );
  } finally {
    await writer.close();
  }
};

describe('persistent read models', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dgr-persistent-rm-'));
  const file = path.join(dir, 'dgr.sqlite');
  const readModels = path.join(dir, 'read-models.sqlite');
  let demoEvents: number;

  beforeAll(async () => {
    const app = await open(file, readModels);
    try {
      await playDemo(app.get(CommandBus), demoHistory('2026-11-23'));
      demoEvents = app.get(ProjectionRunner).caughtUpTo;
      expect(appliedBy(app)).toEqual({ initiatives: demoEvents, fund: demoEvents, rules: demoEvents });
    } finally {
      await app.close();
    }
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a start with nothing new applies no event, and answers as a replay of the whole log', async () => {
    const app = await open(file, readModels);
    try {
      expect(appliedBy(app)).toEqual({ initiatives: 0, fund: 0, rules: 0 });
      expect(app.get(ProjectionRunner).caughtUpTo).toBe(demoEvents);
      expect(hashOf(app)).toBe(await replayedHash(file));
      expect(app.get(Queries).initiativePage({ limit: 3 }).total).toBeGreaterThan(3);
    } finally {
      await app.close();
    }
  });

  it('a start after events were recorded elsewhere applies only those events', async () => {
    await appendElsewhere(file, 3);
    const head = await headOf(file);
    const app = await open(file, readModels);
    try {
      expect(head - demoEvents).toBe(3);
      expect(appliedBy(app)).toEqual({ initiatives: 3, fund: 3, rules: 3 });
      expect(app.get(ProjectionRunner).caughtUpTo).toBe(head);
      expect(hashOf(app)).toBe(await replayedHash(file));
    } finally {
      await app.close();
    }
  });

  it('a read model whose code version changed is rebuilt from the log; the others resume', async () => {
    const head = await headOf(file);
    const db = new Database(readModels);
    db.prepare("UPDATE projection_checkpoints SET version = version + 100 WHERE name = 'fund'").run();
    db.close();
    const app = await open(file, readModels);
    try {
      expect(appliedBy(app)).toEqual({ initiatives: 0, fund: head, rules: 0 });
      expect(hashOf(app)).toBe(await replayedHash(file));
    } finally {
      await app.close();
    }
  });

  it('a missing table rebuilds its read model', async () => {
    const head = await headOf(file);
    const db = new Database(readModels);
    db.exec('DROP TABLE rule_violations');
    db.close();
    const app = await open(file, readModels);
    try {
      expect(appliedBy(app)).toEqual({ initiatives: 0, fund: 0, rules: head });
      expect(hashOf(app)).toBe(await replayedHash(file));
    } finally {
      await app.close();
    }
  });

  it.each([
    ['damaged (not a database)', () => writeFileSync(readModels, 'this is not an SQLite file '.repeat(400))],
    ['deleted', () => rmSync(readModels)],
  ])('a %s file is rebuilt from the log and loses nothing', async (_name, damage) => {
    for (const f of [`${readModels}-wal`, `${readModels}-shm`]) rmSync(f, { force: true });
    damage();
    const head = await headOf(file);
    const app = await open(file, readModels);
    try {
      expect(appliedBy(app)).toEqual({ initiatives: head, fund: head, rules: head });
      expect(hashOf(app)).toBe(await replayedHash(file));
    } finally {
      await app.close();
    }
    expect(existsSync(readModels)).toBe(true);
  });

  it('read models kept beside another log (their checkpoint is no event of it) are rebuilt', async () => {
    const other = path.join(dir, 'other.sqlite');
    const app = await open(other, readModels);
    try {
      expect(app.get(ProjectionRunner).caughtUpTo).toBe(0);
      expect(app.get(Queries).initiativePage({}).total).toBe(0);
    } finally {
      await app.close();
    }
    rmSync(other);
  });

  it('dgr rebuild --check: equal hashes for kept read models, different ones after a row is changed; dgr rebuild repairs it', async () => {
    const head = await headOf(file);
    const first = await rebuildCommand(file, readModels, { check: true });
    expect(first.position).toBe(head);
    expect(first.kept).toBe(first.rebuilt);
    expect(first.kept).toBe(await replayedHash(file));

    const db = new Database(readModels);
    db.prepare('UPDATE ledger SET amount_ore = amount_ore + 1 WHERE position = (SELECT MIN(position) FROM ledger)').run();
    db.close();
    const tampered = await rebuildCommand(file, readModels, { check: true });
    expect(tampered.kept).not.toBe(tampered.rebuilt);

    expect(await rebuildCommand(file, readModels)).toEqual({ position: head });
    const repaired = await rebuildCommand(file, readModels, { check: true });
    expect(repaired.kept).toBe(repaired.rebuilt);
  }, 60_000);

  it('npx dgr rebuild --check exits 1 when the read models differ from a rebuild, 0 when equal', async () => {
    if (!existsSync(DGR)) throw new Error('dist/ is missing: run npm run build before the tests.');
    const dgr = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) =>
        execFile(process.execPath, [DGR, ...args], { cwd: ROOT, env: { ...process.env, DGR_READ_MODEL_FILE: readModels } }, (error, stdout) =>
          resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout }),
        ),
      );
    const equal = await dgr(['rebuild', '--check', '--file', file]);
    expect(equal.code).toBe(0);
    const [kept, rebuilt] = [/kept\s+([0-9a-f]{64})/.exec(equal.stdout)?.[1], /rebuilt\s+([0-9a-f]{64})/.exec(equal.stdout)?.[1]];
    expect(kept).toBe(rebuilt);
    const db = new Database(readModels);
    db.prepare("UPDATE initiatives SET state_json = replace(state_json, '\"title\":\"', '\"title\":\"X') WHERE rowid = 1").run();
    db.close();
    expect((await dgr(['rebuild', '--check', '--file', file])).code).toBe(1);
    expect((await dgr(['rebuild', '--file', file])).code).toBe(0);
    expect((await dgr(['rebuild', '--check', '--file', file])).code).toBe(0);
  }, 60_000);
});

describe('two instances on one log, each with its own read-model file', () => {
  let a: HttpApp;
  let b: HttpApp;

  beforeAll(async () => {
    a = await HttpApp.start();
    b = await HttpApp.start({ sqliteFile: a.sqliteFile, env: { DGR_READ_MODEL_FILE: path.join(a.dir, 'b-read-models.sqlite') } });
  });

  afterAll(async () => {
    await b.stop();
    await a.dispose();
  });

  it('each answers every write, whichever took it, from its own file', async () => {
    const first = await a.post('/api/initiatives', proposal());
    const second = await b.post('/api/initiatives', proposal());
    expect([first.status, second.status]).toEqual([201, 201]);
    for (const app of [a, b]) {
      const ids = new Set<string>();
      // The other instance's write reaches this one's read models at its next poll of the log.
      for (let i = 0; i < 200 && ids.size < 2; i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 25));
        ids.clear();
        for (const row of (await app.get('/api/initiatives')).body as { id: string }[]) ids.add(row.id);
      }
      expect(ids).toEqual(new Set([(first.body as { id: string }).id, (second.body as { id: string }).id]));
    }
    expect(existsSync(path.join(a.dir, 'read-models.sqlite'))).toBe(true);
    expect(existsSync(path.join(a.dir, 'b-read-models.sqlite'))).toBe(true);
  });
});
