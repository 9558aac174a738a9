import { createPublicKey, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import type { AuthConfig } from './tokens.config';
import { createFileOnce } from './key-file';

/** The keys tokens are checked (and, locally, signed) with. Algorithms are pinned: never taken from a token. */
export interface TokenKeys {
  readonly algorithm: 'HS256' | 'RS256' | 'ES256';
  /** A key object built once: jsonwebtoken would otherwise try to parse a string key on every request. */
  readonly verifyKey: KeyObject;
  /** Only for HS256: the service can sign its own tokens (`dgr token`). */
  readonly signKey: string | Buffer | null;
  /** Set when this call created the local secret file. */
  readonly createdFile: string | null;
}

/**
 * Resolves the configured key. Without DGR_JWT_SECRET or DGR_JWT_PUBLIC_KEY, a random secret is kept in
 * the data folder (`jwt-secret`, readable only by its owner), created on first use, and shared by the
 * service and `dgr token`.
 */
export const resolveTokenKeys = (auth: AuthConfig): TokenKeys => {
  const key = auth.key;
  switch (key.kind) {
    case 'secret':
      return { algorithm: 'HS256', verifyKey: createSecretKey(Buffer.from(key.secret, 'utf8')), signKey: key.secret, createdFile: null };
    case 'public-key':
      return { algorithm: key.algorithm, verifyKey: createPublicKey(key.publicKeyPem), signKey: null, createdFile: null };
    case 'local-secret-file': {
      const { secret, createdFile } = localSecret(key.file);
      return { algorithm: 'HS256', verifyKey: createSecretKey(Buffer.from(secret, 'utf8')), signKey: secret, createdFile };
    }
    default: {
      const _never: never = key;
      throw new Error(`Unknown key kind ${JSON.stringify(_never)}`);
    }
  }
};

/** A random secret kept in `file` (owner-only), created on first use; `createdFile` is set when this call created it. */
export const localSecret = (file: string): { secret: string; createdFile: string | null } => {
  let createdFile: string | null = null;
  if (!existsSync(file) && createFileOnce(file, () => randomBytes(48).toString('base64url') + '\n')) createdFile = file;
  chmodSync(file, 0o600);
  return { secret: readFileSync(file, 'utf8').trim(), createdFile };
};
