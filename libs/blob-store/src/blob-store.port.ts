/**
 * A content-addressed store of files (the minutes extracts behind decisions, docs/evidence.md): a file is named
 * by the SHA-256 of its bytes, so the same bytes are stored once, a name never points at other bytes, and
 * anyone holding the log (which records only the hash and the size) can check a file against it.
 *
 * The interface is small on purpose, so that another backend (an S3-compatible object store) can sit behind it
 * and pass the same contract suite (blob-store.contract.ts). `put` is durable when it returns: the service
 * writes the file BEFORE it appends the event naming it, so a crash never leaves an event without its file
 * (a file without an event is an orphan: harmless, never served, listed by `list`).
 */
export interface BlobStore {
  /** Stores the bytes (again: a no-op when the same bytes are there) and answers their lowercase hex SHA-256. */
  put(bytes: Uint8Array): Promise<StoredBlob>;
  /** The bytes named `sha256`, or null when there is no such file. Never checks them: see `verify` callers. */
  get(sha256: string): Promise<Buffer | null>;
  has(sha256: string): Promise<boolean>;
  /** Every stored file's name (its hex SHA-256), in no particular order. */
  list(): AsyncIterable<string>;
  /** Where the files are, for messages (a folder, a bucket URL). */
  readonly location: string;
}

export interface StoredBlob {
  /** Lowercase hex SHA-256 of the bytes (64 characters). */
  readonly sha256: string;
  readonly bytes: number;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Whether `value` is a file name of the store: a lowercase hex SHA-256. */
export const isSha256Hex = (value: unknown): value is string => typeof value === 'string' && HEX_SHA256.test(value);

/** Thrown for a name that is not a lowercase hex SHA-256 (it could name a path outside the store). */
export class InvalidBlobName extends Error {
  constructor(name: string) {
    super(`not a SHA-256 in hex: ${JSON.stringify(name).slice(0, 80)}`);
    this.name = 'InvalidBlobName';
  }
}

export const checkBlobName = (name: string): string => {
  if (!isSha256Hex(name)) throw new InvalidBlobName(name);
  return name;
};
