/**
 * The EventStoreDB adapter against an IN-PROCESS FAKE of the client (testing/fake-eventstoredb-client.ts),
 * because no EventStoreDB server can run here. These tests check the adapter's own logic; the same contract
 * against a real server is eventstoredb-server.spec.ts.
 */
import { UnavailableError, type Position } from './eventstoredb-client';
import { LogIndex, LogIndexMismatch } from './esdb-log-index';
import { describeEventStoreContract, newEvent, newEvents, waitFor } from './event-store.contract';
import { WrongExpectedRevision, type RecordedEvent } from './event-store.port';
import { connectEventStoreDb, EventStoreDbConnectionError, EventStoreDbEventStore } from './eventstoredb-event-store';
import { HASH_CHAIN_KEY, redactConnectionString } from './eventstoredb-mapping';
import { FakeEventStoreDbClient } from './testing/fake-eventstoredb-client';

/** Each store gets its own fake server, opened and closed with it. */
const openOnFake = async (options: ConstructorParameters<typeof FakeEventStoreDbClient>[0] = {}) => {
  const client = new FakeEventStoreDbClient({ maxAppendSize: 4 * 1024 * 1024, ...options });
  const store = await EventStoreDbEventStore.open(client, { resubscribeDelaysMs: [5, 20] });
  return { client, store };
};

describeEventStoreContract('eventstoredb adapter against the in-process FAKE client (not a server)', async () => {
  const client = new FakeEventStoreDbClient({ maxAppendSize: 4 * 1024 * 1024 });
  const opened: EventStoreDbEventStore[] = [];
  const open = async (connection: FakeEventStoreDbClient) => {
    const store = await EventStoreDbEventStore.open(connection, { resubscribeDelaysMs: [5, 20] });
    opened.push(store);
    return store;
  };
  const store = await open(client);
  return {
    store,
    // A second adapter on a new connection to the same server: it must number the log exactly as the first did.
    reopen: () => open(client.connectAnother()),
    cleanup: async () => {
      for (const s of opened) await s.close();
    },
  };
});

