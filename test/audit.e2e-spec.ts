/**
 * The audit endpoints over real HTTP: a signed checkpoint that node:crypto verifies with the published key, inclusion
 * proofs whose leaves an auditor recomputes from the stored rows (docs/audit.md), consistency across appends and
 * restarts, 400s naming the parameter, and no checkpoint signed over a log that does not match its hashes.
 */
import Database from 'better-sqlite3';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EMPTY_ROOT, hashLeaf, verifyConsistency, verifyInclusion } from '@dgr/audit';
import { canonicalJson } from '@dgr/event-store';
import { decideAll, expectInvalidField, expectProblem, HttpApp, NOW, PARTY_IDS, propose, tokenFor } from './support/http-app';

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

/** What an auditor does with a checkpoint and the published key: node:crypto, nothing of the project's. */
const signatureValid = (cp: { origin: string; size: number; root: string; signature: string }, publicKeyPem: string): boolean =>
  verify(null, Buffer.from(`${cp.origin}\n${cp.size}\n${cp.root}\n`, 'utf8'), createPublicKey(publicKeyPem), b64(cp.signature));

/** The leaf hashes recomputed straight from the stored rows, as docs/audit.md tells an auditor to. */
const leafHashesFromFile = (file: string): string[] => {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM events ORDER BY position').all() as Array<Record<string, unknown>>;
    return rows.map((r) => {
      const leaf = {
        id: r.id,
        position: r.position,
        stream: r.stream,
        revision: r.revision,
        type: r.type,
        data: JSON.parse(r.data as string),
        metadata: JSON.parse(r.metadata as string),
        previousHash: r.previous_hash,
        hash: r.hash,
      };
      return hashLeaf(Buffer.from(canonicalJson(leaf), 'utf8')).toString('base64');
    });
  } finally {
    db.close();
  }
};

