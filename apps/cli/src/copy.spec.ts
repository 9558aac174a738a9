import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DgrApplicationModule, ProjectionRunner, Queries, ReadView, replay } from '@dgr/application';
import { canonicalJson, EventStoreDbEventStore, InMemoryEventStore, SqliteEventStore, type EventStore } from '@dgr/event-store';
import { FakeEventStoreDbClient } from '@dgr/event-store/testing';
import { copyLog, CopyError, parseStoreSpec, runCopy } from './copy';
import { stateText } from './state-text';
import { DEMO_TODAY, demoWithAwkwardText, seedDemoStore } from './testing/demo-store';
import { playDemo } from './seed-demo';

const clock = { now: () => `${DEMO_TODAY}T12:00:00.000Z` };

/** What the projections answer about a log: the status text of `dgr status`, and the hash of the whole rebuilt state. */
const answers = async (store: EventStore): Promise<{ text: string; state: string }> => {
  const { models } = await replay(store);
  return {
    text: stateText(new ReadView(models, store, clock), DEMO_TODAY, 'DGR'),
    state: createHash('sha256').update(canonicalJson(models.snapshot())).digest('hex'),
  };
};

const everything = (store: EventStore) => store.readAll(0, 1_000_000);

describe('dgr copy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dgr-copy-'));
  const sourceFile = join(dir, 'source.sqlite');
  let source: SqliteEventStore;
  let expected: Awaited<ReturnType<typeof answers>>;
  let head: number;
  const opened: EventStore[] = [];
  const track = <S extends EventStore>(s: S): S => (opened.push(s), s);

  beforeAll(async () => {
    const { app } = await seedDemoStore(sourceFile);
    await app.close();
    source = track(new SqliteEventStore(sourceFile));
    head = await source.headPosition();
    expected = await answers(source);
  }, 120_000);

  afterAll(async () => {
    for (const s of opened) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has a seeded demo history to copy, with answers worth comparing', () => {
    expect(head).toBeGreaterThan(100);
    expect(expected.text).toMatch(/Saldo/);
  });

  it('sqlite → sqlite: every event identical at the same position, and the projections give the same answers', async () => {
    const target = track(new SqliteEventStore(join(dir, 'copy.sqlite')));
    const progress: Array<[number, number]> = [];
    const result = await copyLog(source, target, { pageSize: 37, onProgress: (done, total) => progress.push([done, total]) });
    expect(result).toMatchObject({ copied: head, resumedAfter: 0, head });
    expect(await everything(target)).toEqual(await everything(source));
    expect(await answers(target)).toEqual(expected);
    expect(progress[0]).toEqual([0, head]);
    expect(progress.at(-1)).toEqual([head, head]);
    expect(progress.map(([done]) => done)).toEqual([...progress.map(([done]) => done)].sort((a, b) => a - b));
  });

  it('sqlite → in-memory → sqlite: the same log and the same answers', async () => {
    const memory = track(new InMemoryEventStore());
    await copyLog(source, memory);
    expect(await answers(memory)).toEqual(expected);
    const back = track(new SqliteEventStore(join(dir, 'from-memory.sqlite')));
    await copyLog(memory, back);
    expect(await everything(back)).toEqual(await everything(source));
    expect(await answers(back)).toEqual(expected);
  });

  it('sqlite → EventStoreDB (adapter on the in-process FAKE client) → sqlite: the same log, the same Merkle root, the same answers', async () => {
    const esdb = track(await EventStoreDbEventStore.open(new FakeEventStoreDbClient()));
    const there = await copyLog(source, esdb);
    expect(await everything(esdb)).toEqual(await everything(source));
    expect(await answers(esdb)).toEqual(expected);
    const back = track(new SqliteEventStore(join(dir, 'from-esdb.sqlite')));
    const home = await copyLog(esdb, back);
    expect(home.root).toBe(there.root);
    expect(await everything(back)).toEqual(await everything(source));
  });

  it('a history written by the service straight onto EventStoreDB (FAKE client) copies to sqlite with the live answers', async () => {
    const client = new FakeEventStoreDbClient();
    const app: INestApplicationContext = await NestFactory.createApplicationContext(
      DgrApplicationModule.register({ store: () => EventStoreDbEventStore.open(client), clock }),
      { logger: false },
    );
    try {
      await app.get(ProjectionRunner).start();
      await playDemo(app.get(CommandBus), demoWithAwkwardText());
      const live = stateText(app.get(Queries), DEMO_TODAY, 'DGR');
      const target = track(new SqliteEventStore(join(dir, 'served-on-esdb.sqlite')));
      const esdb = track(await EventStoreDbEventStore.open(client.connectAnother()));
      await copyLog(esdb, target);
      expect((await answers(target)).text).toBe(live);
      expect(await target.headPosition()).toBe(app.get(ProjectionRunner).caughtUpTo);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('refuses a target that holds another log, and writes nothing into it', async () => {
    const other = track(new SqliteEventStore(join(dir, 'other.sqlite')));
    const [first] = await source.readAll(0, 1);
    await other.append('something-else', [{ id: first!.id.replace(/^./, first!.id[0] === 'a' ? 'b' : 'a'), type: 'T', data: {}, metadata: first!.metadata }], 'no_stream');
    await expect(copyLog(source, other)).rejects.toThrow(CopyError);
    await expect(copyLog(source, other)).rejects.toThrow(/the target is not empty: it holds 1 events, and position 1 is not the source's/);
    expect(await other.headPosition()).toBe(1);
  });

  it('resumes an interrupted copy after what it had copied, and ends with the same log', async () => {
    const file = join(dir, 'interrupted.sqlite');
    const real = track(new SqliteEventStore(file));
    let appends = 0;
    const failing: EventStore = Object.create(real, {
      append: {
        value: (...args: Parameters<EventStore['append']>) => {
          if (++appends === 25) return Promise.reject(new Error('the power went out'));
          return real.append(...args);
        },
      },
    });
    await expect(copyLog(source, failing, { pageSize: 10 })).rejects.toThrow('the power went out');
    const copiedBefore = await real.headPosition();
    expect(copiedBefore).toBeGreaterThan(0);
    expect(copiedBefore).toBeLessThan(head);
    const result = await copyLog(source, real, { pageSize: 10 });
    expect(result).toMatchObject({ resumedAfter: copiedBefore, copied: head - copiedBefore, head });
    expect(await everything(real)).toEqual(await everything(source));
    // Run again on a complete copy: nothing to do.
    expect(await copyLog(source, real)).toMatchObject({ copied: 0, resumedAfter: head });
  });

  it('stops at an event of the source that does not match its hash, having copied only what came before it', async () => {
    const file = join(dir, 'tampered.sqlite');
    await copyLog(source, track(new SqliteEventStore(file)));
    const raw = new Database(file);
    raw.prepare("UPDATE events SET data = json_set(data, '$.tampered', 1) WHERE position = 40").run();
    raw.close();
    const tampered = track(new SqliteEventStore(file));
    const target = track(new SqliteEventStore(join(dir, 'from-tampered.sqlite')));
    await expect(copyLog(tampered, target, { pageSize: 7 })).rejects.toThrow(
      /the source does not match its own hashes: event at position 40 .*Nothing from position 40 on was copied; run dgr verify on the source/,
    );
    expect(await target.headPosition()).toBe(35); // The pages before the one holding position 40.
  });

  it('names the first event the target refuses (an id EventStoreDB cannot keep), having copied what came before it', async () => {
    const file = join(dir, 'odd-ids.sqlite');
    const odd = track(new SqliteEventStore(file));
    const events = await source.readAll(0, 5);
    for (const e of events.slice(0, 3)) await odd.append(e.stream, [{ id: e.id, type: e.type, data: e.data, metadata: e.metadata }], e.revision === 0 ? 'no_stream' : e.revision - 1);
    await odd.append('odd', [{ id: 'e1', type: 'T', data: {}, metadata: events[0]!.metadata }], 'no_stream');
    const esdb = track(await EventStoreDbEventStore.open(new FakeEventStoreDbClient()));
    await expect(copyLog(odd, esdb)).rejects.toThrow(
      /^the target refused the events from position 4 \(odd@0\): Event id "e1" cannot be stored in EventStoreDB: it must be a lowercase UUID .*It holds the 3 events before them; the same command resumes after them$/,
    );
    expect(await esdb.headPosition()).toBe(3);
  });

  describe('the command', () => {
    it.each<[string | undefined, string | undefined, RegExp]>([
      [undefined, 'sqlite:x', /--from is required: sqlite:FILE or eventstoredb:CONNECTION-STRING/],
      ['sqlite:a', undefined, /--to is required/],
      ['postgres://x', 'sqlite:y', /--from must be sqlite:FILE or eventstoredb:CONNECTION-STRING .*got "postgres:\/\/x"/],
      ['sqlite:a', 'eventstoredb:http://admin:secret@x', /--to must be .*got "eventstoredb:http:\/\/admin:\*\*\*@x"/],
      ['sqlite:', 'sqlite:y', /--from must be/],
    ])('refuses --from %s --to %s', async (from, to, message) => {
      await expect(runCopy(from, to)).rejects.toThrow(message);
    });

    it('parses both kinds of store', () => {
      expect(parseStoreSpec('--from', 'sqlite:./data/dgr.sqlite')).toEqual({ kind: 'sqlite', file: './data/dgr.sqlite' });
      expect(parseStoreSpec('--to', 'eventstoredb:esdb://a:2113,b:2113,c:2113?tls=true')).toEqual({
        kind: 'eventstoredb',
        connectionString: 'esdb://a:2113,b:2113,c:2113?tls=true',
      });
    });

    it('refuses a source file that does not exist, and the same store on both sides', async () => {
      await expect(runCopy(`sqlite:${join(dir, 'missing.sqlite')}`, `sqlite:${join(dir, 'x.sqlite')}`)).rejects.toThrow(/--from: there is no file/);
      await expect(runCopy(`sqlite:${sourceFile}`, `sqlite:${sourceFile}`)).rejects.toThrow('--from and --to name the same store');
    });

    it('names an unreachable EventStoreDB in one line', async () => {
      await expect(runCopy(`sqlite:${sourceFile}`, 'eventstoredb:esdb://127.0.0.1:1?tls=false')).rejects.toThrow(
        /^--to: cannot reach EventStoreDB at esdb:\/\/127\.0\.0\.1:1\?tls=false: .*ECONNREFUSED[^\n]*$/,
      );
    });

    it('copies sqlite → eventstoredb (FAKE client) and says what it did', async () => {
      const client = new FakeEventStoreDbClient();
      const message = await runCopy(`sqlite:${sourceFile}`, 'eventstoredb:esdb://admin:changeit@db:2113?tls=false', { connect: () => client });
      expect(message).toMatch(
        new RegExp(`^Copied ${head} events from sqlite:.*source\\.sqlite to eventstoredb:esdb://admin:\\*\\*\\*@db:2113\\?tls=false: ${head} events, each at the same position with the same hash; Merkle root [A-Za-z0-9+/]{43}=\\.\\n$`),
      );
      const esdb = track(await EventStoreDbEventStore.open(client.connectAnother()));
      expect(await everything(esdb)).toEqual(await everything(source));
    });
  });
});
