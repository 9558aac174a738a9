import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { verifyCheckpointSignature } from '@dgr/audit';
import { ConfigError } from './config-error';
import { loadConfig } from './config';
import { checkpointPublicKey, resolveAuditSigner } from './audit-key';

const ed25519Pem = (): string => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const configError = (f: () => unknown): ConfigError => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('no ConfigError');
};

describe('the checkpoint signing key', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-audit-key-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes DGR_AUDIT_SIGNING_KEY as PEM or as a path, and DGR_AUDIT_ORIGIN', () => {
    const pem = ed25519Pem();
    const file = path.join(dir, 'given.pem');
    fs.writeFileSync(file, pem);
    expect(loadConfig({ DGR_AUDIT_SIGNING_KEY: pem, DGR_AUDIT_ORIGIN: 'dgr.regionvarmland.se/log' }).audit).toEqual({
      key: { kind: 'pem', privateKeyPem: pem.trim() },
      origin: 'dgr.regionvarmland.se/log',
    });
    expect(loadConfig({ DGR_AUDIT_SIGNING_KEY: file }).audit).toEqual({ key: { kind: 'pem', privateKeyPem: pem }, origin: 'dgr' });
  });

  it('refuses a key that is not an Ed25519 private key, a missing file and a bad origin, naming the variable', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicOnly = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const value of ['-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----\n', rsa, publicOnly, path.join(dir, 'missing.pem')])
      expect(configError(() => loadConfig({ DGR_AUDIT_SIGNING_KEY: value })).variable).toBe('DGR_AUDIT_SIGNING_KEY');
    for (const origin of ['dgr log', 'dgr+log', 'a\nb'])
      expect(configError(() => loadConfig({ DGR_AUDIT_ORIGIN: origin })).variable).toBe('DGR_AUDIT_ORIGIN');
  });

  it('creates an owner-only key in the data folder on first start, and reuses it', () => {
    const config = loadConfig({ DGR_SQLITE_FILE: path.join(dir, 'data', 'dgr.sqlite') });
    expect(config.audit.key).toEqual({ kind: 'local-key-file', file: path.join(dir, 'data', 'audit-signing-key.pem') });
    expect(configError(() => resolveAuditSigner(config.audit)).message).toMatch(/no checkpoint key/);
    const first = resolveAuditSigner(config.audit, { create: true });
    expect(first.createdFile).toBe(path.join(dir, 'data', 'audit-signing-key.pem'));
    expect(fs.statSync(first.createdFile!).mode & 0o777).toBe(0o600);
    const second = resolveAuditSigner(config.audit, { create: true });
    expect(second.createdFile).toBeNull();
    expect(second.signer.publicKeyPem).toBe(first.signer.publicKeyPem);
    const cp = second.signer.sign(3, Buffer.alloc(32).toString('base64'), null);
    expect(verifyCheckpointSignature(cp, checkpointPublicKey(config.audit))).toBe(true);
    const pubFile = path.join(dir, 'public.pem');
    fs.writeFileSync(pubFile, first.signer.publicKeyPem);
    expect(verifyCheckpointSignature(cp, checkpointPublicKey(config.audit, pubFile))).toBe(true);
  });

  it('refuses a damaged key file in the data folder', () => {
    const config = loadConfig({ DGR_SQLITE_FILE: path.join(dir, 'broken', 'dgr.sqlite') });
    fs.mkdirSync(path.join(dir, 'broken'));
    fs.writeFileSync(path.join(dir, 'broken', 'audit-signing-key.pem'), 'not a key');
    expect(configError(() => resolveAuditSigner(config.audit, { create: true })).variable).toBe('DGR_AUDIT_SIGNING_KEY');
  });
});
