/** Injection tokens for the ports the application layer depends on. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const CLOCK = Symbol('CLOCK');
/** The GrantPolicy (libs/domain) grants are decided under, from the configuration. */
export const GRANT_POLICY = Symbol('GRANT_POLICY');
/** StreamWriterOptions (the write path's state cache); optional. */
export const STREAM_WRITER_OPTIONS = Symbol('STREAM_WRITER_OPTIONS');
/** The BlobStore (libs/blob-store) holding the decisions' evidence files. */
export const BLOB_STORE = Symbol('BLOB_STORE');

/** The time, injected so that tests and the demo seed can set it. */
export interface Clock {
  /** The current instant as an ISO 8601 string. */
  now(): string;
}

export const systemClock: Clock = { now: () => new Date().toISOString() };
/** ProjectionWorkerOptions, or null: where the business read models are applied (ADR 0021). */
export const PROJECTION_WORKER = Symbol('PROJECTION_WORKER');
