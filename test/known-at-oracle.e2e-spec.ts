/**
 * Known-at as an indexed query (ADR 0018) against the ORACLE: a replay of only the events recorded by the
 * instant, from an empty state (`replay`). Over generated logs (written through the real handlers, with a
 * clock that moves on) and generated instants, both answer the same: the list (with its filters and pages),
 * each initiative, the fund, the years, the ledger and the rule violations. The live read models (the status
 * filter's kept statuses included) equal a replay of the whole log.
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import fc from 'fast-check';
import {
  AwardGrantCommand,
  CancelInitiativeCommand,
  DepositToFundCommand,
  DgrApplicationModule,
  EVENT_STORE,
  ProjectionRunner,
  ProposeInitiativeCommand,
  Queries,
  ReadView,
  RegisterPartyDecisionCommand,
  replay,
  ReturnToFundCommand,
  WithdrawFromFundCommand,
  type Clock,
} from '@dgr/application';
import { PARTY_IDS, type InitiativeStatus, type PartyId } from '@dgr/domain';
import { InMemoryEventStore, type EventStore } from '@dgr/event-store';

const START = Date.parse('2027-01-05T08:00:00.000Z');
const DAY0 = Date.parse('2024-01-01T00:00:00.000Z');
const day = (n: number): string => new Date(DAY0 + n * 86_400_000).toISOString().slice(0, 10);
const STATUSES: InitiativeStatus[] = ['open', 'consensus', 'blocked', 'lapsed', 'cancelled'];
const ctx = { correlationId: 'oracle', actor: null };

type Op =
  | { kind: 'propose'; party: number; on: number; amount: number; deadline: number }
  | { kind: 'decide'; i: number; party: number; approved: boolean; on: number }
  | { kind: 'approveAll'; i: number; on: number; grant: number }
  | { kind: 'deposit'; amount: number; on: number }
  | { kind: 'grant'; i: number; amount: number; on: number }
  | { kind: 'withdraw'; i: number; amount: number; on: number }
  | { kind: 'return'; i: number; amount: number; on: number }
  | { kind: 'cancel'; i: number; on: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('propose' as const), party: fc.nat(PARTY_IDS.length - 1), on: fc.nat(800), amount: fc.integer({ min: 1, max: 5_000_000 }), deadline: fc.integer({ min: 10, max: 300 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('decide' as const), i: fc.nat(2), party: fc.nat(PARTY_IDS.length - 1), approved: fc.boolean(), on: fc.nat(900) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('approveAll' as const), i: fc.nat(2), on: fc.nat(900), grant: fc.nat(2_000_000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deposit' as const), amount: fc.integer({ min: 1, max: 9_000_000 }), on: fc.nat(900) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('grant' as const), i: fc.nat(2), amount: fc.integer({ min: 1, max: 3_000_000 }), on: fc.nat(900) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), i: fc.nat(2), amount: fc.integer({ min: 1, max: 2_000_000 }), on: fc.nat(900) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('return' as const), i: fc.nat(2), amount: fc.integer({ min: 1, max: 500_000 }), on: fc.nat(900) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), i: fc.nat(2), on: fc.nat(900) }) },
);

/** Everything a read view answers, as plain data (an error as its name). */
const answersOf = async (view: ReadView, ids: readonly string[], asOfs: readonly string[]) => {
  const attempt = <T>(f: () => T): T | string => {
    try {
      return f();
    } catch (e) {
      return (e as Error).constructor.name;
    }
  };
  return {
    fund: view.fundStatus(),
    years: view.fundYears(),
    ledger: view.ledger(),
    rules: view.ruleViolations(),
    closedAt: [2024, 2025, 2026].map((y) => view.yearClosedAt(y)),
    byDay: await Promise.all(
      asOfs.map(async (asOf) => ({
        list: view.listInitiatives(asOf),
        pages: await Promise.all([undefined, ...STATUSES].map((status) => view.filterInitiatives({ asOf, status, offset: 1, limit: 2 }))),
        year: view.initiativePage({ asOf, year: 2025 }),
        each: ids.map((id) => attempt(() => view.getInitiative(id, asOf))),
      })),
    ),
  };
};

