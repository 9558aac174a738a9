import { CatchUpSubscription } from './catch-up-subscription';
import type { RecordedEvent } from './event-store.port';

/** A log of `n` events whose reads are recorded (how many events each read asked for). */
const logOf = (n: number) => {
  const events = Array.from({ length: n }, (_, i) => ({ position: i + 1 }) as RecordedEvent);
  const asked: number[] = [];
  return {
    asked,
    readAll: async (after: number, max: number): Promise<RecordedEvent[]> => {
      asked.push(max);
      return events.slice(after, after + max);
    },
  };
};

describe('CatchUpSubscription', () => {
  it('reads large batches until it has caught up, then the live batch size', async () => {
    const log = logOf(45);
    const delivered: number[][] = [];
    let resolveCaughtUp: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => (resolveCaughtUp = resolve));
    const subscription = new CatchUpSubscription(
      log,
      0,
      async (events) => {
        delivered.push(events.map((e) => e.position));
        if (events[events.length - 1]!.position === 45) resolveCaughtUp();
      },
      { batchSize: 10, catchUpBatchSize: 20, pollMs: 60_000, onError: (e) => { throw e; } },
    );
    await caughtUp;
    subscription.notify();
    await new Promise((resolve) => setImmediate(resolve));
    await subscription.close();
    expect(delivered.map((b) => b.length)).toEqual([20, 20, 5]);
    expect(delivered.flat()).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    // Caught up (a batch of 5 < 20): every later read asks for the live size.
    expect(log.asked.slice(0, 3)).toEqual([20, 20, 20]);
    expect(log.asked.length).toBeGreaterThan(3);
    expect(log.asked.slice(3).every((n) => n === 10)).toBe(true);
  });

  it('without a catch-up size reads the live size from the start', async () => {
    const log = logOf(15);
    const seen: number[] = [];
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const subscription = new CatchUpSubscription(
      log,
      0,
      async (events) => {
        seen.push(...events.map((e) => e.position));
        if (seen.length === 15) resolveDone();
      },
      { batchSize: 10, pollMs: 60_000, onError: (e) => { throw e; } },
    );
    await done;
    await subscription.close();
    expect(log.asked.slice(0, 2)).toEqual([10, 10]);
  });
});
