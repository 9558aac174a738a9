import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InMemoryEventStore, type EventsHandler, type NewEvent, type Subscription } from '@dgr/event-store';
import { ReadModelDb } from '@dgr/read-model-store';
import { AuditLogProjection } from './audit-log.projection';
import { FundProjection } from './fund.projection';
import { InitiativesProjection } from './initiatives.projection';
import { ProjectionRunner } from './projection-runner';
import { readModelsHash, replay } from './read-models';
import { RuleViolationsProjection } from './rule-violations.projection';

/*
 * A cold build (ADR 0018): the read models built from the start of the log leave their secondary indexes out
 * while they catch up and create them once at the end; a resume keeps them. What they answer equals a replay.
 */

const deposit = (n: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'FundDeposited',
  data: { amountOre: 100 * n, source: 'Region Värmland', bookedOn: `2025-01-${String(1 + (n % 28)).padStart(2, '0')}`, reference: `V-${n}` },
  metadata: { recordedAt: `2025-01-02T10:00:${String(n % 60).padStart(2, '0')}.000Z`, correlationId: 'c', causationId: null, schemaVersion: 1, actor: null },
});

/** The store, noting which indexes the read-model file holds whenever it delivers a batch to the runner. */
class WatchedStore extends InMemoryEventStore {
  readonly indexesWhileApplying: string[][] = [];
  /** The read-model file being watched (the runner's own connection). */
  db: ReadModelDb | null = null;
  override subscribeToAll(afterPosition: number, handler: EventsHandler): Subscription {
    return super.subscribeToAll(afterPosition, (events) => {
      this.indexesWhileApplying.push(indexesOf(this.db!));
      return handler(events);
    });
  }
}

const indexesOf = (db: ReadModelDb): string[] =>
  (db.stmt("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]).map((r) => r.name);

const runnerOn = (store: WatchedStore, file: string) => {
  const db = new ReadModelDb(file);
  store.db = db;
  const runner = new ProjectionRunner(store, new InitiativesProjection(db), new FundProjection(db), new AuditLogProjection(db), new RuleViolationsProjection(db));
  return { runner, db };
};

describe('A cold build of the read models', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dgr-cold-build-'));
    file = path.join(dir, 'read-models.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const SCHEMA_INDEXES = [
    'event_times_by_recorded',
    'initiative_events_by_initiative',
    'initiatives_by_day',
    'initiatives_by_proposed_pos',
    'initiatives_by_status',
    'initiatives_by_year_day',
    'initiatives_page',
    'initiatives_year_pos',
    'ledger_by_date',
    'ledger_by_year',
    'rule_bookings_by_date',
    'rule_violations_by_initiative',
    'rule_violations_by_position',
  ];

  it('writes the secondary indexes once, after the catch-up, and answers as a replay', async () => {
    const store = new WatchedStore();
    for (let n = 1; n <= 30; n++) await store.append('fund-dgr', [deposit(n)], n === 1 ? 'no_stream' : n - 2);
    const { runner, db } = runnerOn(store, file);
    const cacheBefore = db.stmt('PRAGMA cache_size').get();
    await runner.start();
    // The file is written as a cache only while catching up: NORMAL (1) and the page cache it had, after.
    expect(db.stmt('PRAGMA synchronous').get()).toEqual({ synchronous: 1 });
    expect(db.stmt('PRAGMA cache_size').get()).toEqual(cacheBefore);
    // While it caught up the file had none…
    expect(store.indexesWhileApplying.length).toBeGreaterThan(0);
    expect(store.indexesWhileApplying[0]).toEqual([]);
    // …and once started, every index of the schemas is there.
    expect(indexesOf(db)).toEqual(SCHEMA_INDEXES);
    expect(readModelsHash(runner.readModels)).toBe(readModelsHash((await replay(store)).models));
    await runner.onModuleDestroy();
    db.close();
    await store.close();
  });

  it('keeps the indexes when it resumes from a checkpoint', async () => {
    const store = new WatchedStore();
    for (let n = 1; n <= 10; n++) await store.append('fund-dgr', [deposit(n)], n === 1 ? 'no_stream' : n - 2);
    const first = runnerOn(store, file);
    await first.runner.start();
    await first.runner.onModuleDestroy();
    first.db.close();
    for (let n = 11; n <= 20; n++) await store.append('fund-dgr', [deposit(n)], n - 2);
    store.indexesWhileApplying.length = 0;
    const second = runnerOn(store, file);
    await second.runner.start();
    expect(store.indexesWhileApplying.length).toBeGreaterThan(0);
    for (const seen of store.indexesWhileApplying) expect(seen).toEqual(SCHEMA_INDEXES);
    expect(readModelsHash(second.runner.readModels)).toBe(readModelsHash((await replay(store)).models));
    await second.runner.onModuleDestroy();
    second.db.close();
    await store.close();
  });
});
