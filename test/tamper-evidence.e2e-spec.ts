/**
 * Tamper evidence, property-based: logs written by the real SQLite store, then changed behind its back through
 * better-sqlite3 (a byte of an event's data, metadata or hash flipped, an event deleted, one inserted, two
 * reordered, the log truncated, or another history with the same first and last events swapped in), optionally
 * with every hash and chain link recomputed by the attacker. `dgr verify` (its core, in-process) and the proofs
 * an auditor would ask the service for must catch every case: no false accepts, and no false rejects of the
 * untouched log or of a log that only grew since the checkpoint.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { CheckpointSigner, LogChecker, verifyConsistency, verifyInclusion, type Checkpoint, type MerkleLog } from '@dgr/audit';
import { eventHash, SqliteEventStore, type EventMetadata, type NewEvent } from '@dgr/event-store';
import { loadConfig } from '@dgr/config';
import { runVerify, verifyLog } from '../apps/cli/src/verify';

const { privateKey } = generateKeyPairSync('ed25519');
const signer = new CheckpointSigner(privateKey, 'dgr-test');

// ---------------------------------------------------------------------------------------------
// Generated logs. Strings avoid control characters and lone surrogates, numbers stay plain, so that JSON.stringify
// writes no \u escapes or exponents: every single-byte change of the stored JSON then changes its value or breaks it.
// ---------------------------------------------------------------------------------------------

const text = fc.string({ unit: fc.constantFrom(...'abcåäöÅÄÖ xyz-_.:/"\\0123456789€😀'.split(/(?:)/u)), maxLength: 12 });
const scalar = fc.oneof(text, fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom(0.5, -2.25, 1234.125), fc.boolean(), fc.constant(null));
const payload = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('object'), tie('array')),
  object: fc.dictionary(fc.string({ unit: fc.constantFrom(...'abcdeföx_'.split('')), minLength: 1, maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  array: fc.array(tie('value'), { maxLength: 4 }),
})).object;

interface Spec {
  readonly stream: string;
  readonly type: string;
  readonly data: unknown;
  readonly actor: boolean;
}

const spec = fc.record({
  stream: fc.constantFrom('initiative-a', 'initiative-b', 'initiative-c', 'fund-dgr'),
  type: fc.constantFrom('InitiativeProposed', 'PartyDecisionRegistered', 'FundDeposited', 'GrantAwarded'),
  data: payload,
  actor: fc.boolean(),
});

const T0 = Date.parse('2024-01-01T08:00:00.000Z');
let idCounter = 0;

const newEvent = (s: Spec, n: number, prefix = 'e'): NewEvent => {
  idCounter += 1;
  const metadata: EventMetadata = {
    recordedAt: new Date(T0 + n * 61_000).toISOString(),
    correlationId: `corr-${prefix}-${n}`,
    causationId: null,
    schemaVersion: 1,
    actor: s.actor ? { sub: 'finance', name: 'Region Värmland ekonomi', role: 'finance' } : null,
  };
  return { id: `${prefix}-${idCounter}`, type: s.type, data: s.data, metadata };
};

/** Appends in one group commit (the appends are queued together), in order. */
const appendAll = async (file: string, events: ReadonlyArray<{ stream: string; event: NewEvent }>): Promise<void> => {
  const store = new SqliteEventStore(file);
  try {
    await Promise.all(events.map(({ stream, event }) => store.append(stream, [event], 'any')));
  } finally {
    await store.close();
  }
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-tamper-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fileCounter = 0;
const newFile = (): string => path.join(tmp, `log-${++fileCounter}.sqlite`);

/** Writes the log and signs a checkpoint of it, as the service would. */
const writeLog = async (specs: readonly Spec[], prefix = 'e'): Promise<{ file: string; checkpoint: Checkpoint }> => {
  const file = newFile();
  await appendAll(file, specs.map((s, n) => ({ stream: s.stream, event: newEvent(s, n, prefix) })));
  const result = verifyLog({ file });
  expect({ ok: result.ok, events: result.events, problem: result.problem }).toEqual({ ok: true, events: specs.length, problem: null });
  return { file, checkpoint: signer.sign(result.events, result.root!, result.lastRecordedAt) };
};

// ---------------------------------------------------------------------------------------------
// Tampering, straight on the rows.
// ---------------------------------------------------------------------------------------------

interface Row {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  hash: string;
  previous_hash: string | null;
}

const withDb = <T>(file: string, f: (db: Database.Database) => T): T => {
  const db = new Database(file);
  try {
    return f(db);
  } finally {
    db.close();
  }
};

const rowsOf = (db: Database.Database): Row[] => db.prepare<[], Row>('SELECT * FROM events ORDER BY position').all();

/** Replaces the whole table with `rows`, positions as given. */
const rewrite = (db: Database.Database, rows: readonly Row[]): void => {
  const insert = db.prepare('INSERT INTO events (position, id, stream, revision, type, data, metadata, hash, previous_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    db.prepare('DELETE FROM events').run();
    for (const r of rows) insert.run(r.position, r.id, r.stream, r.revision, r.type, r.data, r.metadata, r.hash, r.previous_hash);
  })();
};

