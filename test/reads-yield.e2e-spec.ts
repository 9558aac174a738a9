/**
 * The reads that must look at every initiative (the reminders, the annual report, a status filter on a day not
 * prepared, a status filter known at an instant) read them a chunk at a time from the read model and let the
 * event loop serve others between chunks (ADR 0018, issue 13): counted in turns of the event loop, no clock. And
 * they answer as the whole-set computation does.
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import {
  annualReport,
  AwardGrantCommand,
  DepositToFundCommand,
  DgrApplicationModule,
  EVENT_STORE,
  InitiativesProjection,
  ProjectionRunner,
  ProposeInitiativeCommand,
  Queries,
  RegisterPartyDecisionCommand,
  pageReminders,
  Reminders,
  remindersAsOf,
  ReturnToFundCommand,
  ServiceUnavailable,
  WithdrawFromFundCommand,
} from '@dgr/application';
import { consensusAsOf, FUND_STREAM, initiativeStream, PARTY_IDS } from '@dgr/domain';
import { InMemoryEventStore, type EventStore } from '@dgr/event-store';
import { turnsDuring } from './support/turns';

const INITIATIVES = 250;
const id = (n: number): string => `00000000-0000-4000-8000-${String(n + 1).padStart(12, '0')}`;
const ctx = { correlationId: 'yield', actor: null };

/** Whether work started now is still pending at the next turn of the event loop (it let other callbacks run first). */
const pendingAfterOneTurn = async (start: () => Promise<unknown>): Promise<boolean> => {
  let settled = false;
  const turn = new Promise((resolve) => setImmediate(resolve));
  const work = start();
  void work.then(
    () => (settled = true),
    () => (settled = true),
  );
  await turn;
  const pending = !settled;
  await work;
  return pending;
};

let app: INestApplicationContext;

beforeAll(async () => {
  app = await NestFactory.createApplicationContext(
    DgrApplicationModule.register({ store: () => new InMemoryEventStore(), clock: { now: () => '2026-11-23T12:00:00.000Z' } }),
    { logger: false },
  );
  await app.get(ProjectionRunner).start();
  const bus = app.get(CommandBus);
  for (let n = 0; n < INITIATIVES; n++)
    await bus.execute(
      new ProposeInitiativeCommand(
        { initiativeId: id(n), title: `Initiativ ${n}`, summary: 's', proposedBy: '1780', proposedOn: '2026-03-01', requestedAmountOre: 1000, transportProgramme: true, decisionDeadline: '2026-12-31' },
        ctx,
      ),
    );
  // Money for two of them: a deposit, consensus, grants, a payout and a return (the fund stream names them).
  await bus.execute(new DepositToFundCommand({ amountOre: 100_000, source: 'Region Värmland', bookedOn: '2026-01-10', reference: 'V' }, ctx));
  for (const n of [0, 1]) {
    for (const party of PARTY_IDS)
      await bus.execute(new RegisterPartyDecisionCommand({ initiativeId: id(n), party, outcome: 'approved', decidedOn: '2026-04-01', body: 'kommunfullmäktige', minuteReference: '§ 1' }, ctx));
    await bus.execute(new AwardGrantCommand({ initiativeId: id(n), amountOre: 1000, decidedOn: '2026-05-01', reference: 'B' }, ctx));
  }
  await bus.execute(new WithdrawFromFundCommand({ initiativeId: id(0), amountOre: 600, bookedOn: '2026-06-01', reference: 'U' }, ctx));
  await bus.execute(new ReturnToFundCommand({ initiativeId: id(0), amountOre: 100, bookedOn: '2026-07-01', reason: 'R' }, ctx));
  await app.get(ProjectionRunner).waitFor(await app.get<EventStore>(EVENT_STORE).headPosition());
}, 120_000);

afterAll(async () => {
  await app.close();
});

it('the reminders read the initiatives in pages, yielding between them, and answer as over the whole set', async () => {
  const reminders = app.get(Reminders);
  const work = reminders.asOf('2026-11-23');
  expect(await turnsDuring(work)).toBeGreaterThanOrEqual(2);
  const answer = await work;
  expect(answer).toEqual(remindersAsOf(app.get(InitiativesProjection).all(), '2026-11-23'));
  expect(answer[0]!.waitingForDecision).toHaveLength(INITIATIVES - 2);
});

