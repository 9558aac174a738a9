import { EVENT_UPCASTERS, EVENT_VERSIONS, FUND_EVENT_TYPES, INITIATIVE_EVENT_TYPES, type FundEvent, type InitiativeEvent } from '@dgr/domain';
import { EventSchemas, UnreadableEvent, type ReadEvent, type RecordedEvent } from '@dgr/event-store';
import type { ReminderSent } from './reminders/reminder.handlers';

/**
 * The one place where a stored event becomes an event of this version (ADR 0011): its stored
 * `schemaVersion` is read and the domain's upcasters bring it to the current shape. Every type the service
 * writes is declared here with its current version; the declaration is checked when this module loads, so a
 * process whose upcasters have a gap, a duplicate or a chain ending below a current version does not start.
 */
export const EVENT_SCHEMAS = new EventSchemas({
  current: {
    ...EVENT_VERSIONS,
    ReminderSent: 1,
    IdempotencyKeyClaimed: 1,
    IdempotencyKeyReleased: 1,
    IdempotentAnswerRecorded: 1,
  },
  upcasters: EVENT_UPCASTERS,
});

/** The events commands fold: the domain's, and the reminders' record. */
export type DomainEvent = InitiativeEvent | FundEvent | ReminderSent;

const DOMAIN_TYPES: ReadonlySet<string> = new Set<string>([...INITIATIVE_EVENT_TYPES, ...FUND_EVENT_TYPES, 'ReminderSent']);

/** Any stored event in its current shape, or UnreadableEvent (unknown type, newer version, refused data). */
export const readStoredEvent = (event: RecordedEvent): ReadEvent => EVENT_SCHEMAS.read(event);

/**
 * A stored event as the domain event it is today. Throws UnreadableEvent for an event this version cannot
 * read, and for one that is no domain event at all (an idempotency record where a decision should be).
 */
export const toDomainEvent = (event: RecordedEvent): DomainEvent => {
  const read = EVENT_SCHEMAS.read(event);
  if (!DOMAIN_TYPES.has(read.type))
    throw new UnreadableEvent(event.position, event.stream, event.type, event.metadata?.schemaVersion, 'unknown-type', `${event.type} is not a domain event`);
  // The declaration above ties each type to its current shape; the stored data was checked as far as the
  // upcasters check it (ADR 0011). This is the one place that vouches for it.
  return read as DomainEvent;
};

/** The version a new event of `type` is written with. */
export const schemaVersionOf = (type: string): number => EVENT_SCHEMAS.currentVersion(type);
