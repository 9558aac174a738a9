import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { CheckpointSigner } from '@dgr/audit';
import type { AuditConfig } from './audit.config';
import { ConfigError } from './config-error';
import { createFileOnce } from './key-file';

/** A problem with the configured or local checkpoint key, named after the variable that sets it. */
const keyError = (message: string): ConfigError => new ConfigError('DGR_AUDIT_SIGNING_KEY', message);

const readEd25519 = (pem: string, where: string): KeyObject => {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw keyError(`${where} is not a PEM private key: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw keyError(`${where} is not an Ed25519 key (${String(key.asymmetricKeyType)})`);
  return key;
};

/**
 * The key checkpoints are signed with. Without DGR_AUDIT_SIGNING_KEY, an Ed25519 key is kept in the data folder
 * (`audit-signing-key.pem`, readable only by its owner), created on first use when `create` is true, and shared by
 * the service and `dgr verify`. Keep it as carefully as the log: whoever holds it can sign checkpoints.
 */
export const resolveAuditSigner = (audit: AuditConfig, options: { create?: boolean } = {}): { signer: CheckpointSigner; createdFile: string | null } => {
  const { key } = audit;
  if (key.kind === 'pem') return { signer: new CheckpointSigner(readEd25519(key.privateKeyPem, 'DGR_AUDIT_SIGNING_KEY'), audit.origin), createdFile: null };
  let createdFile: string | null = null;
  if (!existsSync(key.file)) {
    if (!options.create)
      throw keyError(`no checkpoint key: neither DGR_AUDIT_SIGNING_KEY nor ${key.file} (the service creates it on its first start)`);
    let created: boolean;
    try {
      created = createFileOnce(key.file, () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    } catch (e) {
      throw keyError(`cannot create the checkpoint key ${key.file}: ${(e as Error).message}`);
    }
    if (created) createdFile = key.file;
  }
  chmodSync(key.file, 0o600);
  return { signer: new CheckpointSigner(readEd25519(readFileSync(key.file, 'utf8'), key.file), audit.origin), createdFile };
};

/** The public key checkpoints are checked with: from a PEM file (public or private), or else the configured key. */
export const checkpointPublicKey = (audit: AuditConfig, publicKeyFile?: string): KeyObject => {
  if (publicKeyFile === undefined) return resolveAuditSigner(audit).signer.publicKey;
  let pem: string;
  try {
    pem = readFileSync(publicKeyFile, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the public key ${publicKeyFile}: ${(e as Error).message}`);
  }
  try {
    const key = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an Ed25519 key is needed, got ${String(key.asymmetricKeyType)}`);
    return key;
  } catch (e) {
    throw new Error(`${publicKeyFile} is not an Ed25519 PEM key: ${(e as Error).message}`);
  }
};
