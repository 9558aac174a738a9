/**
 * The audit read model kept in the read-model file (read-models.sqlite beside the log): a restart resumes from
 * it, and `dgr verify` still re-checks the whole log from the store, so that an event changed behind the
 * service's back while a persisted model is present is caught by the auditor's proof.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { verifyConsistency } from '@dgr/audit';
import { runVerify } from '../apps/cli/src/verify';
import { HttpApp, propose, testConfig } from './support/http-app';

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

const capture = () => {
  let out = '';
  const stream = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
};

describe('the audit read model in read-models.sqlite', () => {
  let app: HttpApp;

  beforeEach(async () => {
    app = await HttpApp.start();
  });

  afterEach(async () => {
    await app.dispose();
  });

  it('is kept beside the log with its checkpoint; a restart resumes from it and goes on checking new events', async () => {
    await propose(app);
    await propose(app, { title: 'Andra' });
    const before = (await app.get('/api/audit/checkpoint')).body;
    await app.stop();
    const modelFile = path.join(app.dir, 'read-models.sqlite');
    const db = new Database(modelFile, { readonly: true });
    try {
      // Its checkpoint is a row of the read-model file's one checkpoint table (ADR 0020).
      expect(db.prepare("SELECT position, json_extract(detail, '$.size') AS size FROM projection_checkpoints WHERE name = 'audit'").get()).toEqual({ position: 2, size: 2 });
      expect(db.prepare('SELECT length(hashes) / 32 AS n FROM audit_nodes WHERE level = 0').get()).toEqual({ n: 2 });
    } finally {
      db.close();
    }
    await app.restart();
    await propose(app, { title: 'Efter omstart' });
    const after = (await app.get('/api/audit/checkpoint')).body;
    expect(after.size).toBe(3);
    const proof = (await app.get(`/api/audit/consistency?size1=${before.size}`)).body;
    expect(verifyConsistency(before.size, after.size, proof.proof.map(b64), b64(before.root), b64(after.root))).toBe(true);
    expect((await app.get('/api/audit/verify')).body).toMatchObject({ ok: true, events: 3, rootHash: after.root, checkpointProblem: null });
  });

  it('an old event changed behind a resumed service: the re-check after the start stops the signing, and dgr verify names it', async () => {
    await propose(app);
    await propose(app, { title: 'Andra' });
    await propose(app, { title: 'Tredje' });
    const cp = (await app.get('/api/audit/checkpoint')).body;
    const cpFile = path.join(app.dir, 'cp.json');
    fs.writeFileSync(cpFile, JSON.stringify(cp));
    await app.stop();
    const db = new Database(app.sqliteFile);
    db.prepare("UPDATE events SET data = json_set(data, '$.title', 'Ändrad i efterhand') WHERE position = 2").run();
    db.close();
    await app.restart();
    expect(fs.existsSync(path.join(app.dir, 'read-models.sqlite'))).toBe(true);
    const refused = await app.get('/api/audit/checkpoint');
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'audit-log-broken' });

    const bad = { out: capture(), err: capture() };
    expect(runVerify(testConfig(app.sqliteFile), { checkpoint: cpFile }, { stdout: bad.out.stream, stderr: bad.err.stream })).toBe(1);
    expect(bad.err.text()).toMatch(/FAILED: event at position 2 \(stream initiative-\S+, revision 0\): stored hash \S+ does not match its content/);
  });
});
