/**
 * Model-based, with fast-check: random commands (grants, cancellations, corrections, registrations, payouts,
 * returns, deposits, closing years) sent by TWO writers — each its own StreamWriter, so no shared lock — over one
 * in-memory store, with every stream read delivered in an order fast-check's scheduler chooses (the interleavings of
 * two processes). Whatever the commands and the order, the log keeps every rule: the balance never below zero, never
 * more paid out than granted, never a grant on a cancelled or non-consensus initiative, at most one current decision
 * per party, closed years never change (checked by `checkRules`, the scan of `dgr verify`, and directly).
 */
import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { DEFAULT_GRANT_POLICY, DomainError, FUND_STREAM, initiativeStream, PARTY_IDS, yearOf, type PartyId } from '@dgr/domain';
import { InMemoryEventStore, type EventStore, type NewEvent } from '@dgr/event-store';
import { checkRules } from './audit/rule-check';
import {
  AwardGrantCommand,
  AwardGrantHandler,
  CloseYearCommand,
  CloseYearHandler,
  DepositToFundCommand,
  DepositToFundHandler,
  ReturnToFundCommand,
  ReturnToFundHandler,
  WithdrawFromFundCommand,
  WithdrawFromFundHandler,
} from './fund/fund.handlers';
import {
  CancelInitiativeCommand,
  CancelInitiativeHandler,
  CorrectPartyDecisionCommand,
  CorrectPartyDecisionHandler,
  RegisterPartyDecisionCommand,
  RegisterPartyDecisionHandler,
} from './initiatives/initiative.handlers';
import type { ProjectionRunner } from './projections/projection-runner';
import type { RequestContext } from './request-context';
import { StreamWriter } from './stream-writer';

Logger.overrideLogger(false);

const NOW = '2025-06-15T10:00:00.000Z';
const clock = { now: () => NOW };
const ctx = (): RequestContext => ({ correlationId: randomUUID(), actor: null });
/** The write path's answer waits for the read models; these tests read the log itself, so nothing to wait for. */
const noReadModels = { waitFor: () => Promise.resolve(), assertReadable: () => undefined } as unknown as ProjectionRunner;

const INITIATIVES = ['i0', 'i1', 'i2'];
/** i2 lacks Karlstad's decision: no consensus until it is registered. */
const MISSING: PartyId = '1780';

const setupEvent = (type: string, data: unknown): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { recordedAt: NOW, correlationId: 'setup', causationId: null, schemaVersion: 1, actor: null },
});

const seed = async (store: EventStore): Promise<void> => {
  await store.append(FUND_STREAM, [setupEvent('FundDeposited', { amountOre: 1_000, source: 'Region Värmland', bookedOn: '2023-01-10', reference: 'VER-1' })], 'no_stream');
  for (const id of INITIATIVES) {
    const parties = id === 'i2' ? PARTY_IDS.filter((p) => p !== MISSING) : PARTY_IDS;
    await store.append(
      initiativeStream(id),
      [
        setupEvent('InitiativeProposed', { initiativeId: id, title: id, summary: 's', proposedBy: '1780', proposedOn: '2025-01-10', requestedAmountOre: 1_500, strategyLinks: [], transportProgramme: false, coFinancing: [], decisionDeadline: '2025-12-31' }),
        ...parties.map((party) =>
          setupEvent('PartyDecisionRegistered', { initiativeId: id, party, outcome: 'approved', decidedOn: '2025-03-01', body: 'kommunfullmäktige', minuteReference: '§ 1', caseNumber: null, registeredAt: NOW, minutesApprovedOn: null, noticePostedOn: null }),
        ),
      ],
      'no_stream',
    );
  }
};

type Command =
  | { kind: 'grant'; initiative: string; amountOre: number }
  | { kind: 'cancel'; initiative: string }
  | { kind: 'reject'; initiative: string; party: PartyId }
  | { kind: 'register'; initiative: string; outcome: 'approved' | 'rejected' }
  | { kind: 'withdraw'; initiative: string; amountOre: number; bookedOn: string }
  | { kind: 'return'; initiative: string; amountOre: number; bookedOn: string }
  | { kind: 'deposit'; amountOre: number; bookedOn: string }
  | { kind: 'close'; year: number };

const initiative = fc.constantFrom(...INITIATIVES);
const amount = fc.integer({ min: 1, max: 700 });
const bookedOn = fc.constantFrom('2023-06-01', '2024-06-01', '2025-05-02', '2025-06-01');
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('grant' as const), initiative, amountOre: amount }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), initiative }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), initiative, party: fc.constantFrom<PartyId>('17', '1715') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('register' as const), initiative: fc.constant('i2'), outcome: fc.constantFrom('approved' as const, 'rejected' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), initiative, amountOre: amount, bookedOn: fc.constantFrom('2025-05-02', '2025-06-01') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('return' as const), initiative, amountOre: amount, bookedOn: fc.constantFrom('2025-05-03', '2025-06-01') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deposit' as const), amountOre: amount, bookedOn }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('close' as const), year: fc.constantFrom(2023, 2024) }) },
);

