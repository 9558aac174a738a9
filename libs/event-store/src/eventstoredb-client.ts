/**
 * The one file that imports the EventStoreDB client library. The adapter, its mapping, its index, its fake and
 * their tests import the client's values and types from here, so that moving to its successor
 * `@kurrent/kurrentdb-client` (the same gRPC protocol, the same operations) changes this file only: see
 * docs/adr/0008-eventstoredb-client.md.
 */
import { EventStoreDBClient } from '@eventstore/db-client';

export {
  BACKWARDS,
  END,
  excludeSystemEvents,
  FORWARDS,
  MaxAppendSizeExceededError,
  START,
  StreamNotFoundError,
  streamNameFilter,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
export type {
  AllStreamResolvedEvent,
  AppendExpectedRevision,
  AppendResult,
  EventData,
  Filter,
  Position,
  ReadPosition,
  ReadRevision,
  RecordedEvent,
  ResolvedEvent,
} from '@eventstore/db-client';

/** The client for a connection string (`esdb://…`, `esdb+discover://…`); throws when it is not one. */
export const clientForConnectionString = (connectionString: string) => EventStoreDBClient.connectionString(connectionString);
