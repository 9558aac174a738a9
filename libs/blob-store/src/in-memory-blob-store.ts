import { checkBlobName, type BlobStore, type StoredBlob } from './blob-store.port';
import { sha256Hex } from './sha256';

/** The blob store in memory: for unit tests, and the contract's second adapter. */
export class InMemoryBlobStore implements BlobStore {
  readonly location = 'memory';
  private readonly files = new Map<string, Buffer>();

  async put(bytes: Uint8Array): Promise<StoredBlob> {
    const sha256 = sha256Hex(bytes);
    if (!this.files.has(sha256)) this.files.set(sha256, Buffer.from(bytes));
    return { sha256, bytes: bytes.byteLength };
  }

  async get(sha256: string): Promise<Buffer | null> {
    const file = this.files.get(checkBlobName(sha256));
    return file ? Buffer.from(file) : null;
  }

  async has(sha256: string): Promise<boolean> {
    return this.files.has(checkBlobName(sha256));
  }

  async *list(): AsyncIterable<string> {
    yield* [...this.files.keys()];
  }
}
