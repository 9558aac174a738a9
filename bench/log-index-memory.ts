/**
 * `npm run bench:log-index`: the memory the EventStoreDB adapter's log index (libs/event-store/src/esdb-log-index.ts)
 * holds per event — the commit and prepare positions and the map from event id to position, the id strings
 * included (the index is what keeps them) — measured on N (default 1 000 000) events with the heap collected
 * before and after. Needs --expose-gc (the npm script passes it). Options: --events N.
 */
import { randomUUID } from 'node:crypto';
import { LogIndex } from '@dgr/event-store';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with node --expose-gc (npm run bench:log-index does).');

const flag = process.argv.indexOf('--events');
const events = flag > 0 ? Number(process.argv[flag + 1]) : 1_000_000;
if (!Number.isInteger(events) || events < 1000) throw new Error('--events must be a whole number ≥ 1000');

const used = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/**
 * An event id as the client hands it over: a flat 36-character string. (The strings `randomUUID()` itself returns
 * cost about 500 bytes each here, as they keep a larger buffer alive; copying gives the flat string.)
 */
const eventId = (): string => Buffer.from(randomUUID(), 'latin1').toString('latin1');

const before = used();
const index = new LogIndex();
for (let position = 1; position <= events; position++)
  index.observe(position, eventId(), { commit: BigInt(position) * 200n, prepare: BigInt(position) * 200n });
const after = used();
if (index.positionOfId('not-an-id') !== undefined) throw new Error('the index answered for an unknown id');
const perEvent = (after - before) / events;
process.stdout.write(
  `Log index of the EventStoreDB adapter: ${events.toLocaleString('sv-SE')} events, ${((after - before) / 1e6).toFixed(0)} MB, ` +
    `${perEvent.toFixed(0)} bytes per event (positions and id map, ids included).\n`,
);
