/**
 * The cross-stream rules (ADR 0010) with TWO writers, each with its own StreamWriter (so its own in-process lock:
 * the lock cannot help, as with two processes), over one log:
 * - the EventStoreDB adapter, two adapter instances over one in-process FAKE client (no server can run here), where
 *   a grant reserves in the initiative's stream and then writes to the fund, compensating on failure;
 * - the same on a real EventStoreDB server when EVENTSTORE_CONNECTION_STRING names one;
 * - the in-memory store, whose appendMany writes both streams at once.
 * Every pair of conflicting commands is started at the same moment, many times: exactly one is accepted where the
 * rule allows one, and the final log passes `checkRules`, the scan of `dgr verify`.
 */
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_GRANT_POLICY,
  DomainError,
  FUND_STREAM,
  initiativeStream,
  PARTY_IDS,
  type InitiativeEvent,
} from '@dgr/domain';
import { connectEventStoreDb, EventStoreDbEventStore, InMemoryEventStore, type EventStore, type NewEvent } from '@dgr/event-store';
import { FakeEventStoreDbClient } from '@dgr/event-store/testing';
import { checkRules } from './audit/rule-check';
import {
  AwardGrantCommand,
  AwardGrantHandler,
  CloseYearCommand,
  CloseYearHandler,
  DepositToFundCommand,
  DepositToFundHandler,
  WithdrawFromFundCommand,
  WithdrawFromFundHandler,
} from './fund/fund.handlers';
import {
  CancelInitiativeCommand,
  CancelInitiativeHandler,
  CorrectPartyDecisionCommand,
  CorrectPartyDecisionHandler,
  DecideAppealCommand,
  DecideAppealHandler,
  RegisterPartyDecisionCommand,
  RegisterPartyDecisionHandler,
} from './initiatives/initiative.handlers';
import { AuditLogProjection } from './projections/audit-log.projection';
import { FundProjection } from './projections/fund.projection';
import { InitiativesProjection } from './projections/initiatives.projection';
import { ProjectionRunner } from './projections/projection-runner';
import { RuleViolationsProjection } from './projections/rule-violations.projection';
import type { RequestContext } from './request-context';
import { StreamWriter } from './stream-writer';

Logger.overrideLogger(false);

const NOW = '2025-06-15T10:00:00.000Z';
const clock = { now: () => NOW };
const context = (): RequestContext => ({ correlationId: randomUUID(), actor: null });

/** mulberry32, seeded: which reads are slowed down, so that a failing run can be repeated. */
// A test switch, not service configuration (which only apps/api/src/config.ts reads).
// eslint-disable-next-line no-restricted-properties
const SEED = Number(process.env.DGR_RACE_SEED ?? Math.floor(Math.random() * 2 ** 31));
// eslint-disable-next-line no-console
console.log(`cross-stream races: DGR_RACE_SEED=${SEED}`);
const random = ((seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
})(SEED);

/**
 * The store as one instance sees it: every stream read answers after 0–3 turns of the event loop (seeded), so that
 * the two writers' reads and appends interleave in every order, as two processes' do.
 */
const yielding = (store: EventStore): EventStore => {
  const turns = async () => {
    for (let n = Math.floor(random() * 4); n > 0; n--) await new Promise((resolve) => setImmediate(resolve));
  };
  const appendMany = store.appendMany?.bind(store);
  return {
    append: (stream, events, expected) => store.append(stream, events, expected),
    ...(appendMany ? { appendMany } : {}),
    readStream: async (stream) => {
      const read = await store.readStream(stream);
      await turns();
      return read;
    },
    readAll: (after, max) => store.readAll(after, max),
    headPosition: () => store.headPosition(),
    subscribeToAll: (after, handler) => store.subscribeToAll(after, handler),
    close: () => store.close(),
  };
};

