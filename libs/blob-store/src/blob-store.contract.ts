/**
 * The contract every BlobStore adapter passes (the filesystem's, the in-memory one, and an S3-compatible one
 * if one is added): call `blobStoreContract(name, make)` from the adapter's spec.
 */
import { createHash } from 'node:crypto';
import { InvalidBlobName, type BlobStore } from './blob-store.port';

const hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const collect = async (names: AsyncIterable<string>): Promise<string[]> => {
  const all: string[] = [];
  for await (const n of names) all.push(n);
  return all.sort();
};

export const blobStoreContract = (name: string, make: () => Promise<BlobStore> | BlobStore): void => {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    beforeEach(async () => {
      store = await make();
    });

    it('names a file by the SHA-256 of its bytes and gives the same bytes back', async () => {
      const bytes = Buffer.from('%PDF-1.4\nett protokollsutdrag\n%%EOF\n');
      const stored = await store.put(bytes);
      expect(stored).toEqual({ sha256: hex(bytes), bytes: bytes.length });
      expect(await store.has(stored.sha256)).toBe(true);
      expect(Buffer.compare((await store.get(stored.sha256))!, bytes)).toBe(0);
    });

    it('stores the same bytes once and lists every file by its name', async () => {
      const a = await store.put(Buffer.from('a'));
      const again = await store.put(Buffer.from('a'));
      const b = await store.put(new Uint8Array([0, 1, 2, 255]));
      expect(again).toEqual(a);
      expect(await collect(store.list())).toEqual([a.sha256, b.sha256].sort());
    });

    it('stores an empty file and large binary content intact', async () => {
      const empty = await store.put(new Uint8Array(0));
      expect(empty.bytes).toBe(0);
      expect((await store.get(empty.sha256))!.length).toBe(0);
      const big = Buffer.alloc(3 * 1024 * 1024 + 7);
      for (let i = 0; i < big.length; i += 1) big[i] = (i * 31) & 0xff;
      const stored = await store.put(big);
      expect(Buffer.compare((await store.get(stored.sha256))!, big)).toBe(0);
    });

    it('answers null and false for a name it does not hold', async () => {
      const absent = hex(Buffer.from('finns inte'));
      expect(await store.get(absent)).toBeNull();
      expect(await store.has(absent)).toBe(false);
      expect(await collect(store.list())).toEqual([]);
    });

    it('refuses a name that is not a lowercase hex SHA-256 (no path can be named)', async () => {
      for (const bad of ['../../etc/passwd', 'ABCDEF'.padEnd(64, '0'), 'a'.repeat(63), `${'a'.repeat(62)}/x`])
        await expect(store.get(bad)).rejects.toBeInstanceOf(InvalidBlobName);
      await expect(store.has('..')).rejects.toBeInstanceOf(InvalidBlobName);
    });
  });
};
