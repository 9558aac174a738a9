import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { blobStoreContract } from './blob-store.contract';
import { FileBlobStore } from './file-blob-store';
import { InMemoryBlobStore } from './in-memory-blob-store';

const dirs: string[] = [];
const newDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dgr-blobs-'));
  dirs.push(dir);
  return path.join(dir, 'blobs');
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

blobStoreContract('filesystem', () => new FileBlobStore(newDir()));
blobStoreContract('in memory', () => new InMemoryBlobStore());

describe('FileBlobStore', () => {
  it('keeps each file at ab/cd/<sha256> and leaves no temporary file behind', async () => {
    const dir = newDir();
    const store = new FileBlobStore(dir);
    const { sha256 } = await store.put(Buffer.from('%PDF-1.7 x'));
    const file = path.join(dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    expect(readFileSync(file, 'utf8')).toBe('%PDF-1.7 x');
    expect(readdirSync(path.dirname(file))).toEqual([sha256]);
  });

  it('does not list a temporary file a crash left behind, nor a file under a wrong shard', async () => {
    const dir = newDir();
    const store = new FileBlobStore(dir);
    const { sha256 } = await store.put(Buffer.from('kvar'));
    const shard = path.join(dir, sha256.slice(0, 2), sha256.slice(2, 4));
    writeFileSync(path.join(shard, '.tmp-1-abc'), 'halvskriven');
    writeFileSync(path.join(shard, 'f'.repeat(64)), 'fel plats');
    const names: string[] = [];
    for await (const n of store.list()) names.push(n);
    expect(names).toEqual([sha256]);
  });

  it('calls the after-put hook once the file is durable under its name (the crash tests stop there)', async () => {
    const dir = newDir();
    const seen: string[] = [];
    const store = new FileBlobStore(dir, (stored, file) => {
      seen.push(readFileSync(file, 'utf8'));
      throw new Error(`stopped after ${stored.sha256}`);
    });
    await expect(store.put(Buffer.from('innehåll'))).rejects.toThrow(/stopped after/);
    expect(seen).toEqual(['innehåll']);
  });
});

describe('FileBlobStore repairs', () => {
  it('writes a file again when the one under its name was altered', async () => {
    const dir = newDir();
    const store = new FileBlobStore(dir);
    const { sha256 } = await store.put(Buffer.from('original'));
    const file = path.join(dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    writeFileSync(file, 'ORIGINAL');
    await store.put(Buffer.from('original'));
    expect(readFileSync(file, 'utf8')).toBe('original');
  });
});
