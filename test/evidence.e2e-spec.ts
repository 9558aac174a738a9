/**
 * The minutes extract (protokollsutdrag) behind a decision, over HTTP: PUT the PDF, GET it back with its hash,
 * the event that records the hash and size (never the bytes), the refusals (413, 415, 403, 422, 404), and a
 * crash between the file and the event (docs/evidence.md).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileBlobStore } from '@dgr/blob-store';
import { createApp } from '../apps/api/src/create-app';
import { tinyPdf } from '../apps/cli/src/tiny-pdf';
import { runVerify, verifyLog } from '../apps/cli/src/verify';
import { PassThrough } from 'node:stream';
import { decision, expectProblem, HttpApp, NOW, propose, proposal, testConfig, tokenFor, type HttpAnswer } from './support/http-app';

const KARLSTAD = '1780';
const ARVIKA = '1784';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** PUTs raw bytes (as the HttpApp helper sends only text) and answers like it. */
const put = async (
  base: string,
  url: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> => {
  const res = await fetch(base + url, {
    method: 'PUT',
    headers: { 'content-type': 'application/pdf', authorization: `Bearer ${tokenFor('clerk', KARLSTAD)}`, ...headers },
    body,
  });
  const text = await res.text();
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => (out[k] = v));
  return { status: res.status, headers: out, text, body: /json/.test(out['content-type'] ?? '') ? JSON.parse(text) : text };
};

