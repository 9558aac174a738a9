export * from './canonical-json';
export * from './event-hash';
export * from './event-store.port';
export * from './in-memory-event-store';
export * from './sqlite-event-store';
export * from './eventstoredb-event-store';
export { EventStoreDbUnavailable, redactConnectionString } from './eventstoredb-mapping';
export { LogIndex, LogIndexMismatch } from './esdb-log-index';
export * from './upcasting';
