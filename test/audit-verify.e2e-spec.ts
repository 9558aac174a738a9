/**
 * GET /api/audit/verify over real HTTP: the checks of `dgr verify` over the store the service runs on. An intact
 * log is ok with the root of the signed checkpoint; a row changed in the SQLite file behind the service's back
 * (with or without its hash recomputed, before or after a restart, or made unreadable) is `ok: false`, naming the
 * position in Swedish; the answer is 200 either way. A restart resumes the audit read model from its file and
 * re-checks the whole log off the event loop; a rebuild (the file removed) re-hashes every event itself.
 */
import Database from 'better-sqlite3';
import { createPublicKey, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EMPTY_ROOT } from '@dgr/audit';
import { eventHash } from '@dgr/event-store';
import { expectProblem, HttpApp, NOW, propose, tokenFor } from './support/http-app';

const changeRow = (file: string, sql: string): void => {
  const db = new Database(file);
  try {
    db.prepare(sql).run();
  } finally {
    db.close();
  }
};

/** Recomputes the hash of the event at `position` from its (changed) row, as a careful attacker would. */
const rehash = (file: string, position: number): void => {
  const db = new Database(file);
  try {
    const r = db.prepare('SELECT * FROM events WHERE position = ?').get(position) as Record<string, string | number | null>;
    const hash = eventHash({
      stream: r.stream as string,
      revision: r.revision as number,
      type: r.type as string,
      data: JSON.parse(r.data as string),
      metadata: JSON.parse(r.metadata as string),
      previousHash: r.previous_hash as string | null,
    });
    db.prepare('UPDATE events SET hash = ? WHERE position = ?').run(hash, position);
  } finally {
    db.close();
  }
};