const renumber = (rows: readonly Row[]): Row[] => rows.map((r, i) => ({ ...r, position: i + 1 }));

/** What a careful attacker does after the change: recompute every revision, chain link and hash, so each stream is whole. */
const rechain = (rows: readonly Row[]): Row[] | null => {
  const heads = new Map<string, { revision: number; hash: string }>();
  const out: Row[] = [];
  for (const r of rows) {
    let data: unknown;
    let metadata: unknown;
    try {
      data = JSON.parse(r.data);
      metadata = JSON.parse(r.metadata);
    } catch {
      return null; // not JSON any more: nothing to recompute
    }
    const head = heads.get(r.stream);
    const revision = head ? head.revision + 1 : 0;
    const previousHash = head ? head.hash : null;
    const hash = eventHash({ stream: r.stream, revision, type: r.type, data, metadata, previousHash });
    heads.set(r.stream, { revision, hash });
    out.push({ ...r, revision, previous_hash: previousHash, hash });
  }
  return out;
};

const flipByte = (value: string, byte: number, bit: number): string => {
  const bytes = Buffer.from(value, 'utf8');
  bytes[byte % bytes.length]! ^= 1 << bit;
  return bytes.toString('utf8');
};

type Tamper =
  | { kind: 'flip'; column: 'data' | 'metadata' | 'hash'; index: number; byte: number; bit: number; rechain: boolean }
  | { kind: 'delete'; index: number; renumber: boolean; rechain: boolean }
  | { kind: 'insert'; index: number; spec: Spec; rechain: boolean }
  | { kind: 'reorder'; i: number; j: number; rechain: boolean }
  | { kind: 'truncate'; keep: number };

/** A change to the first `n` events of a log (the ones a checkpoint of size n covers). */
const tamperOf = (n: number): fc.Arbitrary<Tamper> => {
  const index = fc.integer({ min: 0, max: n - 1 });
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), column: fc.constantFrom('data' as const, 'metadata' as const, 'hash' as const), index, byte: fc.nat(), bit: fc.integer({ min: 0, max: 7 }), rechain: fc.boolean() }),
    fc.record({ kind: fc.constant('delete' as const), index, renumber: fc.boolean(), rechain: fc.boolean() }),
    fc.record({ kind: fc.constant('insert' as const), index, spec, rechain: fc.boolean() }),
    fc.tuple(index, index, fc.boolean())
      .filter(([i, j]) => i !== j)
      .map(([i, j, rechain]) => ({ kind: 'reorder' as const, i: Math.min(i, j), j: Math.max(i, j), rechain })),
    fc.record({ kind: fc.constant('truncate' as const), keep: fc.integer({ min: 0, max: n - 1 }) }),
  );
};

/** Applies the change; returns the leaf index it touches first (for the inclusion check), or null. */
const applyTamper = (file: string, t: Tamper): number => {
  return withDb(file, (db) => {
    const rows = rowsOf(db);
    let next: Row[];
    let touched: number;
    switch (t.kind) {
      case 'flip': {
        const row = rows[t.index]!;
        const changed = flipByte(row[t.column], t.byte, t.bit);
        next = rows.map((r, i) => (i === t.index ? { ...r, [t.column]: changed } : r));
        if (t.rechain && t.column !== 'hash') next = rechain(next) ?? next;
        touched = t.index;
        break;
      }
      case 'delete': {
        next = rows.filter((_, i) => i !== t.index);
        if (t.renumber) next = renumber(next);
        if (t.rechain) next = rechain(next)!;
        touched = t.index;
        break;
      }
      case 'insert': {
        const e = newEvent(t.spec, 999, 'forged');
        const forgedStream = `initiative-forged-${idCounter}`;
        const data = JSON.stringify(e.data);
        const metadata = JSON.stringify(e.metadata);
        const hash = eventHash({ stream: forgedStream, revision: 0, type: e.type, data: JSON.parse(data), metadata: JSON.parse(metadata), previousHash: null });
        const forged: Row = { position: 0, id: e.id, stream: forgedStream, revision: 0, type: e.type, data, metadata, hash, previous_hash: null };
        next = renumber([...rows.slice(0, t.index), forged, ...rows.slice(t.index)]);
        if (t.rechain) next = rechain(next)!;
        touched = t.index;
        break;
      }
      case 'reorder': {
        next = rows.map((r, k) => (k === t.i ? { ...rows[t.j]!, position: r.position } : k === t.j ? { ...rows[t.i]!, position: r.position } : r));
        if (t.rechain) next = rechain(next)!;
        touched = t.i;
        break;
      }
      case 'truncate':
        next = rows.slice(0, t.keep);
        touched = t.keep;
        break;
    }
    rewrite(db, next);
    return touched;
  });
};