it("the reminders' API page keeps only each list's first items while it reads, and answers as the page cut from every item", async () => {
  const reminders = app.get(Reminders);
  const every = await reminders.asOf('2026-11-23');
  for (const options of [{ limit: 1 }, { limit: 7 }, { limit: 1000 }, { party: '1780' as const, limit: 3 }, { party: '1715' as const, limit: 300 }]) {
    const work = reminders.page('2026-11-23', { '1780': 'kil@example.se' }, options);
    expect(await turnsDuring(work)).toBeGreaterThanOrEqual(2);
    expect(await work).toEqual(pageReminders(await reminders.asOf('2026-11-23', { '1780': 'kil@example.se' }), options));
  }
  expect(every[0]!.missingMinutesOrNotice).toHaveLength(2);
});

it('the annual report reads the initiatives in pages, yielding between them', async () => {
  // The funded initiatives' outcome reports come from their state, not their whole detail (milliseconds each).
  const details = jest.spyOn(app.get(Queries), 'getInitiative');
  try {
    const work = annualReport(app.get(Queries), 2026, null);
    expect(await turnsDuring(work)).toBeGreaterThanOrEqual(2);
    const report = await work;
    expect(report.decided).toHaveLength(INITIATIVES);
    expect(report.initiatives.map((i) => [i.id, i.paidThisYearOre, i.outcomeReports])).toEqual([
      [id(0), 600, []],
      [id(1), 0, []],
    ]);
    expect(details).not.toHaveBeenCalled();
  } finally {
    details.mockRestore();
  }
});

/** The ids of the initiatives whose consensus status as of `asOf` is `status`, folded one by one (the oracle). */
const matching = (states: ReturnType<InitiativesProjection['all']>, asOf: string, status: string): string[] =>
  states.filter((i) => i.proposedOn <= asOf && consensusAsOf(i, asOf).status === status).map((i) => i.id);

describe('a status filter (issue 13: no request holds the event loop)', () => {
  it('on a day whose statuses are not prepared, awaits their preparation in chunks that yield, and answers as the fold', async () => {
    const queries = app.get(Queries);
    // One chunk of rows per turn (the preparation otherwise computes for up to 10 ms before it yields).
    Object.assign(app.get(InitiativesProjection), { statusSliceMs: 0 });
    const work = queries.filterInitiatives({ asOf: '2026-11-24', status: 'open', offset: 3, limit: 5 });
    expect(await turnsDuring(work)).toBeGreaterThanOrEqual(INITIATIVES / 20);
    Object.assign(app.get(InitiativesProjection), { statusSliceMs: 10 });
    const page = await work;
    const expected = matching(app.get(InitiativesProjection).all(), '2026-11-24', 'open');
    expect(page.total).toBe(expected.length);
    expect(page.items.map((i) => i.id)).toEqual(expected.slice(3, 8));
    // Prepared now: the next list of that day reads the index at once (settled in the turn it was asked in).
    expect(await turnsDuring(queries.filterInitiatives({ asOf: '2026-11-24', status: 'consensus' }))).toBeLessThanOrEqual(1);
  });

  it('shares one preparation between the lists of one day, and answers each as the fold', async () => {
    const initiatives = app.get(InitiativesProjection);
    const first = initiatives.prepareStatuses('2026-11-25');
    expect(initiatives.prepareStatuses('2026-11-25')).toBe(first);
    const [open, consensus, other] = await Promise.all([
      app.get(Queries).filterInitiatives({ asOf: '2026-11-25', status: 'open' }),
      app.get(Queries).filterInitiatives({ asOf: '2026-11-25', status: 'consensus' }),
      app.get(Queries).filterInitiatives({ asOf: '2026-11-26', status: 'consensus' }),
    ]);
    const all = initiatives.all();
    expect(open.items.map((i) => i.id)).toEqual(matching(all, '2026-11-25', 'open'));
    expect(consensus.items.map((i) => i.id)).toEqual(matching(all, '2026-11-25', 'consensus'));
    expect(other.items.map((i) => i.id)).toEqual(matching(all, '2026-11-26', 'consensus'));
    expect(consensus.total).toBe(2);
  });

  it('answers 503 (ServiceUnavailable, with a Retry-After) rather than wait past its limit, and changes nothing', async () => {
    const initiatives = app.get(InitiativesProjection);
    initiatives.statusWaitMs = 0;
    try {
      const refused = await app
        .get(Queries)
        .filterInitiatives({ asOf: '2026-11-27', status: 'open' })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ServiceUnavailable);
      expect(refused).toMatchObject({ code: 'statuses-not-ready', retryAfterSeconds: 5 });
      expect((refused as Error).message).toMatch(/^Statusen per 2026-11-27 räknas fortfarande fram/);
      // The preparation it started goes on; once done, the same list answers.
      await initiatives.prepareStatuses('2026-11-27');
      expect((await app.get(Queries).filterInitiatives({ asOf: '2026-11-27', status: 'open' })).total).toBe(INITIATIVES - 2);
    } finally {
      initiatives.statusWaitMs = 5_000;
    }
  });

  it('known at an instant, looks at the candidates a chunk at a time, yielding between chunks, and answers as the fold', async () => {
    const view = await app.get(Queries).view('2026-11-23T12:00:00.000Z');
    const work = view.filterInitiatives({ asOf: '2026-11-28', status: 'open', limit: 10 });
    expect(await turnsDuring(work)).toBeGreaterThanOrEqual(2);
    const page = await work;
    const expected = matching(app.get(InitiativesProjection).all(), '2026-11-28', 'open');
    expect(page.total).toBe(expected.length);
    expect(page.items.map((i) => i.id)).toEqual(expected.slice(0, 10));
  });
});