describe('GET /api/audit/…', () => {
  let app: HttpApp;

  beforeAll(async () => {
    app = await HttpApp.start();
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('signs checkpoints that verify with the published key, proves every event and every append, across a restart', async () => {
    const { publicKeyPem } = (await app.get('/api/audit/public-key')).body;
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    expect(createPublicKey(publicKeyPem).asymmetricKeyType).toBe('ed25519');
    // Created on first start beside the store, owner-only.
    expect(fs.statSync(path.join(app.dir, 'audit-signing-key.pem')).mode & 0o777).toBe(0o600);

    const empty = await app.get('/api/audit/checkpoint');
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ origin: 'dgr', size: 0, root: EMPTY_ROOT.toString('base64'), at: null, signature: expect.any(String) });
    expect(signatureValid(empty.body, publicKeyPem)).toBe(true);

    const first = await propose(app);
    await propose(app, { title: 'Besöksnäring i Värmland' });
    const cp1 = (await app.get('/api/audit/checkpoint')).body;
    expect(cp1).toEqual({ origin: 'dgr', size: await app.position(), root: expect.any(String), at: NOW, signature: expect.any(String) });
    expect(signatureValid(cp1, publicKeyPem)).toBe(true);
    expect(signatureValid({ ...cp1, size: cp1.size + 1 }, publicKeyPem)).toBe(false);

    const leaves1 = leafHashesFromFile(app.sqliteFile);
    expect(leaves1).toHaveLength(cp1.size);
    for (let leafIdx = 0; leafIdx < cp1.size; leafIdx++) {
      const res = await app.get(`/api/audit/proof?leafIdx=${leafIdx}&treeSize=${cp1.size}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ leafIdx, treeSize: cp1.size, leafHash: leaves1[leafIdx], root: cp1.root, proof: expect.any(Array) });
      expect(verifyInclusion(leafIdx, cp1.size, b64(res.body.leafHash), res.body.proof.map(b64), b64(cp1.root))).toBe(true);
    }

    await decideAll(app, first, { parties: PARTY_IDS.slice(0, 5) });
    const cp2 = (await app.get('/api/audit/checkpoint')).body;
    expect(cp2.size).toBeGreaterThan(cp1.size);
    expect(signatureValid(cp2, publicKeyPem)).toBe(true);
    const consistency = await app.get(`/api/audit/consistency?size1=${cp1.size}&size2=${cp2.size}`);
    expect(consistency.body).toEqual({ size1: cp1.size, size2: cp2.size, root1: cp1.root, root2: cp2.root, proof: expect.any(Array) });
    expect(verifyConsistency(cp1.size, cp2.size, consistency.body.proof.map(b64), b64(cp1.root), b64(cp2.root))).toBe(true);
    // Without size2 or treeSize: the whole log now.
    expect((await app.get(`/api/audit/consistency?size1=${cp1.size}`)).body).toEqual(consistency.body);
    const latest = await app.get('/api/audit/proof?leafIdx=0');
    expect(latest.body).toMatchObject({ treeSize: cp2.size, root: cp2.root });

    // Any signed-in role may read; nobody without a token.
    for (const token of [tokenFor('clerk', '1780'), tokenFor('finance'), tokenFor('secretariat')])
      expect((await app.get('/api/audit/checkpoint', { authorization: `Bearer ${token}` })).status).toBe(200);
    for (const url of ['/api/audit/checkpoint', '/api/audit/public-key', '/api/audit/proof?leafIdx=0', '/api/audit/consistency?size1=1'])
      expectProblem(await app.get(url, { authorization: 'none' }), 401);

    await app.restart();
    expect((await app.get('/api/audit/public-key')).body.publicKeyPem).toBe(publicKeyPem);
    const again = (await app.get('/api/audit/checkpoint')).body;
    expect({ size: again.size, root: again.root }).toEqual({ size: cp2.size, root: cp2.root });
    expect(signatureValid(again, publicKeyPem)).toBe(true);
    await propose(app, { title: 'Efter omstart' });
    const cp3 = (await app.get('/api/audit/checkpoint')).body;
    const proof13 = (await app.get(`/api/audit/consistency?size1=${cp1.size}&size2=${cp3.size}`)).body.proof.map(b64);
    expect(verifyConsistency(cp1.size, cp3.size, proof13, b64(cp1.root), b64(cp3.root))).toBe(true);
  });

  it('answers 400 naming the parameter for a bad index or size', async () => {
    const size = await app.position();
    expect(size).toBeGreaterThan(2);
    const cases: Array<[string, string]> = [
      ['/api/audit/proof', 'leafIdx'],
      ['/api/audit/proof?leafIdx=abc', 'leafIdx'],
      ['/api/audit/proof?leafIdx=-1', 'leafIdx'],
      ['/api/audit/proof?leafIdx=1.5', 'leafIdx'],
      [`/api/audit/proof?leafIdx=${size}`, 'leafIdx'],
      ['/api/audit/proof?leafIdx=2&treeSize=2', 'leafIdx'],
      ['/api/audit/proof?leafIdx=0&treeSize=0', 'treeSize'],
      [`/api/audit/proof?leafIdx=0&treeSize=${size + 1}`, 'treeSize'],
      ['/api/audit/proof?leafIdx=0&treeSize=x', 'treeSize'],
      ['/api/audit/proof?leafIdx=0&colour=red', 'colour'],
      ['/api/audit/consistency', 'size1'],
      ['/api/audit/consistency?size1=0', 'size1'],
      ['/api/audit/consistency?size1=3&size2=2', 'size1'],
      [`/api/audit/consistency?size1=1&size2=${size + 1}`, 'size2'],
      ['/api/audit/consistency?size1=1&size2=0', 'size2'],
      ['/api/audit/consistency?size1=1&size2=99999999999999999999', 'size2'],
    ];
    for (const [url, field] of cases) {
      const res = await app.get(url);
      expect([url, res.status]).toEqual([url, 400]);
      expectInvalidField(res, field);
    }
  });
});

describe('the audit key and a log that does not match its hashes', () => {
  it('uses DGR_AUDIT_SIGNING_KEY and DGR_AUDIT_ORIGIN when set', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const app = await HttpApp.start({ env: { DGR_AUDIT_SIGNING_KEY: pem, DGR_AUDIT_ORIGIN: 'dgr.regionvarmland.se/log' } });
    try {
      await propose(app);
      expect((await app.get('/api/audit/public-key')).body.publicKeyPem).toBe(publicKey.export({ type: 'spki', format: 'pem' }).toString());
      const cp = (await app.get('/api/audit/checkpoint')).body;
      expect(cp.origin).toBe('dgr.regionvarmland.se/log');
      expect(verify(null, Buffer.from(`${cp.origin}\n${cp.size}\n${cp.root}\n`), publicKey, b64(cp.signature))).toBe(true);
      expect(fs.existsSync(path.join(app.dir, 'audit-signing-key.pem'))).toBe(false);
    } finally {
      await app.dispose();
    }
  });

  it('signs no checkpoint over a changed event (found by the re-check after the restart), but still answers proofs of the tree as recorded', async () => {
    const app = await HttpApp.start();
    try {
      await propose(app);
      await propose(app, { title: 'Andra' });
      await propose(app, { title: 'Tredje' });
      const before = (await app.get('/api/audit/checkpoint')).body;
      await app.stop();
      const db = new Database(app.sqliteFile);
      db.prepare("UPDATE events SET data = json_set(data, '$.title', 'Ändrad i efterhand') WHERE position = 2").run();
      db.close();
      await app.restart();
      const problem = expectProblem(await app.get('/api/audit/checkpoint'), 409);
      expect(problem.code).toBe('audit-log-broken');
      expect(problem.detail).toContain('position 2');
      // The audit read model resumed from its file: its tree is the log as it was recorded and checked, so its
      // proofs still show what was signed before the change (and `dgr verify` shows what changed since).
      const consistency = (await app.get(`/api/audit/consistency?size1=${before.size}`)).body;
      expect(consistency.root1).toBe(before.root);
      expect(verifyConsistency(before.size, consistency.size2, consistency.proof.map(b64), b64(before.root), b64(consistency.root2))).toBe(true);
    } finally {
      await app.dispose();
    }
  });
});
