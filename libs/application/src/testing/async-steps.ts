/**
 * Helpers of the application's specs that make "not yet" a state the test controls rather than a race it
 * hopes to win: a gate the test opens, a store whose log reads wait behind one, and turns of the event loop
 * counted instead of time. For specs only (not exported from the library's index).
 */
import { InMemoryEventStore, type RecordedEvent } from '@dgr/event-store';

/** A promise the test settles when it chooses: work that awaits `opened` is still waiting until `open()`. */
export const gate = (): { opened: Promise<void>; open: () => void } => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
};

/** An in-memory store whose log reads (what the read models follow) can be held back until released. */
export class HeldBackStore extends InMemoryEventStore {
  private held = gate();

  constructor() {
    super();
    this.held.open();
  }

  holdReads(): void {
    this.held = gate();
  }

  releaseReads(): void {
    this.held.open();
  }

  override async readAll(afterPosition: number, maxCount: number): Promise<RecordedEvent[]> {
    await this.held.opened;
    return super.readAll(afterPosition, maxCount);
  }
}

/** Lets `n` turns of the event loop pass (no clock involved). */
export const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Whether `promise` has settled after one more turn of the event loop. */
export const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  await turns(1);
  return done;
};

/** Waits, turn by turn, until `condition` holds (fails after 1000 turns). */
export const until = async (condition: () => Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 1000; i++) {
    if (await condition()) return;
    await turns(1);
  }
  throw new Error('the condition never held');
};
