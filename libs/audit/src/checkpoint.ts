import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * A signed statement of the log's size and root: the body of a C2SP checkpoint note
 * (`origin\nsize\nroot\n`, root in base64), signed with Ed25519. `at` (not signed) is when the
 * last event covered was recorded, null for the empty log.
 */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  /** Base64 of the RFC 6962 root of the first `size` events. */
  readonly root: string;
  readonly at: string | null;
  /** Base64 Ed25519 signature over `checkpointText(origin, size, root)`. */
  readonly signature: string;
}

/** Exactly the signed text: `origin + "\n" + size + "\n" + root + "\n"`. */
export const checkpointText = (origin: string, size: number, root: string): string => `${origin}\n${size}\n${root}\n`;

/** An origin is one line of printable text without spaces or `+` (as C2SP asks of a checkpoint's origin). */
export const isValidOrigin = (origin: string): boolean => /^[^\s+]{1,255}$/u.test(origin) && !/\p{Cc}/u.test(origin);

/** Signs checkpoints with the service's Ed25519 key. */
export class CheckpointSigner {
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;

  constructor(
    private readonly privateKey: KeyObject,
    readonly origin: string,
  ) {
    if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error('the checkpoint key must be an Ed25519 private key');
    if (!isValidOrigin(origin)) throw new Error(`the origin "${origin}" must be one line without spaces or "+"`);
    this.publicKey = createPublicKey(privateKey);
    this.publicKeyPem = this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  static fromPem(pem: string, origin: string): CheckpointSigner {
    return new CheckpointSigner(createPrivateKey(pem), origin);
  }

  sign(size: number, root: string, at: string | null): Checkpoint {
    const signature = sign(null, Buffer.from(checkpointText(this.origin, size, root), 'utf8'), this.privateKey).toString('base64');
    return { origin: this.origin, size, root, at, signature };
  }
}

/** Whether the checkpoint's signature is the given key's over its text. Never throws. */
export const verifyCheckpointSignature = (cp: Pick<Checkpoint, 'origin' | 'size' | 'root' | 'signature'>, publicKey: KeyObject | string): boolean => {
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    return verify(null, Buffer.from(checkpointText(cp.origin, cp.size, cp.root), 'utf8'), key, Buffer.from(cp.signature, 'base64'));
  } catch {
    return false;
  }
};

const BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;

/** Reads a checkpoint as GET /api/audit/checkpoint answers it; throws naming the first bad field. */
export const parseCheckpoint = (value: unknown): Checkpoint => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('a checkpoint is a JSON object');
  const v = value as Record<string, unknown>;
  if (typeof v.origin !== 'string' || !isValidOrigin(v.origin)) throw new Error('origin must be one line of text without spaces');
  if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0) throw new Error('size must be a whole number ≥ 0');
  if (typeof v.root !== 'string' || !BASE64_HASH.test(v.root)) throw new Error('root must be a SHA-256 hash in base64');
  if (v.at !== undefined && v.at !== null && typeof v.at !== 'string') throw new Error('at must be an instant or null');
  if (typeof v.signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(v.signature)) throw new Error('signature must be base64');
  return { origin: v.origin, size: v.size, root: v.root, at: (v.at as string | null | undefined) ?? null, signature: v.signature };
};
