import type { EventMetadata } from '@dgr/event-store';

/** What a command knows about the request that sent it; becomes the events' metadata. */
export interface RequestContext {
  readonly correlationId: string;
  readonly actor: EventMetadata['actor'];
  /**
   * Set when the request carries an Idempotency-Key: the command's events get ids derived from it,
   * so a retried command is never written twice.
   */
  readonly eventIdSeed?: string;
  /** With an Idempotency-Key: claims the key right before the command's events are appended. */
  readonly idempotencyClaim?: { claim(): Promise<void> };
}

/** The answer to every accepted command: where its last event landed. */
export interface Recorded {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}
