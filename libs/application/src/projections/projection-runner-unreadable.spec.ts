import { InMemoryEventStore, type NewEvent } from '@dgr/event-store';
import { ServiceUnavailable } from '../service-unavailable';
import { AuditLogProjection } from './audit-log.projection';
import { FundProjection } from './fund.projection';
import { InitiativesProjection } from './initiatives.projection';
import { ProjectionRunner } from './projection-runner';
import { RuleViolationsProjection } from './rule-violations.projection';

const event = (type: string, data: unknown, schemaVersion = 1): NewEvent => ({
  id: `${type}-${Math.random()}`,
  type,
  data,
  metadata: { recordedAt: '2025-01-02T10:00:00.000Z', correlationId: 'c', causationId: null, schemaVersion, actor: null },
});

const deposit = (amountOre: number): NewEvent =>
  event('FundDeposited', { amountOre, source: 'Region Värmland', bookedOn: '2025-01-02', reference: `V-${amountOre}` });

const runnerOn = (store: InMemoryEventStore) => {
  const fund = new FundProjection();
  const runner = new ProjectionRunner(store, new InitiativesProjection(), fund, new AuditLogProjection(), new RuleViolationsProjection());
  return { runner, fund };
};

describe('ProjectionRunner', () => {
  let store: InMemoryEventStore;
  beforeEach(() => {
    store = new InMemoryEventStore();
  });
  afterEach(() => store.close());

  it('waitFor resolves once the read models include the position', async () => {
    const { runner, fund } = runnerOn(store);
    await runner.start();
    const { position } = await store.append('fund-dgr', [deposit(100)], 'no_stream');
    await runner.waitFor(position);
    expect(fund.state().balanceOre).toBe(100);
    await runner.onModuleDestroy();
  });

  it('waitFor gives up at its deadline with ServiceUnavailable instead of waiting forever', async () => {
    const { runner } = runnerOn(store);
    await runner.start();
    const wait = runner.waitFor(5, 10);
    await expect(wait).rejects.toBeInstanceOf(ServiceUnavailable);
    await expect(wait).rejects.toMatchObject({ retryAfterSeconds: 5, unreadable: null });
    await runner.onModuleDestroy();
  });

  it('stops before an event of a future type: starts anyway, keeps the state before it (not the deposit after it), refuses at once', async () => {
    await store.append('fund-dgr', [deposit(100), event('FundInterestAccrued', { amountOre: 7 }), deposit(50)], 'no_stream');
    const { runner, fund } = runnerOn(store);
    await runner.start();
    expect(runner.caughtUpTo).toBe(1);
    expect(fund.state().balanceOre).toBe(100);
    expect(runner.unreadable?.toJSON()).toMatchObject({ position: 2, stream: 'fund-dgr', type: 'FundInterestAccrued', reason: 'unknown-type' });
    expect(() => runner.assertReadable()).toThrow(ServiceUnavailable);
    await expect(runner.waitFor(3, 60_000)).rejects.toMatchObject({ unreadable: runner.unreadable });
    await runner.onModuleDestroy();
  });

  it('rejects a command that is waiting when the read models stop', async () => {
    const { runner } = runnerOn(store);
    await runner.start();
    const waiting = runner.waitFor(2, 60_000);
    await store.append('fund-dgr', [deposit(100), event('FundDeposited', { amountOre: 1 }, 2)], 'no_stream');
    await expect(waiting).rejects.toMatchObject({ unreadable: { position: 2, reason: 'newer-version' } });
    await runner.onModuleDestroy();
  });

  it('stops before data the domain refuses (a decision the upcaster cannot read)', async () => {
    await store.append('initiative-a', [event('PartyDecisionRegistered', { initiativeId: 'a', outcome: 'approved' })], 'no_stream');
    const { runner } = runnerOn(store);
    await runner.start();
    expect(runner.caughtUpTo).toBe(0);
    expect(runner.unreadable?.toJSON()).toMatchObject({ position: 1, reason: 'upcast-refused', detail: 'the upcaster from version 1 refuses it: party is missing or not a string' });
    await runner.onModuleDestroy();
  });
});
