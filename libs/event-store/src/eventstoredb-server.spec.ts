/**
 * The store contract against a REAL EventStoreDB (KurrentDB) server, when EVENTSTORE_CONNECTION_STRING names
 * one (e.g. `EVENTSTORE_CONNECTION_STRING=esdb://localhost:2113?tls=false npx jest eventstoredb-server`; the
 * server needs MaxAppendSize ≥ 2 MiB for the large-event test, see docs/operations.md). Without it the suite
 * is reported as skipped, by name and with a warning: never passed silently.
 *
 * A server's `$all` is never empty, so every test gets its own stream prefix: the log the adapter sees is
 * only the streams under it, empty at the start of each test.
 */
import { randomUUID } from 'node:crypto';
import { describeEventStoreContract } from './event-store.contract';
import { connectEventStoreDb, type EventStoreDbEventStore } from './eventstoredb-event-store';

// A test switch, not service configuration (which only @dgr/config reads).
// eslint-disable-next-line no-restricted-properties
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING?.trim();

if (connectionString) {
  describeEventStoreContract(`eventstoredb (real server at ${connectionString.replace(/:[^:@/]*@/, ':***@')})`, async () => {
    const streamPrefix = `contract${randomUUID().replace(/-/g, '')}-`;
    const opened: EventStoreDbEventStore[] = [];
    const open = async () => {
      const store = await connectEventStoreDb(connectionString, { streamPrefix, connectTimeoutMs: 10_000 });
      opened.push(store);
      return store;
    };
    return {
      store: await open(),
      reopen: open,
      cleanup: async () => {
        for (const s of opened) await s.close();
      },
    };
  });
} else {
  const reason = 'EventStoreDB contract — SKIPPED: set EVENTSTORE_CONNECTION_STRING=esdb://localhost:2113?tls=false to run it against a server';
  describe.skip(reason, () => {
    it('runs the whole store contract against a real EventStoreDB server', () => undefined);
  });
  // Loud on purpose: a skipped contract must not read as a passed one.
  // eslint-disable-next-line no-console
  console.warn(`\n*** ${reason} ***\n`);
}