// ---------------------------------------------------------------------------------------------
// The two ways of finding out: `dgr verify`, and the proofs the service would give from the changed file.
// ---------------------------------------------------------------------------------------------

/** The tree the service builds from the file at start (the audit read model), or null when it cannot read the log. */
const serviceTreeOf = async (file: string): Promise<MerkleLog | null> => {
  const store = new SqliteEventStore(file);
  try {
    const checker = new LogChecker();
    for (let after = 0; ; ) {
      const batch = await store.readAll(after, 1000);
      if (batch.length === 0) break;
      batch.forEach((e) => checker.add(e));
      after = batch[batch.length - 1]!.position;
    }
    return checker.tree;
  } catch {
    return null;
  } finally {
    await store.close();
  }
};

/** Whether an auditor holding `cp` would accept what the service (over the changed file) proves. */
const proofsAccept = async (file: string, cp: Checkpoint, leafIdx: number): Promise<boolean> => {
  const tree = await serviceTreeOf(file);
  if (!tree || tree.size < cp.size) return false; // no tree, or the service cannot prove anything about size cp.size
  const root1 = Buffer.from(cp.root, 'base64');
  const consistent = verifyConsistency(cp.size, tree.size, tree.consistencyProof(cp.size, tree.size), root1, tree.root());
  const included = leafIdx < cp.size ? verifyInclusion(leafIdx, cp.size, tree.leafHash(leafIdx), tree.inclusionProof(leafIdx, cp.size), root1) : true;
  return consistent && included;
};

const publicKey = signer.publicKey;

