import { generateKeyPairSync } from 'node:crypto';
import { CheckpointSigner } from '@dgr/audit';
import { InMemoryEventStore, type EventStore, type NewEvent, type RecordedEvent } from '@dgr/event-store';
import { recheckStore, verificationReport, verifyStore } from './verify-store';

const event = (n: number): NewEvent => ({
  id: `e-${n}`,
  type: 'FundDeposited',
  data: { amountOre: n },
  metadata: { recordedAt: `2024-01-01T00:00:${String(n).padStart(2, '0')}.000Z`, correlationId: 'c', causationId: null, schemaVersion: 1, actor: null },
});

const storeWith = async (count: number): Promise<InMemoryEventStore> => {
  const store = new InMemoryEventStore();
  for (let n = 0; n < count; n += 1) await store.append(n % 2 ? 'fund-dgr' : `initiative-${n}`, [event(n)], 'any');
  return store;
};

/** The store, but the event at `bad` cannot be read (as the SQLite adapter fails on broken JSON). */
const withUnreadable = (store: EventStore, bad: number): EventStore =>
  Object.assign(Object.create(store) as EventStore, {
    readAll: async (after: number, max: number): Promise<RecordedEvent[]> => {
      const page = await store.readAll(after, max);
      if (page.some((e) => e.position === bad)) throw new SyntaxError('Unexpected token b in JSON at position 1');
      return page;
    },
  });

const { privateKey } = generateKeyPairSync('ed25519');
const signer = new CheckpointSigner(privateKey, 'dgr-test');

describe('verifyStore: dgr verify through the store port', () => {
  it('reads every page, gives the root and checks the log against a checkpoint of a prefix of it', async () => {
    const store = await storeWith(9);
    const whole = await verifyStore(store, { pageSize: 2 });
    expect({ ok: whole.ok, events: whole.events, streams: whole.streams, mismatches: whole.mismatches }).toEqual({ ok: true, events: 9, streams: 6, mismatches: [] });
    expect(whole.lastRecordedAt).toBe('2024-01-01T00:00:08.000Z');
    const prefix = signer.sign(5, whole.tree!.root(5).toString('base64'), null);
    expect((await verifyStore(store, { pageSize: 2, against: { checkpoint: prefix, publicKey: signer.publicKey } })).checkpointProblem).toBeNull();
    const other = signer.sign(5, whole.tree!.root(4).toString('base64'), null);
    expect((await verifyStore(store, { pageSize: 2, against: { checkpoint: other, publicKey: signer.publicKey } })).checkpointProblem).toMatchObject({ kind: 'root-differs', checkpointSize: 5 });
  });

  it('lets the event loop run between pages', async () => {
    const store = await storeWith(6);
    let finished = false;
    let ranBeforeTheEnd = false;
    setImmediate(() => (ranBeforeTheEnd = !finished));
    await verifyStore(store, { pageSize: 2 });
    finished = true;
    expect(ranBeforeTheEnd).toBe(true);
  });

  it('names the position of an event that cannot be read, checks the events before it, and reads nothing after it', async () => {
    const result = await verifyStore(withUnreadable(await storeWith(9), 6), { pageSize: 4 });
    expect({ ok: result.ok, events: result.events, root: result.root, mismatchCount: result.mismatchCount }).toEqual({ ok: false, events: 5, root: null, mismatchCount: 1 });
    expect(result.firstMismatch).toEqual({ position: 6, stream: null, revision: null, reason: { kind: 'unreadable', detail: 'Unexpected token b in JSON at position 1' } });
    const report = verificationReport(result, { checkedAt: '2025-06-15T10:00:00.000Z', checkpoint: null, unsigned: null });
    expect(report.mismatches).toEqual([
      { position: 6, stream: null, revision: null, kind: 'unreadable', description: 'Händelsen på position 6: händelsen kan inte läsas ur lagret: Unexpected token b in JSON at position 1' },
    ]);
    expect(report.summary).toBe('Loggen stämmer inte: 1 händelse(r) stämmer inte med sina hashar, kedjor eller platser; den första är på position 6.');
  });

  it('reports a log without a signed checkpoint as not verified, saying why', async () => {
    const result = await verifyStore(await storeWith(3));
    const report = verificationReport(result, { checkedAt: '2025-06-15T10:00:00.000Z', checkpoint: null, unsigned: 'Tjänsten har ingen nyckel.' });
    expect({ ok: report.ok, checkpointProblem: report.checkpointProblem, mismatches: report.mismatches }).toEqual({ ok: false, checkpointProblem: 'Tjänsten har ingen nyckel.', mismatches: [] });
    expect(report.summary).toBe('Loggen stämmer inte med kontrollpunkten: Tjänsten har ingen nyckel.');
  });
});

/** The store, but the event at `changed` reads with other data (a row changed in the file, its hash kept). */
const withChanged = (store: EventStore, changed: number): EventStore =>
  Object.assign(Object.create(store) as EventStore, {
    readAll: async (after: number, max: number): Promise<RecordedEvent[]> =>
      (await store.readAll(after, max)).map((e) => (e.position === changed ? { ...e, data: { amountOre: 999 } } : e)),
  });

describe('recheckStore: the re-check after a resumed start, the hashes only in bounded memory', () => {
  it('finds what verifyStore finds of the hashes: the events, the first mismatch and the root', async () => {
    for (const size of [0, 1, 7, 64, 65]) {
      const store = await storeWith(size);
      const cases: EventStore[] = [store, ...(size > 3 ? [withChanged(store, 3), withUnreadable(store, size - 1)] : [])];
      for (const s of cases) {
        const full = await verifyStore(s, { pageSize: 5 });
        const re = await recheckStore(s, { pageSize: 5 });
        expect({ events: re.events, firstMismatch: re.firstMismatch }).toEqual({ events: full.events, firstMismatch: full.firstMismatch });
        if (full.root !== null) expect(re.root).toBe(full.root);
      }
    }
    expect((await recheckStore(withChanged(await storeWith(9), 3))).firstMismatch).toMatchObject({ position: 3, reason: { kind: 'hash' } });
  });

  it('lets the event loop run between pages', async () => {
    const store = await storeWith(6);
    let finished = false;
    let ranBeforeTheEnd = false;
    setImmediate(() => (ranBeforeTheEnd = !finished));
    await recheckStore(store, { pageSize: 2 });
    finished = true;
    expect(ranBeforeTheEnd).toBe(true);
  });
});
