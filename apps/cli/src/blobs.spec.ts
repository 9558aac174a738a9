import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@dgr/config';
import { FileBlobStore } from '@dgr/blob-store';
import { SqliteEventStore, type EventStore } from '@dgr/event-store';
import { CopyError, runCopy } from './copy';
import { ExportError } from './export-error';
import { runExport } from './export';
import { tinyPdf } from './tiny-pdf';

/* dgr export --with-blobs and dgr copy carry the evidence files the log names (docs/evidence.md). */

let dir: string;
const stores: EventStore[] = [];
const open = (file: string): SqliteEventStore => {
  const store = new SqliteEventStore(file);
  stores.push(store);
  return store;
};
const meta = { recordedAt: '2025-06-15T10:00:00.000Z', correlationId: 'c', causationId: null, schemaVersion: 1, actor: null };
const blobPath = (blobDir: string, sha: string): string => join(blobDir, sha.slice(0, 2), sha.slice(2, 4), sha);

/** A log with two evidence events whose files are in `blobs/` beside it. */
const logWithEvidence = async (name: string): Promise<{ file: string; shas: string[] }> => {
  const file = join(dir, name, 'dgr.sqlite');
  mkdirSync(join(dir, name));
  const blobs = new FileBlobStore(join(dir, name, 'blobs'));
  const store = open(file);
  const shas: string[] = [];
  await store.append('initiative-a', [{ id: randomUUID(), type: 'InitiativeProposed', data: { initiativeId: 'a' }, metadata: meta }], 'no_stream');
  for (const [i, party] of ['1780', '1784'].entries()) {
    const { sha256, bytes } = await blobs.put(tinyPdf([`Protokollsutdrag ${party}`]));
    shas.push(sha256);
    await store.append(
      'initiative-a',
      [{ id: randomUUID(), type: 'DecisionEvidenceAttached', data: { initiativeId: 'a', party, sha256, bytes, mediaType: 'application/pdf', attachedAt: meta.recordedAt }, metadata: meta }],
      i,
    );
  }
  await store.close();
  return { file, shas };
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dgr-blobs-cli-'));
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close().catch(() => undefined)));
  rmSync(dir, { recursive: true, force: true });
});

describe('dgr copy carries the evidence files', () => {
  it('sqlite → sqlite: each file into blobs/ beside the target, byte for byte', async () => {
    const { file, shas } = await logWithEvidence('a');
    const target = join(dir, 'b.sqlite');
    expect(await runCopy(`sqlite:${file}`, `sqlite:${target}`)).toMatch(/^Copied 3 events/);
    for (const sha of shas) expect(readFileSync(blobPath(join(dir, 'blobs'), sha)).equals(readFileSync(blobPath(join(dir, 'a', 'blobs'), sha)))).toBe(true);
  });

  it('into the folders given (--from-blobs, --to-blobs)', async () => {
    const { file, shas } = await logWithEvidence('a');
    const moved = join(dir, 'delad-volym');
    await runCopy(`sqlite:${file}`, `sqlite:${join(dir, 'c.sqlite')}`, { blobs: { to: moved } });
    expect(shas.every((sha) => existsSync(blobPath(moved, sha)))).toBe(true);
  });

  it('refuses to carry a log whose file is missing, before appending the events that name it', async () => {
    const { file, shas } = await logWithEvidence('a');
    unlinkSync(blobPath(join(dir, 'a', 'blobs'), shas[1]!));
    const target = join(dir, 'd.sqlite');
    await expect(runCopy(`sqlite:${file}`, `sqlite:${target}`)).rejects.toThrow(CopyError);
    await expect(runCopy(`sqlite:${file}`, `sqlite:${join(dir, 'e.sqlite')}`)).rejects.toThrow(
      new RegExp(`evidence file ${shas[1]} named at position 3 is missing .*Nothing from position 1 on was copied`),
    );
    expect(await open(target).headPosition()).toBe(0);
  });
});

describe('dgr export --format jsonl --with-blobs DIR', () => {
  it('writes the log and every file it names into DIR, in the blob folder’s layout', async () => {
    const { file, shas } = await logWithEvidence('a');
    const out = join(dir, 'export');
    const config = loadConfig({ DGR_SQLITE_FILE: file });
    const said: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((text) => said.push(String(text)) > 0);
    try {
      await runExport(file, { format: 'jsonl', out: join(dir, 'log.jsonl'), 'with-blobs': out }, config, () => Promise.reject(new Error('not used')));
    } finally {
      stderr.mockRestore();
    }
    expect(readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(shas.every((sha) => existsSync(blobPath(out, sha)))).toBe(true);
    expect(said).toContain(`dgr: copied 2 evidence files to ${out}\n`);
  });

  it('refuses a file altered in the blob folder, and --with-blobs with another format', async () => {
    const { file, shas } = await logWithEvidence('a');
    writeFileSync(blobPath(join(dir, 'a', 'blobs'), shas[0]!), '%PDF-1.4 ändrad');
    const config = loadConfig({ DGR_SQLITE_FILE: file });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(runExport(file, { format: 'jsonl', out: join(dir, 'x.jsonl'), 'with-blobs': join(dir, 'x') }, config, () => Promise.reject(new Error('not used')))).rejects.toThrow(
        new RegExp(`${shas[0]} named at position 2 was altered`),
      );
      await expect(runExport(file, { format: 'csv', what: 'decisions', 'with-blobs': join(dir, 'y') }, config, () => Promise.reject(new Error('not used')))).rejects.toThrow(ExportError);
    } finally {
      stderr.mockRestore();
    }
  });
});