it("the initiatives granted money (finance's forms) are summarised in chunks, yielding between them", async () => {
  const queries = app.get(Queries);
  expect(await pendingAfterOneTurn(() => queries.grantedInitiatives('2026-11-23', 1))).toBe(true);
  const granted = await queries.grantedInitiatives('2026-11-23', 1);
  expect(granted.map((i) => [i.id, i.grantedOre, i.withdrawnOre, i.returnedOre])).toEqual([
    [id(0), 1000, 600, 100],
    [id(1), 1000, 0, 0],
  ]);
  expect(granted).toEqual(await queries.grantedInitiatives('2026-11-23'));
  expect(granted[1]).toEqual(queries.summaryOf(app.get(InitiativesProjection).get(id(1))!, '2026-11-23'));
});

it('the page index is loaded at start in chunks that yield, and pages as the index loaded by a list does', async () => {
  const initiatives = app.get(InitiativesProjection);
  const unloaded = () => Object.assign(initiatives, { pageIndex: null });
  const queries = app.get(Queries);
  const asked = [{ limit: 3, offset: 5 }, { asOf: '2026-03-01', limit: 10, offset: 240 }, { asOf: '2026-02-28' }];
  unloaded();
  const byList = asked.map((q) => queries.initiativePage(q));
  unloaded();
  expect(await pendingAfterOneTurn(() => initiatives.preparePageIndex(100))).toBe(true);
  expect((initiatives as unknown as { pageIndex: { length: number } | null }).pageIndex?.length).toBe(INITIATIVES);
  expect(asked.map((q) => queries.initiativePage(q))).toEqual(byList);
  expect(byList[1]!.items).toHaveLength(10);
});

describe("an initiative's history", () => {
  it("reads the fund's events that name it by position, not the whole fund stream, and answers as the scan did", async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    const fundEvents = await store.readStream(FUND_STREAM);
    const own = await store.readStream(initiativeStream(id(0)));
    const reads = jest.spyOn(store, 'readStream');
    try {
      const history = await app.get(Queries).initiativeHistory(id(0));
      expect(reads.mock.calls.map(([stream]) => stream)).not.toContain(FUND_STREAM);
      // The scan of the whole fund stream: the events naming it; the grant's reservation shown once, as the grant.
      const money = fundEvents.filter((e) => (e.data as { initiativeId?: string }).initiativeId === id(0));
      const granted = new Set<string | undefined>(money.map((e) => (e.data as { reservationId?: string }).reservationId).filter((r) => r !== undefined));
      const expected = [...own.filter((e) => !(e.type === 'GrantReserved' && granted.has((e.data as { reservationId?: string }).reservationId))), ...money]
        .sort((a, b) => a.position - b.position)
        .map(({ position, revision, type, data, metadata, hash, previousHash }) => ({ position, revision, type, data, metadata, hash, previousHash }));
      expect(money.map((e) => e.type)).toEqual(['GrantAwarded', 'FundWithdrawn', 'FundReturned']);
      expect(history).toEqual(expected);
    } finally {
      reads.mockRestore();
    }
  });
});
