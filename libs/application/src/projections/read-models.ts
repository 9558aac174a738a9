import type { EventStore, RecordedEvent } from '@dgr/event-store';
import { bookingsOf, FUND_STREAM } from '@dgr/domain';
import { readStoredEvent } from '../domain-events';
import { FundProjection } from './fund.projection';
import { InitiativesProjection, isInitiativeStream } from './initiatives.projection';
import { RuleViolationsProjection } from './rule-violations.projection';

/** The business read models, fed together in log order. */
export class ReadModels {
  constructor(
    readonly initiatives: InitiativesProjection = new InitiativesProjection(),
    readonly fund: FundProjection = new FundProjection(),
    readonly rules: RuleViolationsProjection = new RuleViolationsProjection(),
  ) {}

  /** Throws UnreadableEvent for an event this version cannot read, even one no read model folds. */
  apply(event: RecordedEvent): void {
    if (isInitiativeStream(event.stream)) this.initiatives.apply(event);
    else if (event.stream === FUND_STREAM) this.fund.apply(event);
    else readStoredEvent(event);
    this.rules.apply(event);
  }

  /** The whole state as plain JSON, for comparing two builds of it (replayed and live). */
  snapshot(): unknown {
    const f = this.fund.state();
    return {
      initiatives: this.initiatives.all().map((i) => ({ ...i, decisions: [...i.decisions] })),
      fund: {
        balanceOre: f.balanceOre,
        committedOre: f.committedOre,
        byInitiative: f.byInitiative,
        firstBookingYear: f.firstBookingYear,
        lastClosedYear: f.lastClosedYear,
        bookings: bookingsOf(f).map(({ bookedOn, deltaOre }) => ({ bookedOn, deltaOre })),
      },
      ledger: this.fund.bookings(),
    };
  }
}

export interface ReplayLimit {
  /** Only events at or before this global position. */
  readonly untilPosition?: number;
  /** Only events the service had recorded by this instant (metadata.recordedAt ≤ knownAt). */
  readonly knownAt?: string;
}

/** Events read and folded between two turns of the event loop: a replay never holds it for long. */
const REPLAY_BATCH = 1000;

/** Lets the event loop serve what waits (other requests, timers) before the next batch. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Builds fresh read models from the log, from an empty state, optionally only up to a position or
 * with only what was known at an instant. `onProgress` gets (events read, head position). It reads and
 * folds in batches and yields to the event loop between them, so that a replay inside the service (a
 * `knownAt` read) never stalls the other requests for more than one batch.
 */
export const replay = async (
  store: EventStore,
  limit: ReplayLimit = {},
  onProgress: (read: number, head: number) => void = () => undefined,
): Promise<{ models: ReadModels; applied: number; lastPosition: number }> => {
  const models = new ReadModels();
  const head = await store.headPosition();
  const until = Math.min(limit.untilPosition ?? head, head);
  const knownAt = limit.knownAt === undefined ? null : Date.parse(limit.knownAt);
  let position = 0;
  let applied = 0;
  let lastPosition = 0;
  while (position < until) {
    const batch = await store.readAll(position, Math.min(REPLAY_BATCH, until - position));
    if (batch.length === 0) break;
    for (const event of batch) {
      if (knownAt === null || Date.parse(event.metadata.recordedAt) <= knownAt) {
        models.apply(event);
        applied += 1;
        lastPosition = event.position;
      }
    }
    position = batch[batch.length - 1]!.position;
    onProgress(position, until);
    await yieldToEventLoop();
  }
  return { models, applied, lastPosition };
};
