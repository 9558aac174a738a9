import { derivedEventId } from './event-ids';

/**
 * What a command sent with an `Idempotency-Key` carries on its way to the store, as one value (made by
 * `Idempotency.run`, handed by the controller to the command, by the handler to `StreamWriter`):
 *
 * - `seed`: every id the command writes is derived from it, the same on every retry of the request, so a
 *   retry after a crash finds what the first try wrote instead of writing it again;
 * - `claim()`: claims the key durably; `StreamWriter` calls it once the command has been decided, just
 *   before it appends the command's events, so a refused command writes nothing at all.
 *
 * A command without one (no key, or the CLI) gets fresh random ids and claims nothing.
 */
export class RetryKey {
  constructor(
    readonly seed: string,
    private readonly claimKey: () => Promise<void>,
  ) {}

  /** The id of the command's `index`-th event. */
  eventId(index: number): string {
    return derivedEventId(this.seed, index);
  }

  /** The id of something the command creates and names (e.g. `initiative`): the same on every retry. */
  newId(what: string): string {
    return derivedEventId(`${this.seed}/${what}`, 0);
  }

  /** Claims the key in the store (the first call; later calls do nothing). */
  claim(): Promise<void> {
    return this.claimKey();
  }
}
