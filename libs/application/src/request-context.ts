import type { EventMetadata } from '../../event-store/src';

/** What a command knows about the request that sent it; becomes the events' metadata. */
export interface RequestContext {
  readonly correlationId: string;
  readonly actor: EventMetadata['actor'];
}

/** The answer to every accepted command: where its last event landed. */
export interface Recorded {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}
