import { createHash } from 'node:crypto';
import { ReadView, replay, systemClock } from '@dgr/application';
import { stockholmDateOf } from '@dgr/domain';
import { canonicalJson, SqliteEventStore } from '@dgr/event-store';
import { progressBar } from './progress';
import { stateText } from './state-text';

/**
 * `dgr replay`: rebuilds every read model from an empty state (optionally up to a position, or with
 * only what was recorded by an instant) and prints the fund's years, every initiative's status, and the
 * canonical hash of the rebuilt state (equal to the live service's for the same log).
 */
export const replayCommand = async (file: string, options: { untilPosition?: number; knownAt?: string }): Promise<string> => {
  const store = new SqliteEventStore(file);
  try {
    const bar = progressBar('Återuppspelning');
    const started = Date.now();
    const { models, applied, lastPosition } = await replay(store, options, bar);
    const view = new ReadView(models, store, systemClock);
    const day = stockholmDateOf(systemClock.now());
    const limit = options.untilPosition !== undefined ? ` t.o.m. position ${options.untilPosition}` : options.knownAt ? ` känt ${options.knownAt}` : '';
    const stateHash = createHash('sha256').update(canonicalJson(models.snapshot())).digest('hex');
    return (
      stateText(view, day, `DGR återuppspelat${limit} (${file}): ${applied} händelser, sista position ${lastPosition}, ${Date.now() - started} ms`) +
      `\nTillståndets hash (SHA-256 över kanonisk JSON): ${stateHash}\n`
    );
  } finally {
    await store.close();
  }
};

