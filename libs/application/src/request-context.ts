import type { EventMetadata } from '@dgr/event-store';
import type { RetryKey } from './retry-key';

/** What a command knows about the request that sent it; becomes the events' metadata. */
export interface RequestContext {
  readonly correlationId: string;
  readonly actor: EventMetadata['actor'];
}

/** What every write needs besides its decision: who asks, and (with an Idempotency-Key) its retry key. */
export interface WriteRequest {
  readonly context: RequestContext;
  readonly retryKey?: RetryKey;
}

/** Every command: its data, who sent it, and the retry key when the request carried an Idempotency-Key. */
export abstract class WriteCommand<D> implements WriteRequest {
  constructor(
    readonly data: D,
    readonly context: RequestContext,
    readonly retryKey?: RetryKey,
  ) {}
}

/** The answer to every accepted command: where its last event landed. */
export interface Recorded {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}