describe('GET /api/audit/verify', () => {
  let app: HttpApp;

  beforeEach(async () => {
    app = await HttpApp.start();
  });

  afterEach(async () => {
    await app.dispose();
  });

  /** Three initiatives: events 1, 2 and 3, each the only event of its stream. */
  const threeInitiatives = async (): Promise<string[]> => [await propose(app), await propose(app, { title: 'Andra' }), await propose(app, { title: 'Tredje' })];

  it('answers ok for the untouched log, with the root of the checkpoint the service signs and that checkpoint', async () => {
    const empty = await app.get('/api/audit/verify');
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ ok: true, events: 0, streams: 0, rootHash: EMPTY_ROOT.toString('base64'), mismatchCount: 0, mismatches: [], checkpointProblem: null });

    await threeInitiatives();
    const res = await app.get('/api/audit/verify');
    const checkpoint = (await app.get('/api/audit/checkpoint')).body;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      checkedAt: NOW,
      events: 3,
      streams: 3,
      rootHash: checkpoint.root,
      lastRecordedAt: NOW,
      mismatchCount: 0,
      mismatches: [],
      checkpoint,
      checkpointProblem: null,
      summary: 'Loggen är oförändrad: alla 3 händelser stämmer med sina hashar och kedjor, och loggen bygger vidare på den signerade kontrollpunkten.',
      ruleViolations: [],
      evidenceProblems: [],
    });
    const { publicKeyPem } = (await app.get('/api/audit/public-key')).body;
    const signed = Buffer.from(`${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.root}\n`, 'utf8');
    expect(verify(null, signed, createPublicKey(publicKeyPem), Buffer.from(res.body.checkpoint.signature, 'base64'))).toBe(true);
  });

  it('finds a row whose data was changed in the file: ok false, naming the position, and the log no longer extends the checkpoint', async () => {
    const [, second] = await threeInitiatives();
    changeRow(app.sqliteFile, "UPDATE events SET data = json_set(data, '$.title', 'Ändrad i efterhand') WHERE position = 2");
    const res = await app.get('/api/audit/verify');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, events: 3, mismatchCount: 1, checkpoint: { size: 3 } });
    expect(res.body.mismatches).toEqual([
      {
        position: 2,
        stream: `initiative-${second}`,
        revision: 0,
        kind: 'hash',
        description: expect.stringMatching(
          new RegExp(`^Händelsen på position 2 \\(ström initiative-${second}, revision 0\\): den lagrade hashen \\S+ stämmer inte med innehållet`),
        ),
      },
    ]);
    expect(res.body.checkpointProblem).toMatch(/^Loggens första 3 händelser har inte kontrollpunktens rot/);
    expect(res.body.summary).toBe('Loggen stämmer inte: 1 händelse(r) stämmer inte med sina hashar, kedjor eller platser; den första är på position 2.');
  });

  it('finds a change whose hash was recomputed: every event matches, but the log does not extend the signed checkpoint', async () => {
    await threeInitiatives();
    const before = (await app.get('/api/audit/verify')).body;
    changeRow(app.sqliteFile, "UPDATE events SET data = json_set(data, '$.requestedAmountOre', 900000000) WHERE position = 3");
    rehash(app.sqliteFile, 3);
    const res = await app.get('/api/audit/verify');
    expect(res.body).toMatchObject({ ok: false, events: 3, mismatchCount: 0, mismatches: [] });
    expect(res.body.rootHash).not.toBe(before.rootHash);
    expect(res.body.checkpointProblem).toBe(
      `Loggens första 3 händelser har inte kontrollpunktens rot (${before.rootHash}, här ${res.body.rootHash}): ` +
        'en händelse till och med position 3 har ändrats, tagits bort, lagts till eller flyttats sedan kontrollpunkten signerades.',
    );
    expect(res.body.summary).toMatch(/^Loggen stämmer inte med kontrollpunkten: /);
  });

  it('after a restart on the changed file: the re-check after the start finds it, no checkpoint is signed, and the answer says why and where', async () => {
    await threeInitiatives();
    await app.stop();
    changeRow(app.sqliteFile, "UPDATE events SET metadata = json_set(metadata, '$.correlationId', 'förfalskad') WHERE position = 1");
    // The audit read model resumes from its file without re-hashing position 1; the whole-log re-check after the
    // start (AuditService.startRecheck) does, and a checkpoint waits for it.
    await app.restart();
    const problem = expectProblem(await app.get('/api/audit/checkpoint'), 409);
    expect(problem.code).toBe('audit-log-broken');
    const res = await app.get('/api/audit/verify');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, events: 3, mismatchCount: 1, checkpoint: null, mismatches: [{ position: 1, kind: 'hash' }] });
    expect(res.body.checkpointProblem).toMatch(/^Loggen stämmer inte: Händelsen på position 1 \(ström initiative-\S+, revision 0\): .*Ingen kontrollpunkt signeras\./);
  });

  it('after a rebuild of the read models on the changed file: no checkpoint is signed, and the answer says why and where', async () => {
    await threeInitiatives();
    await app.stop();
    changeRow(app.sqliteFile, "UPDATE events SET metadata = json_set(metadata, '$.correlationId', 'förfalskad') WHERE position = 1");
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(app.dir, `read-models.sqlite${suffix}`), { force: true });
    await app.restart();
    const res = await app.get('/api/audit/verify');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, events: 3, mismatchCount: 1, checkpoint: null, mismatches: [{ position: 1, kind: 'hash' }] });
    expect(res.body.checkpointProblem).toMatch(/^Loggen stämmer inte: Händelsen på position 1 \(ström initiative-\S+, revision 0\): .*Ingen kontrollpunkt signeras\./);
  });

  it('names an event that cannot be read at all (its JSON broken in the file) and reads no further', async () => {
    await threeInitiatives();
    changeRow(app.sqliteFile, "UPDATE events SET data = '{\"title\": ' WHERE position = 2");
    const res = await app.get('/api/audit/verify');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, events: 1, rootHash: null, mismatchCount: 1 });
    expect(res.body.mismatches).toEqual([
      { position: 2, stream: null, revision: null, kind: 'unreadable', description: expect.stringMatching(/^Händelsen på position 2: händelsen kan inte läsas ur lagret: /) },
    ]);
    expect(res.body.checkpointProblem).toBe('Merkleträdet kunde inte beräknas, eftersom en händelse inte kan läsas.');
  });

  it('is open to every signed-in role and to nobody else', async () => {
    await propose(app);
    for (const role of ['secretariat', 'clerk', 'finance', 'auditor'] as const) {
      const res = await app.get('/api/audit/verify', { authorization: `Bearer ${tokenFor(role, role === 'clerk' ? '1780' : undefined)}` });
      expect([role, res.status, res.body.ok]).toEqual([role, 200, true]);
    }
    expect(expectProblem(await app.get('/api/audit/verify', { authorization: 'none' }), 401).code).toBe('unauthenticated');
  });
});
