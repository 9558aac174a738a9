import type { UnreadableEvent } from '@dgr/event-store';

/**
 * The service cannot answer this request now, but may later (503 with Retry-After): the read models do not
 * reach the position asked for within the deadline, or the log holds an event this version cannot read.
 */
export class ServiceUnavailable extends Error {
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
    /** The event the read models stopped before, when that is why. */
    readonly unreadable: UnreadableEvent | null = null,
    /** The problem's code when it is not an unreadable event: by default the read models are behind. */
    readonly code: string = 'read-models-behind',
  ) {
    super(detail);
    this.name = 'ServiceUnavailable';
  }
}

/** The Swedish sentence naming an unreadable event, for answers and logs. */
export const describeUnreadable = (e: UnreadableEvent): string =>
  `Händelsen på position ${e.position} (ström ${e.stream}, typ ${e.eventType}, schemaVersion ${String(e.schemaVersion)}) kan inte läsas av den här versionen av tjänsten: ${e.detail}. ` +
  'Uppgradera tjänsten, eller sätt händelsen i karantän enligt driftdokumentationen (docs/operations.md). Loggen ändras aldrig.';
