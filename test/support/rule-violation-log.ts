/**
 * The log of a service from before ADR 0010, when a grant and a cancellation of the same initiative sent to two
 * instances at once could both be accepted: it holds a grant recorded after the initiative's cancellation.
 * Written event by event straight through the store (no decider would write it today), with fixed ids and
 * times, so that its export is the same on every run: `test/fixtures/grant-on-cancelled-initiative.jsonl`.
 * Regenerate it with `DGR_WRITE_FIXTURES=1 npx jest test/rule-violations.e2e-spec.ts`.
 */
import { jsonlLine } from '@dgr/application';
import { InMemoryEventStore, type EventStore, type NewEvent } from '@dgr/event-store';
import { PARTY_IDS } from './http-app';

export const FIXTURE_FILE = 'test/fixtures/grant-on-cancelled-initiative.jsonl';
export const FIXTURE_INITIATIVE = '5f0c8f0e-3d0a-4c1e-9a53-6a1f2b7c9d10';
/** Where the grant on the cancelled initiative is in the fixture's log. */
export const FIXTURE_GRANT_POSITION = 21;

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const event = (n: number, type: string, data: unknown, recordedAt: string): NewEvent => ({
  id: id(n),
  type,
  data,
  metadata: { recordedAt, correlationId: `fixture-${n}`, causationId: null, schemaVersion: 1, actor: null },
});

export const writeGrantOnCancelledLog = async (store: EventStore): Promise<void> => {
  const stream = `initiative-${FIXTURE_INITIATIVE}`;
  let n = 0;
  await store.append('fund-dgr', [event(++n, 'FundDeposited', { amountOre: 1_000_000_000, source: 'Region Värmland', bookedOn: '2024-01-10', reference: 'VER-1' }, '2024-01-10T09:00:00.000Z')], 'no_stream');
  await store.append(stream, [event(++n, 'InitiativeProposed', {
    initiativeId: FIXTURE_INITIATIVE,
    title: 'Kompetensplattform Värmland',
    summary: 'Gemensam plattform för kompetensförsörjning i hela länet.',
    proposedBy: '1780',
    proposedOn: '2024-02-01',
    requestedAmountOre: 500_000_000,
    strategyLinks: [{ area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad' }],
    transportProgramme: false,
    coFinancing: [],
    decisionDeadline: '2024-12-31',
  }, '2024-02-01T09:00:00.000Z')], 'no_stream');
  for (const [i, party] of PARTY_IDS.entries())
    await store.append(stream, [event(++n, 'PartyDecisionRegistered', {
      initiativeId: FIXTURE_INITIATIVE,
      party,
      outcome: 'approved',
      decidedOn: '2024-04-15',
      body: party === '17' ? 'regionfullmäktige' : 'kommunfullmäktige',
      minuteReference: '§ 42',
      caseNumber: `KS-2024/${party}`,
      registeredAt: `2024-04-16T09:${String(i).padStart(2, '0')}:00.000Z`,
      minutesApprovedOn: null,
      noticePostedOn: null,
    }, `2024-04-16T09:${String(i).padStart(2, '0')}:00.000Z`)], i);
  // The race of issue 12: the cancellation (one instance) and the grant (another), both accepted.
  await store.append(stream, [event(++n, 'InitiativeCancelled', { initiativeId: FIXTURE_INITIATIVE, reason: 'Förslagsställaren drar tillbaka initiativet.', cancelledOn: '2024-05-20' }, '2024-05-20T15:55:00.120Z')], 17);
  await store.append('fund-dgr', [event(++n, 'GrantAwarded', { initiativeId: FIXTURE_INITIATIVE, amountOre: 300_000_000, decidedOn: '2024-05-20', reference: 'RS 2024/112' }, '2024-05-20T15:55:00.121Z')], 0);
};

/** The fixture as `dgr export --format jsonl` writes it. */
export const grantOnCancelledJsonl = async (): Promise<string> => {
  const store = new InMemoryEventStore();
  await writeGrantOnCancelledLog(store);
  const lines = (await store.readAll(0, 1000)).map((e) => jsonlLine(e) + '\n').join('');
  await store.close();
  return lines;
};
