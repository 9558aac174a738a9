import { Logger } from '@nestjs/common';
import {
  connectEventStoreDb,
  EventStoreDbConnectionError,
  SqliteEventStore,
  type EventStore,
  type EventStoreDbOptions,
  type SqliteEventStoreOptions,
} from '@dgr/event-store';
import { ConfigError, type Config } from '@dgr/config';

/** How long the first contact with EventStoreDB may take before the start is stopped. */
export const EVENTSTORE_CONNECT_TIMEOUT_MS = 5000;

/**
 * Opens the configured event store before anything else, so that a bad path or an unreachable server stops
 * the start within seconds with one line naming the variable (main.ts prints ConfigError as such).
 * `readOnly`: a read-only connection to an existing SQLite file (the verify worker); EventStoreDB is only read there anyway.
 */
export const openStore = async (
  config: Pick<Config, 'store' | 'sqliteFile'>,
  options: Pick<EventStoreDbOptions, 'onSubscriptionError'> & Pick<SqliteEventStoreOptions, 'onGroupCommit' | 'readOnly'> & { connectTimeoutMs?: number } = {},
): Promise<EventStore> => {
  if (config.store.kind === 'sqlite') {
    try {
      return new SqliteEventStore(config.sqliteFile, { onGroupCommit: options.onGroupCommit, readOnly: options.readOnly });
    } catch (e) {
      throw new ConfigError('DGR_SQLITE_FILE', `cannot open the store at ${config.sqliteFile}: ${(e as Error).message}`);
    }
  }
  try {
    const logger = new Logger('EventStoreDB');
    return await connectEventStoreDb(config.store.connectionString, {
      connectTimeoutMs: options.connectTimeoutMs ?? EVENTSTORE_CONNECT_TIMEOUT_MS,
      onSubscriptionError: options.onSubscriptionError ?? ((e) => logger.warn(`The subscription to $all was interrupted and resumes from its last event: ${String(e)}`)),
    });
  } catch (e) {
    if (e instanceof EventStoreDbConnectionError) throw new ConfigError('EVENTSTORE_CONNECTION_STRING', e.message);
    throw e;
  }
};