/** One "instance": its own store adapter, read models, StreamWriter and handlers. */
const instance = async (given: EventStore) => {
  const store = yielding(given);
  const runner = new ProjectionRunner(store, new InitiativesProjection(), new FundProjection(), new AuditLogProjection(), new RuleViolationsProjection());
  await runner.start();
  const writer = new StreamWriter(store, clock, runner);
  return {
    store,
    runner,
    grant: (initiativeId: string, amountOre: number) =>
      new AwardGrantHandler(writer, DEFAULT_GRANT_POLICY).execute(
        new AwardGrantCommand({ initiativeId, amountOre, decidedOn: '2025-05-01', reference: 'RS 2025/1' }, context()),
      ),
    cancel: (initiativeId: string) =>
      new CancelInitiativeHandler(writer).execute(new CancelInitiativeCommand({ initiativeId, reason: 'Dras tillbaka.', cancelledOn: '2025-05-01' }, context())),
    annul: (initiativeId: string) =>
      new DecideAppealHandler(writer).execute(
        new DecideAppealCommand({ initiativeId, party: '1715', caseNumber: '100-25', outcome: 'annulled', decidedOn: '2025-04-20' }, context()),
      ),
    registerKarlstad: (initiativeId: string) =>
      new RegisterPartyDecisionHandler(writer).execute(
        new RegisterPartyDecisionCommand({ initiativeId, party: '1780', outcome: 'approved', decidedOn: '2025-03-01', body: 'kommunfullmäktige', minuteReference: '§ 2', caseNumber: null }, context()),
      ),
    withdraw: (initiativeId: string, amountOre: number) =>
      new WithdrawFromFundHandler(writer).execute(new WithdrawFromFundCommand({ initiativeId, amountOre, bookedOn: '2025-05-02', reference: 'UTB' }, context())),
    deposit: (bookedOn: string) =>
      new DepositToFundHandler(writer).execute(new DepositToFundCommand({ amountOre: 100, source: 'Region Värmland', bookedOn, reference: 'VER' }, context())),
    closeYear: (year: number) => new CloseYearHandler(writer).execute(new CloseYearCommand({ year }, context())),
    reject: (initiativeId: string) =>
      new CorrectPartyDecisionHandler(writer).execute(
        new CorrectPartyDecisionCommand(
          { initiativeId, party: '1715', outcome: 'rejected', decidedOn: '2025-03-01', body: 'kommunfullmäktige', minuteReference: '§ 1', caseNumber: null, reason: 'Fel beslut registrerades.' },
          context(),
        ),
      ),
  };
};
type Instance = Awaited<ReturnType<typeof instance>>;

const event = (type: string, data: unknown): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { recordedAt: NOW, correlationId: 'setup', causationId: null, schemaVersion: 1, actor: null },
});

/** An initiative with all 17 approvals (all but Karlstad's when asked; with an appeal of Kil's decision when asked). */
const agreedInitiative = async (store: EventStore, options: { withoutKarlstad?: boolean; appealed?: boolean } = {}): Promise<string> => {
  const id = randomUUID();
  const parties = options.withoutKarlstad ? PARTY_IDS.filter((p) => p !== '1780') : PARTY_IDS;
  const events: InitiativeEvent[] = [
    {
      type: 'InitiativeProposed',
      data: { initiativeId: id, title: 'T', summary: 'S', proposedBy: '1780', proposedOn: '2025-01-10', requestedAmountOre: 10_000_000, strategyLinks: [], transportProgramme: false, coFinancing: [], decisionDeadline: '2025-12-31' },
    },
    ...parties.map((party): InitiativeEvent => ({
      type: 'PartyDecisionRegistered',
      data: { initiativeId: id, party, outcome: 'approved', decidedOn: '2025-03-01', body: 'kommunfullmäktige', minuteReference: '§ 1', caseNumber: null, registeredAt: NOW, minutesApprovedOn: null, noticePostedOn: null, proposalVersion: 1, textHash: null },
    })),
  ];
  if (options.appealed)
    events.push({ type: 'AppealLodged', data: { initiativeId: id, party: '1715', court: 'Förvaltningsrätten i Karlstad', caseNumber: '100-25', lodgedOn: '2025-04-01' } });
  await store.append(initiativeStream(id), events.map((e) => event(e.type, e.data)), 'no_stream');
  return id;
};

const settle = async <A, B>(a: Promise<A>, b: Promise<B>) => {
  const [x, y] = await Promise.allSettled([a, b]);
  for (const r of [x, y]) if (r.status === 'rejected' && !(r.reason instanceof DomainError)) throw r.reason;
  return [x.status === 'fulfilled', y.status === 'fulfilled'] as const;
};

const wholeLog = async (store: EventStore) => store.readAll(0, 100_000);