const run = async (ops: readonly Op[], instants: readonly number[], asOfDays: readonly number[]): Promise<unknown[]> => {
  let now = START;
  const clock: Clock = { now: () => new Date(now).toISOString() };
  const store = new InMemoryEventStore();
  const app: INestApplicationContext = await NestFactory.createApplicationContext(
    DgrApplicationModule.register({ store: () => store, clock }),
    { logger: false },
  );
  try {
    await app.get(ProjectionRunner).start();
    const bus = app.get(CommandBus);
    const ids: string[] = [];
    const pick = (i: number): string => ids[i % Math.max(1, ids.length)] ?? 'missing';
    // Business days move on with the log (a few days per command), so decisions follow proposals and grants consensus.
    let cursor = 0;
    let done = 0;
    for (const op of ops) {
      // Halfway, the live status filter is asked once (it keeps each row's status for the day asked): the writes
      // after it must not leave it stale.
      if (++done === Math.ceil(ops.length / 2)) {
        await app.get(ProjectionRunner).waitFor(await store.headPosition());
        for (const asOf of asOfDays.map(day)) for (const status of STATUSES) await app.get(Queries).filterInitiatives({ asOf, status });
      }
      now += 60_000;
      cursor += op.on % 15;
      const on = day(cursor);
      // A command the deciders refuse writes nothing: the log is whatever was accepted.
      // Each command is recorded a second after the one before: an instant can fall between any two.
      const send = (command: object) => {
        now += 1000;
        return bus.execute(command as never).catch(() => undefined);
      };
      switch (op.kind) {
        case 'propose': {
          const id = `00000000-0000-4000-8000-${String(ids.length + 1).padStart(12, '0')}`;
          ids.push(id);
          await send(
            new ProposeInitiativeCommand(
              { initiativeId: id, title: `I${ids.length}`, summary: 's', proposedBy: PARTY_IDS[op.party]!, proposedOn: on, requestedAmountOre: op.amount, transportProgramme: true, decisionDeadline: day(cursor + op.deadline) },
              ctx,
            ),
          );
          break;
        }
        case 'decide':
          await send(new RegisterPartyDecisionCommand({ initiativeId: pick(op.i), party: PARTY_IDS[op.party] as PartyId, outcome: op.approved ? 'approved' : 'rejected', decidedOn: on, body: 'kommunfullmäktige', minuteReference: '§ 1' }, ctx));
          break;
        case 'approveAll':
          // Consensus, and (unless 0) a grant the same day.
          for (const party of PARTY_IDS)
            await send(new RegisterPartyDecisionCommand({ initiativeId: pick(op.i), party, outcome: 'approved', decidedOn: on, body: 'kommunfullmäktige', minuteReference: '§ 2' }, ctx));
          if (op.grant > 0) await send(new AwardGrantCommand({ initiativeId: pick(op.i), amountOre: op.grant, decidedOn: on, reference: 'B' }, ctx));
          break;
        case 'deposit':
          await send(new DepositToFundCommand({ amountOre: op.amount, source: 'Region Värmland', bookedOn: on, reference: 'V' }, ctx));
          break;
        case 'grant':
          await send(new AwardGrantCommand({ initiativeId: pick(op.i), amountOre: op.amount, decidedOn: on, reference: 'B' }, ctx));
          break;
        case 'withdraw':
          await send(new WithdrawFromFundCommand({ initiativeId: pick(op.i), amountOre: op.amount, bookedOn: on, reference: 'U' }, ctx));
          break;
        case 'return':
          await send(new ReturnToFundCommand({ initiativeId: pick(op.i), amountOre: op.amount, bookedOn: on, reason: 'R' }, ctx));
          break;
        case 'cancel':
          await send(new CancelInitiativeCommand({ initiativeId: pick(op.i), reason: 'C', cancelledOn: on }, ctx));
          break;
      }
    }
    const head = await store.headPosition();
    await app.get(ProjectionRunner).waitFor(head);
    const queries = app.get(Queries);
    const oracleStore: EventStore = app.get(EVENT_STORE);
    const asOfs = asOfDays.map(day);
    // Instants: before the first event, between commands, at one exactly, after the last.
    const answers: unknown[] = [];
    for (const share of instants) {
      const instant = new Date(START + Math.round(share * (now - START + 120_000))).toISOString();
      const indexed = await queries.view(instant);
      const { models } = await replay(oracleStore, { knownAt: instant });
      const oracle = new ReadView(models, oracleStore, clock);
      const answer = await answersOf(indexed, ids, asOfs);
      expect(answer).toEqual(await answersOf(oracle, ids, asOfs));
      answers.push(answer);
    }
    // And the live read models (now, no knownAt) equal a replay of the whole log.
    const { models } = await replay(oracleStore);
    expect(await answersOf(queries, ids, asOfs)).toEqual(await answersOf(new ReadView(models, oracleStore, clock), ids, asOfs));
    return answers;
  } finally {
    await app.close();
  }
};

describe('known-at: the indexed query equals a replay of what was recorded by the instant', () => {
  it('over generated logs and instants', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Every log starts with money in the fund and an initiative, so that what follows can refer to them.
        fc.array(opArb, { minLength: 4, maxLength: 40 }).map((ops): Op[] => [
          { kind: 'deposit', amount: 8_000_000, on: 1 },
          { kind: 'propose', party: 3, on: 1, amount: 4_000_000, deadline: 120 },
          ...ops,
        ]),
        fc.array(fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(1200), { minLength: 1, maxLength: 3 }),
        async (ops, instants, days) => {
          await run(ops, instants, days);
        },
      ),
      { numRuns: 40 },
    );
  }, 240_000);

  it('generates logs where the answers differ between instants (the property is not trivially true)', async () => {
    const ops: Op[] = [
      { kind: 'deposit', amount: 5_000_000, on: 10 },
      { kind: 'propose', party: 0, on: 20, amount: 1_000_000, deadline: 200 },
      { kind: 'approveAll', i: 0, on: 30, grant: 0 },
      { kind: 'grant', i: 0, amount: 500_000, on: 40 },
    ];
    const [before, early, late] = await run(ops, [0, 0.4, 0.99], [100]);
    expect(before).not.toEqual(early);
    expect(early).not.toEqual(late);
    expect((late as { fund: { committedOre: number } }).fund.committedOre).toBe(500_000);
  });
});
