import { describeEventStoreContract, newEvents, waitFor, withinEventLoopTurns } from './event-store.contract';
import type { RecordedEvent } from './event-store.port';
import { InMemoryEventStore } from './in-memory-event-store';

describeEventStoreContract('in-memory', async () => {
  const store = new InMemoryEventStore();
  return { store, cleanup: () => store.close() };
});

describe('InMemoryEventStore (adapter specific)', () => {
  it('an append wakes subscriptions at once, without waiting for the 1 s poll', async () => {
    const store = new InMemoryEventStore();
    const received: RecordedEvent[] = [];
    const subscription = store.subscribeToAll(0, (events) => {
      received.push(...events);
    });
    try {
      // Idle first: caught up on the first event, waiting for the next.
      await store.append('s', newEvents(1), 'no_stream');
      await waitFor(() => received.length >= 1);
      await store.append('s', newEvents(2), 0);
      // Within a few turns of the event loop: no timer (the poll) may be needed.
      await withinEventLoopTurns(() => received.length >= 3, () => `got ${received.length}`);
      expect(received.map((e) => e.position)).toEqual([1, 2, 3]);
    } finally {
      await subscription.close();
      await store.close();
    }
  });
});
