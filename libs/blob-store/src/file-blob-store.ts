import { randomBytes } from 'node:crypto';
import { constants as fsConstants, readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { checkBlobName, isSha256Hex, type BlobStore, type StoredBlob } from './blob-store.port';
import { sha256Hex } from './sha256';

/** A hook for the crash tests: called after a file is durable under its name, before `put` returns. */
export type AfterPut = (stored: StoredBlob, file: string) => void | Promise<void>;

const fsyncDir = async (dir: string): Promise<void> => {
  const handle = await open(dir, fsConstants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

/**
 * The blob store on a filesystem (`DGR_BLOB_DIR`): each file at `ab/cd/<sha256>` (two levels of shards, so no
 * folder holds more than a few thousand files). `put` writes a temporary file in the target's own folder,
 * fsyncs it, renames it to its hash name (atomic on POSIX: a reader sees the whole file or none) and fsyncs the
 * folder (so the rename survives a power cut). Several processes may share the folder (a shared volume): two
 * writing the same bytes rename the same content over each other, which is harmless.
 */
export class FileBlobStore implements BlobStore {
  constructor(
    readonly location: string,
    private readonly afterPut?: AfterPut,
  ) {}

  private pathOf(sha256: string): string {
    checkBlobName(sha256);
    return path.join(this.location, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(bytes: Uint8Array): Promise<StoredBlob> {
    const stored = { sha256: sha256Hex(bytes), bytes: bytes.byteLength };
    const target = this.pathOf(stored.sha256);
    const dir = path.dirname(target);
    if (!(await this.sameFileThere(target, stored.sha256))) {
      await mkdir(dir, { recursive: true });
      const temp = path.join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
      const handle = await open(temp, 'wx', 0o640);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temp, target);
      } catch (e) {
        await unlink(temp).catch(() => undefined);
        throw e;
      }
      await fsyncDir(dir);
      // The shard folders may be new too: their entries in their parents must be durable as well.
      await fsyncDir(path.dirname(dir));
      await fsyncDir(this.location);
    }
    await this.afterPut?.(stored, target);
    return stored;
  }

  /** The same bytes already under the name (a file altered since is written again, which repairs it). */
  private async sameFileThere(target: string, sha256: string): Promise<boolean> {
    try {
      return sha256Hex(await readFile(target)) === sha256;
    } catch {
      return false;
    }
  }

  async get(sha256: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(sha256));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /** `get`, synchronously: for `dgr verify`, which reads the SQLite file and this folder in one pass. */
  getSync(sha256: string): Buffer | null {
    try {
      return readFileSync(this.pathOf(sha256));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  async *list(): AsyncIterable<string> {
    for (const a of await entries(this.location))
      for (const b of await entries(path.join(this.location, a)))
        for (const name of await entries(path.join(this.location, a, b)))
          if (isSha256Hex(name) && name.startsWith(a + b)) yield name;
  }
}

const entries = async (dir: string): Promise<string[]> => {
  try {
    return (await readdir(dir)).filter((n) => !n.startsWith('.'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
};