describe('EventStoreDbEventStore against the in-process FAKE client (adapter specific)', () => {
  let client: FakeEventStoreDbClient;
  let store: EventStoreDbEventStore;

  beforeEach(async () => {
    ({ client, store } = await openOnFake());
  });

  afterEach(async () => {
    await store.close();
  });

  describe('positions', () => {
    it('numbers the log densely although $all has sparse positions and system events between', async () => {
      for (let i = 0; i < 7; i++) await store.append(`s-${i % 2}`, newEvents(2), 'any');
      const system = client.all.filter((e) => e.type.startsWith('$'));
      expect(system.length).toBeGreaterThan(0);
      const commits = client.all.map((e) => e.position.commit);
      expect(commits[1]! - commits[0]!).toBeGreaterThan(1n);
      expect((await store.readAll(0, 100)).map((e) => e.position)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
      expect(await store.headPosition()).toBe(14);
    });

    it('a second adapter on the same server, opened later, numbers every event the same', async () => {
      for (let i = 0; i < 5; i++) await store.append(`s-${i}`, newEvents(1 + i), 'no_stream');
      const second = await EventStoreDbEventStore.open(client.connectAnother());
      expect(await second.readAll(0, 100)).toEqual(await store.readAll(0, 100));
      // …and it sees the first one's later appends at the positions the first one answered.
      const r = await store.append('late', newEvents(2), 'no_stream');
      expect((await second.readStream('late')).map((e) => e.position)).toEqual([r.position - 1, r.position]);
      await second.close();
    });

    it('reads from any position by the transaction-log position it indexed', async () => {
      await store.append('a', newEvents(20), 'no_stream');
      const page = await store.readAll(13, 3);
      expect(page.map((e) => [e.position, e.revision])).toEqual([
        [14, 13],
        [15, 14],
        [16, 15],
      ]);
    });
  });

  describe('a stream prefix: several logs on one server', () => {
    it('each adapter sees only the streams under its prefix, numbered densely, named without the prefix', async () => {
      const a = await EventStoreDbEventStore.open(client, { streamPrefix: 'a-' });
      const b = await EventStoreDbEventStore.open(client, { streamPrefix: 'b-' });
      await a.append('s', newEvents(2), 'no_stream');
      await store.append('unprefixed', newEvents(1), 'no_stream');
      await b.append('s', newEvents(3), 'no_stream');
      await a.append('s', newEvents(1), 1);
      expect((await a.readAll(0, 100)).map((e) => [e.stream, e.position, e.revision])).toEqual([
        ['s', 1, 0],
        ['s', 2, 1],
        ['s', 3, 2],
      ]);
      expect((await b.readAll(0, 100)).map((e) => e.position)).toEqual([1, 2, 3]);
      expect(client.all.filter((e) => e.streamId === 'a-s')).toHaveLength(3);
      const seen: RecordedEvent[] = [];
      const subscription = b.subscribeToAll(0, (batch) => void seen.push(...batch));
      await a.append('s', newEvents(1), 2);
      await b.append('t', newEvents(1), 'no_stream');
      await waitFor(() => seen.length >= 4);
      expect(seen.map((e) => `${e.stream}@${e.position}`)).toEqual(['s@1', 's@2', 's@3', 't@4']);
      await subscription.close();
      await a.close();
      await b.close();
    });

    it('once it has read past the part of $all before its first event, reads from the start begin after it', async () => {
      for (let i = 0; i < 30; i++) await store.append(`other-${i}`, newEvents(1), 'no_stream');
      const mine = await EventStoreDbEventStore.open(client, { streamPrefix: 'mine-' });
      await mine.append('s', newEvents(2), 'no_stream');
      const reads = jest.spyOn(client, 'readAll');
      expect((await mine.readAll(0, 10)).map((e) => e.position)).toEqual([1, 2]);
      const from = reads.mock.calls[0]![0]!.fromPosition;
      expect(from).not.toBe('start');
      // Everything before it is another log's.
      expect(client.all.filter((e) => e.position.commit <= (from as Position).commit).every((e) => !e.streamId.startsWith('mine-'))).toBe(true);
      await mine.close();
    });
  });

  describe('storage format', () => {
    it('stores type, data and metadata as given, with the hash chain beside the metadata, and reads it back without it', async () => {
      const e = newEvent('BeslutFattat', { kommun: 'Årjäng', paragraf: '§ 112' }, { correlationId: 'k-Säffle' });
      await store.append('beslut-1', [e], 'no_stream');
      const [stored] = client.all.filter((x) => x.streamId === 'beslut-1');
      expect(stored!.type).toBe('BeslutFattat');
      expect(stored!.data).toBe(JSON.stringify(e.data));
      const [read] = await store.readStream('beslut-1');
      expect(JSON.parse(stored!.metadata)).toEqual({ ...e.metadata, [HASH_CHAIN_KEY]: { hash: read!.hash, previousHash: null } });
      expect(Object.keys(read!.metadata)).toEqual(Object.keys(e.metadata));
      expect(read!.metadata).toEqual(e.metadata);
    });

    it('refuses ids EventStoreDB would not give back as written, system or empty types, and metadata holding the adapter’s key, writing nothing', async () => {
      await expect(store.append('s', [{ ...newEvent(), id: 'e1' }], 'no_stream')).rejects.toThrow(/lowercase UUID/);
      const upper = newEvent();
      await expect(store.append('s', [{ ...upper, id: upper.id.toUpperCase() }], 'no_stream')).rejects.toThrow(/lowercase UUID/);
      await expect(store.append('s', [newEvent('')], 'no_stream')).rejects.toThrow(/its type must be a name not starting with "\$", got ""/);
      await expect(store.append('s', [newEvent('$metadata')], 'no_stream')).rejects.toThrow(/not starting with "\$"/);
      const sneaky = newEvent('T', {}, { [HASH_CHAIN_KEY]: 'x' } as never);
      await expect(store.append('s', [sneaky], 'no_stream')).rejects.toThrow(/must not hold "hashChain"/);
      expect(client.appendCalls).toEqual([]);
    });

    it('an event written without a hash chain reads with an empty hash, so that verification names it', async () => {
      await client.appendToStream('foreign', [{ id: newEvent().id, contentType: 'application/json', type: 'T', data: { a: 1 }, metadata: { recordedAt: 'x' } }], { expectedRevision: 'no_stream' });
      const [read] = await store.readStream('foreign');
      expect(read).toMatchObject({ hash: '', previousHash: null, metadata: { recordedAt: 'x' }, position: 1 });
    });
  });

  describe('appends', () => {
    it("sends 'no_stream' for a new stream and the revision read for an existing one", async () => {
      const [a] = newEvents(1);
      await store.append('s', [a!], 'no_stream');
      await store.append('s', newEvents(2), 0);
      await store.append('s', newEvents(1), 'any');
      expect(client.appendCalls.map((c) => c.expectedRevision)).toEqual(['no_stream', 0n, 2n]);
    });

    it('translates the server’s WrongExpectedVersionError into WrongExpectedRevision with the caller’s expectation', async () => {
      await store.append('s', newEvents(2), 'no_stream');
      // Another writer appends between this adapter's read of the head and its append:
      const realAppend = client.appendToStream.bind(client);
      jest.spyOn(client, 'appendToStream').mockImplementationOnce(async (stream, events, options) => {
        await realAppend(stream, [{ id: newEvent().id, contentType: 'application/json', type: 'Other', data: {}, metadata: {} }], { expectedRevision: 1n });
        return realAppend(stream, events, options);
      });
      const error = await store.append('s', newEvents(1), 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevision);
      expect(error).toMatchObject({ stream: 's', expected: 1, actual: 2 });
    });

    it('treats a conflict the client answers instead of throwing (throwOnAppendFailure=false) as one', async () => {
      await store.append('s', newEvents(2), 'no_stream');
      jest.spyOn(client, 'appendToStream').mockResolvedValueOnce({ success: false, nextExpectedRevision: 4n, position: undefined });
      await expect(store.append('s', newEvents(1), 1)).rejects.toMatchObject({ name: 'WrongExpectedRevision', stream: 's', expected: 1, actual: 4 });
    });

    it("'any' that loses a race reads the head again and appends after the winner, with the chain intact", async () => {
      await store.append('s', newEvents(1), 'no_stream');
      const realAppend = client.appendToStream.bind(client);
      jest.spyOn(client, 'appendToStream').mockImplementationOnce(async (stream, events, options) => {
        await realAppend(stream, [{ id: newEvent().id, contentType: 'application/json', type: 'Other', data: {}, metadata: {} }], { expectedRevision: 0n });
        return realAppend(stream, events, options);
      });
      const batch = newEvents(1);
      expect(await store.append('s', batch, 'any')).toEqual({ nextRevision: 2, position: 3 });
      const events = await store.readStream('s');
      expect(events.map((e) => e.id)[2]).toBe(batch[0]!.id);
      expect(events[2]!.previousHash).toBe(events[1]!.hash);
    });

    it('a retried command (same event ids) is answered from the index, without asking the server again', async () => {
      const batch = newEvents(2);
      const first = await store.append('s', batch, 'no_stream');
      const calls = client.appendCalls.length;
      expect(await store.append('s', batch, 'no_stream')).toEqual(first);
      expect(client.appendCalls).toHaveLength(calls);
      expect(client.all.filter((e) => e.streamId === 's')).toHaveLength(2);
    });

    it('a retry in flight beside the first append reaches the server, which answers it as idempotent: written once', async () => {
      await store.append('s', newEvents(1), 'no_stream');
      const batch = newEvents(2);
      const [a, b] = await Promise.all([store.append('s', batch, 0), store.append('s', batch, 0)]);
      expect(a).toEqual({ nextRevision: 2, position: 3 });
      expect(b).toEqual(a);
      expect(client.appendCalls.filter((c) => c.ids[0] === batch[0]!.id)).toHaveLength(2);
      expect(client.all.filter((e) => e.streamId === 's').map((e) => e.id)).toEqual([expect.any(String), ...batch.map((e) => e.id)]);
    });

    it('a success naming another revision than the append implies is answered from where the batch really is', async () => {
      await store.append('s', newEvents(1), 'no_stream');
      const realAppend = client.appendToStream.bind(client);
      // The batch ends up one revision later than the head this adapter read (as when a server answers a
      // repeated append as idempotent): the answer must name where it is, not where it was expected.
      jest.spyOn(client, 'appendToStream').mockImplementationOnce(async (stream, events) => {
        await realAppend(stream, [{ id: newEvent().id, contentType: 'application/json', type: 'Between', data: {}, metadata: {} }], { expectedRevision: 0n });
        return realAppend(stream, events, { expectedRevision: 1n });
      });
      const batch = newEvents(2);
      expect(await store.append('s', batch, 0)).toEqual({ nextRevision: 3, position: 4 });
      expect((await store.readStream('s')).map((e) => e.id).slice(2)).toEqual(batch.map((e) => e.id));
    });

    it('refuses a batch that repeats a stored id after a new one, before sending anything', async () => {
      const [a] = newEvents(1);
      await store.append('s', [a!], 'no_stream');
      const calls = client.appendCalls.length;
      await expect(store.append('s', [newEvent(), a!], 0)).rejects.toThrow(/already appended/);
      expect(client.appendCalls).toHaveLength(calls);
    });

    it('repeats an append the server could not take during a leader election, and writes it once', async () => {
      jest.spyOn(client, 'appendToStream').mockRejectedValueOnce(new UnavailableError(undefined, '14 UNAVAILABLE: leader changed'));
      const batch = newEvents(2);
      expect(await store.append('s', batch, 'no_stream')).toEqual({ nextRevision: 1, position: 2 });
      expect(client.all.filter((e) => e.streamId === 's').map((e) => e.id)).toEqual(batch.map((e) => e.id));
    });

    it('an append written although its answer was lost answers as written, and is not written twice', async () => {
      const realAppend = client.appendToStream.bind(client);
      jest.spyOn(client, 'appendToStream').mockImplementationOnce(async (stream, events, options) => {
        await realAppend(stream, events, options);
        throw new UnavailableError(undefined, '14 UNAVAILABLE: connection reset');
      });
      const batch = newEvents(3);
      expect(await store.append('s', batch, 'no_stream')).toEqual({ nextRevision: 2, position: 3 });
      expect(client.all.filter((e) => e.streamId === 's')).toHaveLength(3);
    });

    it('says what to change when the server refuses an append as too large', async () => {
      const small = await openOnFake({ maxAppendSize: 1000 });
      await expect(small.store.append('s', [newEvent('Stor', { text: 'å'.repeat(1000) })], 'no_stream')).rejects.toThrow(
        /larger than the server's maximum append size \(1000 bytes\).*MAX_APPEND_SIZE/,
      );
      expect(await small.store.headPosition()).toBe(0);
      await small.store.close();
    });

    it('says the server is unavailable when it stays so', async () => {
      client.unavailable = true;
      await expect(store.append('s', newEvents(1), 'no_stream')).rejects.toThrow(/^EventStoreDB is unavailable \(read \$all\): 14 UNAVAILABLE/);
      client.unavailable = false;
    }, 10_000);
  });

  describe('subscriptions', () => {
    const collect = () => {
      const events: RecordedEvent[] = [];
      return { events, handler: async (batch: readonly RecordedEvent[]) => void events.push(...batch), positions: () => events.map((e) => e.position) };
    };

    it('resumes after a dropped connection from the last event delivered: no gap, no duplicate', async () => {
      const errors: unknown[] = [];
      const s = await EventStoreDbEventStore.open(client, { resubscribeDelaysMs: [5], onSubscriptionError: (e) => errors.push(e) });
      await s.append('a', newEvents(3), 'no_stream');
      const c = collect();
      const subscription = s.subscribeToAll(0, c.handler);
      await waitFor(() => c.events.length >= 3 && client.openSubscriptions === 1);
      const opened = client.subscriptionsOpened;

      client.dropSubscriptions();
      // Written while the subscription is down: caught up by reading, then live again.
      await s.append('b', newEvents(2), 'no_stream');
      await waitFor(() => client.subscriptionsOpened > opened && client.openSubscriptions === 1, () => `opened ${client.subscriptionsOpened}`);
      await s.append('a', newEvents(2), 2);
      await waitFor(() => c.events.length >= 7, () => c.positions().join(','));
      expect(c.positions()).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(errors).toEqual([expect.any(UnavailableError)]);
      await subscription.close();
      await s.close();
    });

    it('keeps trying while the server is down, with the configured delays, and catches up once it is back', async () => {
      const errors: unknown[] = [];
      const s = await EventStoreDbEventStore.open(client, { resubscribeDelaysMs: [5, 10], onSubscriptionError: (e) => errors.push(e) });
      await s.append('a', newEvents(2), 'no_stream');
      const c = collect();
      const subscription = s.subscribeToAll(0, c.handler);
      await waitFor(() => c.events.length >= 2 && client.openSubscriptions === 1);
      client.unavailable = true;
      client.dropSubscriptions();
      await waitFor(() => errors.length >= 4);
      client.unavailable = false;
      await s.append('a', newEvents(1), 1);
      await waitFor(() => c.events.length >= 3);
      expect(c.positions()).toEqual([1, 2, 3]);
      await subscription.close();
      await s.close();
    });

    it('delivers the same events again when the handler failed, once', async () => {
      await store.append('a', newEvents(2), 'no_stream');
      const seen: number[][] = [];
      let failed = false;
      const subscription = store.subscribeToAll(0, async (batch) => {
        seen.push(batch.map((e) => e.position));
        if (!failed) {
          failed = true;
          throw new Error('projection failed');
        }
      });
      await waitFor(() => seen.length >= 2);
      expect(seen).toEqual([
        [1, 2],
        [1, 2],
      ]);
      await subscription.close();
    });

    it('filters system events on the server too, and closes its server subscription on close', async () => {
      const spy = jest.spyOn(client, 'subscribeToAll');
      const subscription = store.subscribeToAll(0, async () => undefined);
      await waitFor(() => client.openSubscriptions === 1);
      expect(spy.mock.calls[0]![0]!.filter).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*' });
      await subscription.close();
      await waitFor(() => client.openSubscriptions === 0);
    });
  });

  describe('connecting', () => {
    it('fails within the timeout, naming the address without its password, when the server does not answer', async () => {
      const hanging = new FakeEventStoreDbClient();
      hanging.hanging = true;
      const started = Date.now();
      const attempt = connectEventStoreDb('esdb://admin:hemligt@db.example.se:2113?tls=false', { connect: () => hanging, connectTimeoutMs: 200 });
      await expect(attempt).rejects.toThrow(EventStoreDbConnectionError);
      await expect(attempt).rejects.toThrow('cannot reach EventStoreDB at esdb://admin:***@db.example.se:2113?tls=false: no answer within 0.2 s');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(hanging.disposed).toBe(true);
    });

    it('fails at once when the server refuses the connection', async () => {
      const down = new FakeEventStoreDbClient();
      down.unavailable = true;
      await expect(connectEventStoreDb('esdb://localhost:2113?tls=false', { connect: () => down })).rejects.toThrow(
        /^cannot reach EventStoreDB at esdb:\/\/localhost:2113\?tls=false: 14 UNAVAILABLE: No connection established$/,
      );
    });

    it('refuses a connection string the client cannot parse, naming it', async () => {
      await expect(connectEventStoreDb('http://localhost:2113')).rejects.toThrow(/"http:\/\/localhost:2113" is not an EventStoreDB connection string/);
    });

    it('with the real client: a closed port fails in well under the timeout, in one line', async () => {
      const started = Date.now();
      const error = (await connectEventStoreDb('esdb://127.0.0.1:1?tls=false', { connectTimeoutMs: 5000 }).then(
        (store) => store.close(),
        (e: unknown) => e,
      )) as Error;
      expect(error).toBeInstanceOf(EventStoreDbConnectionError);
      expect(error.message).toMatch(/^cannot reach EventStoreDB at esdb:\/\/127\.0\.0\.1:1\?tls=false: .*ECONNREFUSED/);
      expect(error.message).not.toContain('\n');
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('redacts only the password of a connection string', () => {
      expect(redactConnectionString('esdb://admin:changeit@a:2113,b:2113?tls=true')).toBe('esdb://admin:***@a:2113,b:2113?tls=true');
      expect(redactConnectionString('esdb+discover://cluster.dns:2113')).toBe('esdb+discover://cluster.dns:2113');
    });
  });
});

describe('LogIndex', () => {
  const at = (n: number): Position => ({ commit: BigInt(n), prepare: BigInt(n) });

  it('adds the next position and checks known ones', () => {
    const index = new LogIndex();
    index.observe(1, 'a', at(100));
    index.observe(2, 'b', at(250));
    index.observe(1, 'a', at(100));
    expect(index.length).toBe(2);
    expect(index.logPositionOf(2)).toEqual(at(250));
    expect(index.positionOfId('b')).toBe(2);
    expect(index.positionOfId('c')).toBeUndefined();
  });

  it('grows past its first allocation', () => {
    const index = new LogIndex();
    for (let i = 1; i <= 3000; i++) index.observe(i, `id-${i}`, at(i * 10));
    expect(index.logPositionOf(2999)).toEqual(at(29990));
  });

  it('remembers where in $all reads of the log may start, and never past its first event', () => {
    const index = new LogIndex();
    expect(index.startAfter(0)).toBeNull();
    index.noLogEventUpTo(at(50));
    index.noLogEventUpTo(at(40));
    expect(index.startAfter(0)).toEqual(at(50));
    index.observe(1, 'a', at(70));
    expect(index.startAfter(1)).toEqual(at(70));
    expect(() => index.noLogEventUpTo(at(70))).toThrow(LogIndexMismatch);
  });

  it('refuses a log that changed under it, a repeated id, and a reader skipping ahead', () => {
    const index = new LogIndex();
    index.observe(1, 'a', at(100));
    index.observe(2, 'b', at(200));
    expect(() => index.observe(2, 'c', at(200))).toThrow(LogIndexMismatch);
    expect(() => index.observe(2, 'b', at(300))).toThrow(/Position 2 of the log was event b at 200\/200, now it reads as event b at 300\/300/);
    expect(() => index.observe(3, 'a', at(300))).toThrow(/twice/);
    expect(() => index.observe(3, 'd', at(150))).toThrow(/does not come after/);
    expect(() => index.observe(5, 'e', at(500))).toThrow(RangeError);
  });
});