const download = async (base: string, url: string, role: 'auditor' | 'finance' | 'secretariat' = 'auditor') => {
  const res = await fetch(base + url, { headers: { authorization: `Bearer ${tokenFor(role)}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
};

const blobFile = (dir: string, hex: string): string => path.join(dir, 'blobs', hex.slice(0, 2), hex.slice(2, 4), hex);

describe('evidence: the minutes extract behind a decision', () => {
  let app: HttpApp;
  let id: string;
  let url: string;
  const pdf = tinyPdf(['Kommunfullmäktige i Karlstad 2024-04-15, § 42', 'Beslut: bifall']);

  beforeAll(async () => {
    app = await HttpApp.start();
    id = await propose(app);
    const res = await app.post(`/api/initiatives/${id}/decisions`, decision(KARLSTAD));
    if (res.status !== 201) throw new Error(res.text);
    url = `/api/initiatives/${id}/decisions/${KARLSTAD}/evidence`;
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('stores the PDF under its SHA-256 and records only the hash and size: 201 {sha256, bytes}', async () => {
    const res = await put(app.baseUrl, url, pdf);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ sha256: sha256(pdf), bytes: pdf.length, stream: `initiative-${id}`, revision: 2, position: expect.any(Number) });
    expect(fs.readFileSync(blobFile(app.dir, sha256(pdf))).equals(pdf)).toBe(true);
    const events = (await app.get(`/api/initiatives/${id}/events`)).body as Array<{ type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }>;
    const attached = events.at(-1)!;
    expect(attached.type).toBe('DecisionEvidenceAttached');
    expect(attached.data).toEqual({ initiativeId: id, party: KARLSTAD, sha256: sha256(pdf), bytes: pdf.length, mediaType: 'application/pdf', attachedAt: NOW });
    expect(attached.metadata).toMatchObject({ recordedAt: NOW, actor: { role: 'clerk', party: KARLSTAD } });
    // Never the bytes: no trace of the file's text anywhere in the stream.
    expect(JSON.stringify(events)).not.toMatch(/Kommunfullm|PDF-1/);
    const detail = await app.get(`/api/initiatives/${id}`);
    expect(detail.body.decisions[0].evidence).toEqual({ sha256: sha256(pdf), bytes: pdf.length, mediaType: 'application/pdf', attachedAt: NOW });
  });

  it('takes an Idempotency-Key like the other writes: the same key and file again answers the first answer, no second event', async () => {
    const id2 = await propose(app);
    expect((await app.post(`/api/initiatives/${id2}/decisions`, decision(KARLSTAD))).status).toBe(201);
    const url2 = `/api/initiatives/${id2}/decisions/${KARLSTAD}/evidence`;
    const key = { 'idempotency-key': `evidence-${id2}` };
    const first = await put(app.baseUrl, url2, pdf, key);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await put(app.baseUrl, url2, pdf, key);
    expect({ status: again.status, body: again.body, replayed: again.headers['idempotent-replayed'] }).toEqual({ status: 201, body: first.body, replayed: 'true' });
    const attached = async () => ((await app.get(`/api/initiatives/${id2}/events`)).body as Array<{ type: string }>).filter((e) => e.type === 'DecisionEvidenceAttached');
    expect(await attached()).toHaveLength(1);
    // Another file under the same key is another request: refused, nothing written.
    const other = await put(app.baseUrl, url2, tinyPdf(['Ett annat protokoll']), key);
    expect(expectProblem(other, 422)).toMatchObject({ code: 'idempotency-key-reused' });
    expect(await attached()).toHaveLength(1);
  });

  it('gives the file back to every reader, with its hash in Repr-Digest (RFC 9530) and X-Content-SHA256', async () => {
    for (const role of ['auditor', 'finance', 'secretariat'] as const) {
      const res = await download(app.baseUrl, url, role);
      expect(res.status).toBe(200);
      expect(res.bytes.equals(pdf)).toBe(true);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="protokollsutdrag-${KARLSTAD}-${id}.pdf"`);
      expect(res.headers.get('repr-digest')).toBe(`sha-256=:${createHash('sha256').update(pdf).digest('base64')}:`);
      expect(res.headers.get('x-content-sha256')).toBe(sha256(pdf));
    }
    expect((await fetch(app.baseUrl + url)).status).toBe(401);
  });

  it('replaces the evidence with a new file (a new event: the history keeps both)', async () => {
    const second = tinyPdf(['Kommunfullmäktige i Karlstad 2024-04-15, § 42', 'Justerat utdrag']);
    expect((await put(app.baseUrl, url, second)).status).toBe(201);
    expect((await download(app.baseUrl, url)).bytes.equals(second)).toBe(true);
    const events = (await app.get(`/api/initiatives/${id}/events`)).body as Array<{ type: string; data: { sha256?: string } }>;
    expect(events.filter((e) => e.type === 'DecisionEvidenceAttached').map((e) => e.data.sha256)).toEqual([sha256(pdf), sha256(second)]);
    expect(fs.existsSync(blobFile(app.dir, sha256(pdf)))).toBe(true);
  });

  it('refuses a file that is not a PDF by its content, whatever its Content-Type or name says: 415, nothing written', async () => {
    const before = await app.position();
    const html = Buffer.from('<html>protokoll.pdf</html>');
    const wrongBytes = await put(app.baseUrl, url, html, { 'content-disposition': 'attachment; filename="protokoll.pdf"' });
    expect(expectProblem(wrongBytes, 415)).toMatchObject({ code: 'evidence-not-pdf', detail: expect.stringMatching(/PDF/) });
    const wrongType = await put(app.baseUrl, url, pdf, { 'content-type': 'application/octet-stream' });
    expect(expectProblem(wrongType, 415).code).toBe('evidence-not-pdf');
    const json = await put(app.baseUrl, url, Buffer.from('{"sha256":"x"}'), { 'content-type': 'application/json' });
    expect(expectProblem(json, 415).code).toBe('evidence-not-pdf');
    expect(await app.position()).toBe(before);
    expect(fs.existsSync(blobFile(app.dir, sha256(html)))).toBe(false);
  });

  it('refuses a file over 10 MiB: 413, nothing written', async () => {
    const before = await app.position();
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    big.write('%PDF-1.4\n');
    const res = await put(app.baseUrl, url, big);
    expect(expectProblem(res, 413)).toMatchObject({ code: 'evidence-too-large', detail: expect.stringMatching(/10 MiB/) });
    expect(await app.position()).toBe(before);
    expect(fs.existsSync(blobFile(app.dir, sha256(big)))).toBe(false);
  });

  it("refuses another party's clerk and every other role: 403, nothing written", async () => {
    const before = await app.position();
    for (const token of [tokenFor('clerk', ARVIKA), tokenFor('secretariat'), tokenFor('auditor')]) {
      const res = await put(app.baseUrl, url, pdf, { authorization: `Bearer ${token}` });
      expect(expectProblem(res, 403).code).toBe('forbidden');
    }
    expect(await app.position()).toBe(before);
  });

  it('refuses evidence for a party without a decision (422), an unknown initiative (404), an unknown party (400)', async () => {
    const before = await app.position();
    const other = tinyPdf(['Arvika']);
    const noDecision = await put(app.baseUrl, `/api/initiatives/${id}/decisions/${ARVIKA}/evidence`, other, { authorization: `Bearer ${tokenFor('clerk', ARVIKA)}` });
    expect(expectProblem(noDecision, 422)).toMatchObject({ code: 'no-decision-registered', detail: expect.stringMatching(/Arvika.*Registrera beslutet först/) });
    expect(fs.existsSync(blobFile(app.dir, sha256(other)))).toBe(false);
    const unknown = await put(app.baseUrl, `/api/initiatives/00000000-0000-4000-8000-000000000000/decisions/${KARLSTAD}/evidence`, pdf);
    expect(expectProblem(unknown, 404).code).toBe('initiative-not-found');
    const badParty = await put(app.baseUrl, `/api/initiatives/${id}/decisions/9999/evidence`, pdf, { authorization: `Bearer ${tokenFor('clerk', KARLSTAD)}` });
    expect(badParty.status).toBe(403);
    expect(await app.position()).toBe(before);
  });

  it('answers 404 for a decision without evidence', async () => {
    const res = await app.get(`/api/initiatives/${id}/decisions/${ARVIKA}/evidence`);
    expect(expectProblem(res, 404).code).toBe('no-evidence');
  });

  it('never serves a file altered in the blob directory as the evidence (500, logged; dgr verify reports it, below)', async () => {
    const current = (await app.get(`/api/initiatives/${id}`)).body.decisions[0].evidence.sha256 as string;
    const file = blobFile(app.dir, current);
    const original = fs.readFileSync(file);
    const altered = Buffer.from(original);
    altered[altered.length - 10] ^= 0x01;
    fs.writeFileSync(file, altered);
    try {
      const res = await download(app.baseUrl, url);
      expect(res.status).toBe(500);
      expect(res.bytes.includes(Buffer.from('%PDF'))).toBe(false);
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});

describe('dgr verify re-hashes every evidence file the log names', () => {
  let app: HttpApp;
  let files: string[];
  const capture = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    return { stream: Object.assign(stream, { isTTY: false }) as unknown as NodeJS.WriteStream, text: () => text };
  };
  const verify = () => {
    const out = capture();
    const err = capture();
    const code = runVerify(testConfig(app.sqliteFile), {}, { stdout: out.stream, stderr: err.stream });
    return { code, out: out.text(), err: err.text() };
  };

  beforeAll(async () => {
    app = await HttpApp.start();
    const id = await propose(app);
    files = [];
    for (const party of [KARLSTAD, ARVIKA]) {
      expect((await app.post(`/api/initiatives/${id}/decisions`, decision(party))).status).toBe(201);
      const pdf = tinyPdf([`Protokollsutdrag ${party}`]);
      const res = await put(app.baseUrl, `/api/initiatives/${id}/decisions/${party}/evidence`, pdf, { authorization: `Bearer ${tokenFor('clerk', party)}` });
      expect(res.status).toBe(201);
      files.push(blobFile(app.dir, res.body.sha256));
    }
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('finds every file in place: exit 0', () => {
    expect(verifyLog({ file: app.sqliteFile, blobDir: path.join(app.dir, 'blobs') }).evidenceProblems).toEqual([]);
    expect(verify()).toMatchObject({ code: 0, out: expect.stringMatching(/OK: every event matches/) });
  });

  it('catches one changed byte in a file, and a missing file, by the position of the event naming it: exit 1, and GET /api/audit/verify not ok', async () => {
    const [karlstad, arvika] = files as [string, string];
    const original = fs.readFileSync(karlstad);
    const changed = Buffer.from(original);
    changed[20] ^= 0x01;
    fs.writeFileSync(karlstad, changed);
    const moved = `${arvika}.bak`;
    fs.renameSync(arvika, moved);
    try {
      const result = verifyLog({ file: app.sqliteFile, blobDir: path.join(app.dir, 'blobs') });
      expect(result.ok).toBe(true); // the log itself is intact: the files are reported apart
      expect(result.evidenceProblems.map((p) => [p.party, p.problem, p.position])).toEqual([
        [KARLSTAD, 'altered', 3],
        [ARVIKA, 'missing', 5],
      ]);
      expect(result.evidenceProblems[0]!.description).toMatch(/^Karlstads protokollsutdrag \(SHA-256 [0-9a-f]{64}\) i .* har ändrats/);
      const answer = await app.get('/api/audit/verify');
      expect(answer.body).toMatchObject({ ok: false, mismatchCount: 0, summary: expect.stringMatching(/2 protokollsutdrag som loggen hänvisar till saknas eller har ändrats/) });
      expect(answer.body.evidenceProblems.map((p: { party: string; problem: string }) => [p.party, p.problem])).toEqual([[KARLSTAD, 'altered'], [ARVIKA, 'missing']]);
      const run = verify();
      expect(run.code).toBe(1);
      expect(run.out).toBe('');
      expect(run.err).toMatch(/FAILED: 2 evidence file\(s\) named by the log are missing or altered:\n {2}position 3 .*: altered: .*\n {2}position 5 .*: missing: Arvikas protokollsutdrag/);
    } finally {
      fs.writeFileSync(karlstad, original);
      fs.renameSync(moved, arvika);
    }
    expect(verify().code).toBe(0);
    expect((await app.get('/api/audit/verify')).body).toMatchObject({ ok: true, evidenceProblems: [] });
  });
});

describe('a crash between the file and the event', () => {
  it('leaves a file without an event (an orphan), never an event without its file; a retry records it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-evidence-crash-'));
    const sqliteFile = path.join(dir, 'dgr.sqlite');
    const config = testConfig(sqliteFile);
    const pdf = tinyPdf(['Karlstad § 42']);
    // The injected failure: the file is durable under its name, then the process "dies" before the append.
    const crashing = new FileBlobStore(config.blobDir, () => {
      throw new Error('simulated crash after the file, before the event');
    });
    const start = async (blobs?: FileBlobStore) => {
      const nest = await createApp(config, { clock: { now: () => NOW }, logger: false, blobs });
      await nest.listen(0, '127.0.0.1');
      return { nest, base: `http://127.0.0.1:${(nest.getHttpServer().address() as AddressInfo).port}` };
    };
    let running: Awaited<ReturnType<typeof start>> | null = null;
    try {
      running = await start(crashing);
      const propose = await fetch(`${running.base}/api/initiatives`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('secretariat')}` },
        body: JSON.stringify(proposal({ title: 'Krasch' })),
      });
      expect(propose.status).toBe(201);
      const { id } = (await propose.json()) as { id: string };
      const registered = await fetch(`${running.base}/api/initiatives/${id}/decisions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('clerk', KARLSTAD)}` },
        body: JSON.stringify(decision(KARLSTAD)),
      });
      expect(registered.status).toBe(201);
      const url = `/api/initiatives/${id}/decisions/${KARLSTAD}/evidence`;
      expect((await put(running.base, url, pdf)).status).toBe(500);
      await running.nest.close();
      running = null;

      // After the "crash": the file is there, no event names it, and the log verifies.
      expect(fs.existsSync(path.join(config.blobDir, sha256(pdf).slice(0, 2), sha256(pdf).slice(2, 4), sha256(pdf)))).toBe(true);
      running = await start();
      const events = await (await fetch(`${running.base}/api/initiatives/${id}/events`, { headers: { authorization: `Bearer ${tokenFor('auditor')}` } })).json();
      expect((events as Array<{ type: string }>).map((e) => e.type)).toEqual(['InitiativeProposed', 'PartyDecisionRegistered']);
      expect((await download(running.base, url)).status).toBe(404);
      // The clerk tries again: recorded now, and the file already stored is the one served.
      expect((await put(running.base, url, pdf)).status).toBe(201);
      expect((await download(running.base, url)).bytes.equals(pdf)).toBe(true);
    } finally {
      await running?.nest.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