const describeRules = (name: string, open: () => Promise<{ a: EventStore; b: EventStore; close: () => Promise<void> }>) =>
  describe(`cross-stream rules with two writers: ${name}`, () => {
    let a: Instance;
    let b: Instance;
    let close: () => Promise<void>;

    beforeEach(async () => {
      const opened = await open();
      close = opened.close;
      a = await instance(opened.a);
      b = await instance(opened.b);
      await a.store.append(FUND_STREAM, [event('FundDeposited', { amountOre: 15_000_000, source: 'Region Värmland', bookedOn: '2020-01-02', reference: 'VER-1' })], 'any');
    });

    afterEach(async () => {
      await a.runner.onModuleDestroy();
      await b.runner.onModuleDestroy();
      await close();
    });

    it('grant vs cancellation, 50 races at once: never both accepted, never neither', async () => {
      let grants = 0;
      for (let i = 0; i < 50; i++) {
        const id = await agreedInitiative(a.store);
        // Alternate which instance grants and which cancels.
        const [granted, cancelled] = i % 2 === 0 ? await settle(a.grant(id, 1_000), b.cancel(id)) : await settle(b.grant(id, 1_000), a.cancel(id));
        expect(Number(granted) + Number(cancelled)).toBe(1);
        grants += Number(granted);
      }
      expect(checkRules(await wholeLog(a.store))).toEqual([]);
      // Both outcomes occur: the races are real races.
      expect(grants).toBeGreaterThan(0);
      expect(grants).toBeLessThan(50);
    });

    it('grant vs a correction that takes the consensus away: the grant never relies on a state that was already gone', async () => {
      for (let i = 0; i < 20; i++) {
        const id = await agreedInitiative(a.store);
        const [, corrected] = i % 2 === 0 ? await settle(a.grant(id, 1_000), b.reject(id)) : await settle(b.grant(id, 1_000), a.reject(id));
        expect(corrected).toBe(true);
      }
      expect(checkRules(await wholeLog(a.store))).toEqual([]);
    });

    it('grant vs an appeal judgment that annuls a decision: the grant never relies on a state that was already gone', async () => {
      for (let i = 0; i < 10; i++) {
        const id = await agreedInitiative(a.store, { appealed: true });
        const [, annulled] = i % 2 === 0 ? await settle(a.grant(id, 1_000), b.annul(id)) : await settle(b.grant(id, 1_000), a.annul(id));
        expect(annulled).toBe(true);
      }
      expect(checkRules(await wholeLog(a.store))).toEqual([]);
    });

    it('two registrations of one party, two payouts beyond the grant: exactly one of each accepted', async () => {
      for (let i = 0; i < 10; i++) {
        const open = await agreedInitiative(a.store, { withoutKarlstad: true });
        const [x, y] = await settle(a.registerKarlstad(open), b.registerKarlstad(open));
        expect(Number(x) + Number(y)).toBe(1);
        const granted = await agreedInitiative(a.store);
        await a.grant(granted, 1_000);
        const [p, q] = await settle(a.withdraw(granted, 1_000), b.withdraw(granted, 1_000));
        expect(Number(p) + Number(q)).toBe(1);
      }
      expect(checkRules(await wholeLog(a.store))).toEqual([]);
    });

    it('closing a year vs a booking dated in it: never a booking recorded in a closed year', async () => {
      for (let year = 2020; year <= 2024; year++) {
        const [closed] = year % 2 === 0 ? await settle(a.closeYear(year), b.deposit(`${year}-06-01`)) : await settle(b.closeYear(year), a.deposit(`${year}-06-01`));
        expect(closed).toBe(true);
      }
      expect(checkRules(await wholeLog(a.store))).toEqual([]);
    });

    it('two grants that together exceed what is available: one accepted; a lost reservation is released', async () => {
      for (let i = 0; i < 10; i++) {
        const [x, y] = [await agreedInitiative(a.store), await agreedInitiative(a.store)];
        const log = await wholeLog(a.store);
        const fund = checkRules(log); // (no violations so far)
        expect(fund).toEqual([]);
        const available = await availableNow(a.store);
        const amount = Math.floor(available / 2) + 1;
        const [first, second] = await settle(a.grant(x, amount), b.grant(y, amount));
        expect(Number(first) + Number(second)).toBe(1);
        // The loser's initiative is free again: cancelling it works (its reservation, if any, was released).
        await (first ? b.cancel(y) : a.cancel(x));
      }
      const log = await wholeLog(a.store);
      expect(checkRules(log)).toEqual([]);
      // Without multi-stream appends, a grant that lost reserved first and then released (the compensating event).
      if (!a.store.appendMany) expect(log.filter((e) => e.type === 'GrantReservationReleased').length).toBeGreaterThan(0);
    });
  });

/** Balance − committed, from the fund's stream. */
const availableNow = async (store: EventStore): Promise<number> => {
  let balance = 0;
  let committed = 0;
  for (const e of await store.readStream(FUND_STREAM)) {
    const d = e.data as { amountOre: number };
    if (e.type === 'FundDeposited' || e.type === 'FundReturned') balance += d.amountOre;
    if (e.type === 'FundWithdrawn') {
      balance -= d.amountOre;
      committed -= d.amountOre;
    }
    if (e.type === 'GrantAwarded') committed += d.amountOre;
  }
  return balance - committed;
};

describeRules('EventStoreDB adapter, two instances over one FAKE client (reserve, then write, compensate)', async () => {
  const client = new FakeEventStoreDbClient();
  const a = await EventStoreDbEventStore.open(client);
  const b = await EventStoreDbEventStore.open(client);
  expect((a as EventStore).appendMany).toBeUndefined(); // one stream per call: the writer reserves and compensates
  return { a, b, close: async () => { await a.close(); await b.close(); } };
});

describeRules('in-memory store, one transaction for both streams (appendMany)', async () => {
  const store = new InMemoryEventStore();
  return { a: store, b: store, close: () => store.close() };
});

// A test switch, not service configuration (which only apps/api/src/config.ts reads).
// eslint-disable-next-line no-restricted-properties
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING?.trim();
if (connectionString)
  describeRules(`EventStoreDB, two instances on a REAL server`, async () => {
    const streamPrefix = `cross${randomUUID().replace(/-/g, '')}-`;
    const a = await connectEventStoreDb(connectionString, { streamPrefix, connectTimeoutMs: 10_000 });
    const b = await connectEventStoreDb(connectionString, { streamPrefix, connectTimeoutMs: 10_000 });
    return { a, b, close: async () => { await a.close(); await b.close(); } };
  });
