import { describeEventStoreContract, newEvents, waitFor } from './event-store.contract';
import type { RecordedEvent } from './event-store.port';
import { InMemoryEventStore } from './in-memory-event-store';

describeEventStoreContract('in-memory', async () => {
  const store = new InMemoryEventStore();
  return { store, cleanup: () => store.close() };
});

describe('InMemoryEventStore (adapter specific)', () => {
  it('an append wakes subscriptions at once, well before the 1 s poll', async () => {
    const store = new InMemoryEventStore();
    const received: RecordedEvent[] = [];
    const subscription = store.subscribeToAll(0, (events) => {
      received.push(...events);
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 20)); // Let it go idle first.
      await store.append('s', newEvents(2), 'no_stream');
      await waitFor(() => received.length >= 2, () => '', 500);
      expect(received.map((e) => e.position)).toEqual([1, 2]);
    } finally {
      await subscription.close();
      await store.close();
    }
  });
});