/** One writer: its own StreamWriter over the store, every stream read handed over when the scheduler says. */
const writer = (store: EventStore, s: fc.Scheduler) => {
  const scheduled: EventStore = {
    append: (stream, events, expected) => store.append(stream, events, expected),
    appendMany: (appends) => store.appendMany!(appends),
    readStream: (stream, fromRevision) => s.schedule(store.readStream(stream, fromRevision), `read ${stream}`),
    readAll: (after, max) => store.readAll(after, max),
    headPosition: () => store.headPosition(),
    subscribeToAll: (after, handler) => store.subscribeToAll(after, handler),
    close: () => store.close(),
  };
  const w = new StreamWriter(scheduled, clock, noReadModels);
  return (c: Command): Promise<unknown> => {
    switch (c.kind) {
      case 'grant':
        return new AwardGrantHandler(w, DEFAULT_GRANT_POLICY).execute(new AwardGrantCommand({ initiativeId: c.initiative, amountOre: c.amountOre, decidedOn: '2025-05-01', reference: 'RS' }, ctx()));
      case 'cancel':
        return new CancelInitiativeHandler(w).execute(new CancelInitiativeCommand({ initiativeId: c.initiative, reason: 'Dras tillbaka.', cancelledOn: '2025-05-01' }, ctx()));
      case 'reject':
        return new CorrectPartyDecisionHandler(w).execute(
          new CorrectPartyDecisionCommand({ initiativeId: c.initiative, party: c.party, outcome: 'rejected', decidedOn: '2025-03-01', body: 'kommunfullmäktige', minuteReference: '§ 1', caseNumber: null, reason: 'Fel.' }, ctx()),
        );
      case 'register':
        return new RegisterPartyDecisionHandler(w).execute(
          new RegisterPartyDecisionCommand({ initiativeId: c.initiative, party: MISSING, outcome: c.outcome, decidedOn: '2025-03-01', body: 'kommunfullmäktige', minuteReference: '§ 2', caseNumber: null }, ctx()),
        );
      case 'withdraw':
        return new WithdrawFromFundHandler(w).execute(new WithdrawFromFundCommand({ initiativeId: c.initiative, amountOre: c.amountOre, bookedOn: c.bookedOn, reference: 'UTB' }, ctx()));
      case 'return':
        return new ReturnToFundHandler(w).execute(new ReturnToFundCommand({ initiativeId: c.initiative, amountOre: c.amountOre, bookedOn: c.bookedOn, reason: 'Över.' }, ctx()));
      case 'deposit':
        return new DepositToFundHandler(w).execute(new DepositToFundCommand({ amountOre: c.amountOre, source: 'Region Värmland', bookedOn: c.bookedOn, reference: 'VER' }, ctx()));
      case 'close':
        return new CloseYearHandler(w).execute(new CloseYearCommand({ year: c.year }, ctx()));
    }
  };
};

/** Each closed year's bookings as they stood when it closed, and at the end: never different. */
const closedYearsUnchanged = (log: ReadonlyArray<{ stream: string; type: string; data: unknown }>): boolean => {
  const sums = new Map<number, number>();
  const atClose = new Map<number, number>();
  for (const e of log) {
    if (e.stream !== FUND_STREAM) continue;
    const d = e.data as { bookedOn?: string; amountOre?: number; year?: number };
    if (e.type === 'YearClosed') atClose.set(d.year!, sums.get(d.year!) ?? 0);
    else if (d.bookedOn) {
      const y = yearOf(d.bookedOn as never);
      sums.set(y, (sums.get(y) ?? 0) + (e.type === 'FundWithdrawn' ? -d.amountOre! : d.amountOre!));
    }
  }
  return [...atClose].every(([year, sum]) => (sums.get(year) ?? 0) === sum);
};

describe('two writers, any commands, any interleaving: the log keeps every rule', () => {
  it('holds (fast-check, scheduled interleavings)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(fc.tuple(fc.constantFrom(0, 1), command), { minLength: 2, maxLength: 10 }), async (s, commands) => {
        const store = new InMemoryEventStore();
        await seed(store);
        const writers = [writer(store, s), writer(store, s)];
        const outcomes = await s.waitFor(Promise.allSettled(commands.map(([who, c]) => writers[who]!(c))));
        for (const o of outcomes) if (o.status === 'rejected' && !(o.reason instanceof DomainError)) throw o.reason;
        const log = await store.readAll(0, 10_000);
        expect(checkRules(log)).toEqual([]);
        expect(closedYearsUnchanged(log)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