describe('tamper evidence over generated logs', () => {
  it('catches every change to the checkpointed events, with or without rewritten hashes; accepts the untouched and the grown log', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(spec, { minLength: 2, maxLength: 24 }).chain((specs) =>
          fc.tuple(fc.constant(specs), tamperOf(specs.length), fc.array(spec, { maxLength: 3 })),
        ),
        async ([specs, tamper, later]) => {
          const { file, checkpoint } = await writeLog(specs);
          // Appended after the checkpoint, legitimately: still consistent with it.
          if (later.length > 0) await appendAll(file, later.map((s, k) => ({ stream: s.stream, event: newEvent(s, specs.length + k) })));
          const before = verifyLog({ file, checkpoint, publicKey });
          expect({ ok: before.ok, problem: before.problem, events: before.events }).toEqual({ ok: true, problem: null, events: specs.length + later.length });
          expect(await proofsAccept(file, checkpoint, 0)).toBe(true);

          const touched = applyTamper(file, tamper);
          const key = `${tamper.kind}${'column' in tamper ? `-${tamper.column}` : ''}${'rechain' in tamper && tamper.rechain ? '+rechain' : ''}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);

          const after = verifyLog({ file, checkpoint, publicKey });
          expect(after.ok).toBe(false);
          expect(after.problem).toEqual(expect.any(String));
          // A changed byte with the hashes left alone is named exactly: the event itself.
          if (tamper.kind === 'flip' && (!tamper.rechain || tamper.column === 'hash'))
            expect(after.firstMismatch).toEqual(expect.objectContaining({ position: tamper.index + 1 }));
          expect(await proofsAccept(file, checkpoint, touched)).toBe(false);
        },
      ),
      { numRuns: 220 },
    );
    // Every kind of change was tried (fast-check's oneof spreads the runs).
    const kinds = ['flip-data', 'flip-metadata', 'flip-hash', 'flip-data+rechain', 'flip-metadata+rechain', 'delete', 'delete+rechain', 'insert', 'insert+rechain', 'reorder', 'reorder+rechain', 'truncate'];
    expect(kinds.filter((k) => !seen.get(k))).toEqual([]);
  });

  it('catches another history swapped in with the same first and last events, though every hash and chain in it is valid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 10 }), fc.array(spec, { maxLength: 10 }), spec, spec, async (middleA, middleB, firstSpec, lastSpec) => {
        const first = { stream: 'initiative-first', event: newEvent(firstSpec, 0, 'first') };
        const last = { stream: 'initiative-last', event: newEvent(lastSpec, 50, 'last') };
        const a = newFile();
        await appendAll(a, [first, ...middleA.map((s, n) => ({ stream: s.stream, event: newEvent(s, n + 1, 'a') })), last]);
        const b = newFile();
        await appendAll(b, [first, ...middleB.map((s, n) => ({ stream: s.stream, event: newEvent(s, n + 1, 'b') })), last]);
        const signed = verifyLog({ file: a });
        const checkpoint = signer.sign(signed.events, signed.root!, signed.lastRecordedAt);

        const other = withDb(b, rowsOf);
        const original = withDb(a, rowsOf);
        expect([other[0], { ...other[other.length - 1]!, position: 0 }]).toEqual([original[0], { ...original[original.length - 1]!, position: 0 }]);
        withDb(a, (db) => rewrite(db, other));

        const result = verifyLog({ file: a, checkpoint, publicKey });
        expect(result.firstMismatch).toBeNull(); // a valid log in itself…
        expect(result.ok).toBe(false); // …that does not extend the checkpoint
        expect(result.checkpointProblem).toEqual(expect.any(String));
        expect(await proofsAccept(a, checkpoint, 1)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a checkpoint whose signature, size or root was changed, or that another key signed', async () => {
    const { file, checkpoint } = await writeLog(Array.from({ length: 7 }, (_, n) => ({ stream: 'fund-dgr', type: 'FundDeposited', data: { n }, actor: true })));
    expect(verifyLog({ file, checkpoint, publicKey }).ok).toBe(true);
    const other = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey, 'dgr-test');
    const cases: Array<[string, Checkpoint, typeof publicKey]> = [
      ['another key', other.sign(checkpoint.size, checkpoint.root, checkpoint.at), publicKey],
      ['checked with another key', checkpoint, other.publicKey],
      ['a changed size', { ...checkpoint, size: 6 }, publicKey],
      ['a changed origin', { ...checkpoint, origin: 'dgr-other' }, publicKey],
      ['a changed root', { ...checkpoint, root: Buffer.alloc(32, 1).toString('base64') }, publicKey],
      ['a signed wrong root', signer.sign(7, Buffer.alloc(32, 1).toString('base64'), null), publicKey],
      ['a signed larger size', signer.sign(8, checkpoint.root, null), publicKey],
      ['a signed smaller size with the same root', signer.sign(6, checkpoint.root, null), publicKey],
    ];
    for (const [what, cp, key] of cases) expect([what, verifyLog({ file, checkpoint: cp, publicKey: key }).ok]).toEqual([what, false]);
  });
});

describe('npx dgr verify', () => {
  const capture = () => {
    let out = '';
    const stream = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) }) as unknown as NodeJS.WriteStream;
    return { stream, text: () => out };
  };

  it('prints a checkpoint it then accepts, and exits 1 naming the first changed event', async () => {
    const { file } = await writeLog(Array.from({ length: 5 }, (_, n) => ({ stream: n % 2 ? 'initiative-a' : 'fund-dgr', type: 'FundDeposited', data: { n }, actor: false })));
    const config = loadConfig({ DGR_SQLITE_FILE: file });
    const printed = { out: capture(), err: capture() };
    expect(runVerify(config, { 'print-checkpoint': true }, { stdout: printed.out.stream, stderr: printed.err.stream })).toBe(0);
    const cp = JSON.parse(printed.out.text()) as Checkpoint;
    expect(cp).toEqual({ origin: 'dgr', size: 5, root: expect.any(String), at: '2024-01-01T08:04:04.000Z', signature: expect.any(String) });
    expect(printed.err.text()).toMatch(/Events: 5 in 2 streams[\s\S]*OK/);
    expect(fs.statSync(path.join(path.dirname(file), 'audit-signing-key.pem')).mode & 0o777).toBe(0o600);
    const cpFile = path.join(tmp, 'cp.json');
    fs.writeFileSync(cpFile, JSON.stringify(cp));

    const ok = { out: capture(), err: capture() };
    expect(runVerify(config, { checkpoint: cpFile }, { stdout: ok.out.stream, stderr: ok.err.stream })).toBe(0);
    expect(ok.out.text()).toContain('OK: every event matches its hash and chain, and the log extends the checkpoint');

    withDb(file, (db) => db.prepare("UPDATE events SET data = '{\"n\":30}' WHERE position = 3").run());
    const bad = { out: capture(), err: capture() };
    expect(runVerify(config, { checkpoint: cpFile }, { stdout: bad.out.stream, stderr: bad.err.stream })).toBe(1);
    expect(bad.err.text()).toMatch(/FAILED: event at position 3 \(stream fund-dgr, revision 1\): stored hash \S+ does not match its content/);
    expect(bad.out.text()).toBe('');
  });
});
