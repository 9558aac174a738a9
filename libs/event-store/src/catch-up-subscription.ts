import type { EventStore, EventsHandler, RecordedEvent, Subscription } from './event-store.port';

/**
 * A catch-up subscription over any store that can read its log from a position: reads in batches
 * until it has caught up, then waits for a wake-up (a local append) or a poll tick (another process
 * writing to the same store), and goes on. One loop, so events arrive in order, each exactly once.
 */
export class CatchUpSubscription implements Subscription {
  private closed = false;
  private pending = false;
  private wake: (() => void) | null = null;
  private readonly done: Promise<void>;
  /** Until the first batch that is not full, it reads `catchUpBatchSize` events at a time (one transaction each in the read models). */
  private catchingUp: boolean;

  constructor(
    private readonly store: Pick<EventStore, 'readAll'>,
    private position: number,
    private readonly handler: EventsHandler,
    private readonly options: { batchSize: number; catchUpBatchSize?: number; pollMs: number; onError: (e: unknown) => void },
  ) {
    this.catchingUp = (options.catchUpBatchSize ?? options.batchSize) > options.batchSize;
    this.done = this.loop();
  }

  /** Called by the adapter after every local append. */
  notify(): void {
    this.pending = true;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.notify();
    await this.done;
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      let batch: RecordedEvent[];
      this.pending = false;
      const size = this.catchingUp ? this.options.catchUpBatchSize! : this.options.batchSize;
      try {
        batch = await this.store.readAll(this.position, size);
        if (batch.length > 0) {
          await this.handler(batch);
          this.position = batch[batch.length - 1]!.position;
        }
      } catch (e) {
        this.options.onError(e);
        batch = [];
      }
      // Caught up: from now on the live path's small batches (a command's answer waits for its own).
      if (batch.length < size) this.catchingUp = false;
      if (batch.length < size && !this.closed) await this.idle();
    }
  }

  private idle(): Promise<void> {
    if (this.pending) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, this.options.pollMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Keeps `subscription` in `open` until it is closed, so that a store's close() can close what is still open. */
export const tracked = <S extends Subscription>(open: Set<S>, subscription: S): Subscription => {
  open.add(subscription);
  return {
    close: async () => {
      open.delete(subscription);
      await subscription.close();
    },
  };
};
