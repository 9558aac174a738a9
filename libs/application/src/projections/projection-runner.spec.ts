import { Logger } from '@nestjs/common';
import type { NewEvent } from '@dgr/event-store';
import { HeldBackStore, settled, turns } from '../testing/async-steps';
import { AuditLogProjection } from './audit-log.projection';
import { FundProjection } from './fund.projection';
import { InitiativesProjection } from './initiatives.projection';
import { ProjectionRunner } from './projection-runner';
import { RuleViolationsProjection } from './rule-violations.projection';

/*
 * ProjectionRunner.waitFor on the in-memory store. The store's log reads (what the runner follows) can be
 * held back, so "not yet" is a state the test controls rather than a race it hopes to win.
 */

const event = (n: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'ReminderSent',
  data: { n },
  metadata: { recordedAt: '2025-06-15T10:00:00.000Z', correlationId: 'spec', causationId: null, schemaVersion: 1, actor: null },
});

let store: HeldBackStore;
let runner: ProjectionRunner;

beforeAll(() => Logger.overrideLogger(false));

beforeEach(async () => {
  store = new HeldBackStore();
  await store.append('counter-1', [event(1), event(2)], 'no_stream');
  runner = new ProjectionRunner(store, new InitiativesProjection(), new FundProjection(), new AuditLogProjection(), new RuleViolationsProjection());
});

afterEach(async () => {
  store.releaseReads();
  await runner.onModuleDestroy();
  await store.close();
});

describe('ProjectionRunner', () => {
  it('start() answers once the read models include the whole log as it was', async () => {
    await runner.start();
    expect(runner.caughtUpTo).toBe(2);
  });

  it('waitFor a position already applied answers at once', async () => {
    await runner.start();
    store.holdReads();
    expect(await settled(runner.waitFor(2))).toBe(true);
    expect(await settled(runner.waitFor(0))).toBe(true);
  });

  it('waitFor a later position answers only once the read models have applied it, and then at once', async () => {
    await runner.start();
    store.holdReads();
    await store.append('counter-1', [event(3)], 1);
    await store.append('counter-1', [event(4)], 2);
    const third = runner.waitFor(3);
    const fourth = runner.waitFor(4);
    const fifth = runner.waitFor(5);
    await turns(20);
    expect(await settled(third)).toBe(false);
    expect(runner.caughtUpTo).toBe(2);

    store.releaseReads();
    await third;
    expect(runner.caughtUpTo).toBeGreaterThanOrEqual(3);
    await fourth;
    expect(runner.caughtUpTo).toBe(4);
    // Position 5 is not in the log yet: its waiter keeps waiting, the others are gone.
    expect(await settled(fifth)).toBe(false);

    await store.append('counter-1', [event(5)], 3);
    await fifth;
    expect(runner.caughtUpTo).toBe(5);
  });
});
