import { createPrivateKey } from 'node:crypto';
import { ConfigError } from './config-error';
import { dataFolderOf, pemOrFile, type Env } from './parse';

export interface AuditConfig {
  /**
   * The Ed25519 key checkpoints are signed with: `DGR_AUDIT_SIGNING_KEY` (a PKCS#8 PEM private key, or a path
   * to one), or else `audit-signing-key.pem` in the data folder, created on first start (owner-only).
   */
  readonly key: { readonly kind: 'pem'; readonly privateKeyPem: string } | { readonly kind: 'local-key-file'; readonly file: string };
  /** The checkpoints' origin line. `DGR_AUDIT_ORIGIN`, default `dgr`. */
  readonly origin: string;
}

/** The audit section: `DGR_AUDIT_ORIGIN`, `DGR_AUDIT_SIGNING_KEY`. */
export const auditSection = (env: Env, sqliteFile: string): AuditConfig => {
  const origin = env.DGR_AUDIT_ORIGIN?.trim() || 'dgr';
  if (!/^[^\s+]{1,255}$/u.test(origin) || /\p{Cc}/u.test(origin))
    throw new ConfigError('DGR_AUDIT_ORIGIN', `must be one line without spaces or "+" (e.g. dgr.regionvarmland.se/log), got "${env.DGR_AUDIT_ORIGIN}"`);
  const given = env.DGR_AUDIT_SIGNING_KEY?.trim();
  if (!given) return { key: { kind: 'local-key-file', file: `${dataFolderOf(sqliteFile)}/audit-signing-key.pem` }, origin };
  const pem = pemOrFile('DGR_AUDIT_SIGNING_KEY', given);
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch (e) {
    throw new ConfigError('DGR_AUDIT_SIGNING_KEY', `is not a PEM private key (PKCS#8): ${(e as Error).message}`);
  }
  if (type !== 'ed25519') throw new ConfigError('DGR_AUDIT_SIGNING_KEY', `must be an Ed25519 private key, got ${String(type)}`);
  return { key: { kind: 'pem', privateKeyPem: pem }, origin };
};
