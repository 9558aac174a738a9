/**
 * The reads that must look at every initiative (the reminders, the annual report) read them a page at a time
 * from the read model and let the event loop serve others between pages (ADR 0018): counted in turns of the
 * event loop, no clock. And they answer as the whole-set computation does.
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { annualReport, DgrApplicationModule, ProjectionRunner, ProposeInitiativeCommand, Queries, Reminders, remindersAsOf, InitiativesProjection } from '@dgr/application';
import { InMemoryEventStore } from '@dgr/event-store';

const INITIATIVES = 250;

/** Turns of the event loop that pass before `work` settles (0: it settled without letting anything else run). */
const turnsDuring = async (work: Promise<unknown>): Promise<number> => {
  let done = false;
  void work.then(() => (done = true));
  let turns = 0;
  while (!done) {
    await new Promise((resolve) => setImmediate(resolve));
    turns += 1;
  }
  await work;
  return turns;
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
        { initiativeId: `00000000-0000-4000-8000-${String(n + 1).padStart(12, '0')}`, title: `Initiativ ${n}`, summary: 's', proposedBy: '1780', proposedOn: '2026-03-01', requestedAmountOre: 1000, transportProgramme: true, decisionDeadline: '2026-12-31' },
        { correlationId: 'yield', actor: null },
      ),
    );
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
  expect(answer[0]!.waitingForDecision).toHaveLength(INITIATIVES);
});

it('the annual report reads the initiatives in pages, yielding between them', async () => {
  const work = annualReport(app.get(Queries), 2026, null);
  expect(await turnsDuring(work)).toBeGreaterThanOrEqual(2);
  expect((await work).decided).toHaveLength(INITIATIVES);
});
