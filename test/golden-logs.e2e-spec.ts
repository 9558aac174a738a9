/**
 * Golden logs (ADR 0011): every log in test/fixtures/logs/<version>/ is the demo history as that release's
 * `dgr export --format jsonl` wrote it (tools/golden-log.mjs, which never overwrites one). The current code must
 * import each, verify every hash, chain link, the Merkle root and the signed checkpoint, read every event, and
 * replay it to exactly the state that release computed. And a snapshot of each event type's JSON shape today,
 * which fails on an accidental change.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCheckpoint } from '@dgr/audit';
import { EVENT_SCHEMAS, replay, toDomainEvent } from '@dgr/application';
import { attachDecisionEvidence, EVENT_VERSIONS, foldInitiative, releaseGrantReservation, reserveGrant, type GrantAwarded, type InitiativeEvent } from '@dgr/domain';
import { appealDecided, appealLodged, decisionCorrected, decisionRegistered, KARLSTAD, minutesRecorded, revisedTo } from '@dgr/domain/testing';
import { canonicalJson, SqliteEventStore, type RecordedEvent } from '@dgr/event-store';
import { runImport } from '../apps/cli/src/import';
import { verifyLog } from '../apps/cli/src/verify';

const LOGS = path.join(__dirname, 'fixtures', 'logs');
const versions = readdirSync(LOGS).filter((v) => /^v\d+$/.test(v)).sort();

interface Expected {
  readonly events: number;
  readonly stateHash: string;
  readonly merkleRoot: string;
  readonly eventVersions: Record<string, number>;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dgr-golden-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('has the first release’s log', () => {
  expect(versions).toContain('v1');
});

const readAll = async (store: SqliteEventStore): Promise<RecordedEvent[]> => store.readAll(0, 1_000_000);

describe.each(versions)('the golden log %s', (version) => {
  const folder = path.join(LOGS, version);
  const expected = JSON.parse(readFileSync(path.join(folder, 'expected.json'), 'utf8')) as Expected;
  let file: string;

  beforeAll(async () => {
    file = path.join(dir, `${version}.sqlite`);
    await runImport(file, path.join(folder, 'log.jsonl'));
  });

  it('imports with every hash and chain link as exported, and extends its signed checkpoint', () => {
    const checkpoint = parseCheckpoint(JSON.parse(readFileSync(path.join(folder, 'checkpoint.json'), 'utf8')));
    const publicKey = createPublicKey(readFileSync(path.join(folder, 'checkpoint-public-key.pem'), 'utf8'));
    const result = verifyLog({ file, checkpoint, publicKey });
    expect({ ok: result.ok, problem: result.problem, unreadable: result.unreadable }).toEqual({ ok: true, problem: null, unreadable: null });
    expect(result.events).toBe(expected.events);
    expect(result.root).toBe(expected.merkleRoot);
    expect(checkpoint.root).toBe(expected.merkleRoot);
  });

  it('holds the event versions it was written with, each readable today', async () => {
    const store = new SqliteEventStore(file);
    const events = await readAll(store);
    await store.close();
    const counts: Record<string, number> = {};
    for (const e of events) counts[`${e.type}@${e.metadata.schemaVersion}`] = (counts[`${e.type}@${e.metadata.schemaVersion}`] ?? 0) + 1;
    expect(counts).toEqual(expected.eventVersions);
    for (const e of events) expect(() => EVENT_SCHEMAS.read(e)).not.toThrow();
  });

  it('replays to exactly the state that release computed', async () => {
    const store = new SqliteEventStore(file);
    const { models, applied } = await replay(store);
    await store.close();
    expect(applied).toBe(expected.events);
    expect(createHash('sha256').update(canonicalJson(models.snapshot())).digest('hex')).toBe(expected.stateHash);
  });
});

/** A value's JSON shape: its kind, and for objects each key's shape. */
type Shape = string | { readonly [key: string]: Shape } | readonly Shape[];

const shapeOf = (value: unknown): Shape => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value === 'object')
    return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, shapeOf((value as Record<string, unknown>)[k])]));
  return typeof value;
};

/** Two shapes of the same field (e.g. a date or null) as one: `null|string`. */
const merge = (a: Shape | undefined, b: Shape): Shape => {
  if (a === undefined) return b;
  if (typeof a === 'string' && typeof b === 'string') return [...new Set([...a.split('|'), ...b.split('|')])].sort().join('|');
  if (Array.isArray(a) && Array.isArray(b)) return a.length === 0 ? b : b.length === 0 ? a : [merge(a[0], b[0]!)];
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const [x, y] = [a as Record<string, Shape>, b as Record<string, Shape>];
    const out: Record<string, Shape> = {};
    for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort())
      out[k] = x[k] === undefined ? merge('absent', y[k]!) : y[k] === undefined ? merge(x[k], 'absent') : merge(x[k], y[k]!);
    return out;
  }
  return `${JSON.stringify(a)}|${JSON.stringify(b)}`;
};

it('each event type has the JSON shape it had (a change here is a new version or an optional field: ADR 0011)', async () => {
  const store = new SqliteEventStore(path.join(dir, 'v1.sqlite'));
  const stored = await readAll(store);
  await store.close();
  // The types the demo history does not write, as the domain's own builders make them.
  const more = [minutesRecorded(KARLSTAD, { minutesApprovedOn: '2026-06-10', noticePostedOn: '2026-06-11', reason: 'Fel datum angavs först.' }), minutesRecorded(KARLSTAD), appealLodged(KARLSTAD, '2026-06-12'), appealDecided(KARLSTAD, 'upheld', '2026-09-01')];
  // The grant's reservation and its release (ADR 0010), as the deciders make them from a stored grant.
  const { reservation } = reserveGrant(stored.map(toDomainEvent).find((e) => e.type === 'GrantAwarded') as GrantAwarded, 'reservation-1');
  more.push(reservation as never, releaseGrantReservation(reservation, 'Beviljandet kunde inte skrivas.') as never);
  // Versions of the proposal (issue 15): a revision, and decisions as written today (with their text hash).
  more.push(revisedTo(2, { requestedAmountOre: 1 }, '2026-05-20') as never, decisionRegistered(KARLSTAD, { caseNumber: 'KS-1' }) as never, decisionCorrected(KARLSTAD) as never);
  // A minutes extract attached to a stored decision (docs/evidence.md), as its decider makes it.
  const decided = stored.find((e) => e.type === 'PartyDecisionRegistered')!;
  const { party, initiativeId } = toDomainEvent(decided).data as { party: typeof KARLSTAD; initiativeId: string };
  const initiative = foldInitiative(stored.filter((e) => e.stream === decided.stream).map((e) => toDomainEvent(e) as InitiativeEvent));
  const evidence = { initiativeId, party, sha256: 'ab'.repeat(32), bytes: 1234, mediaType: 'application/pdf' };
  more.push(attachDecisionEvidence({ type: 'AttachDecisionEvidence', data: evidence, metadata: { now: '2026-06-15T10:00:00.000Z' } }, initiative) as never);
  const shapes: Record<string, Shape> = {};
  for (const e of [...stored.map(toDomainEvent), ...more]) {
    const key = `${e.type}@${EVENT_VERSIONS[e.type as keyof typeof EVENT_VERSIONS]}`;
    shapes[key] = merge(shapes[key], shapeOf(e.data));
  }
  expect(Object.keys(shapes).map((k) => k.split('@')[0]).sort()).toEqual(Object.keys(EVENT_VERSIONS).sort());
  expect(Object.fromEntries(Object.entries(shapes).sort(([a], [b]) => a.localeCompare(b)))).toMatchSnapshot();
});
