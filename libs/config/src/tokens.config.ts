import { createPublicKey } from 'node:crypto';
import { ConfigError } from './config-error';
import { dataFolderOf, optional, pemOrFile, wholeNumber, type Env } from './parse';

export type JwtKeyConfig =
  /** HS256 with `DGR_JWT_SECRET`. */
  | { readonly kind: 'secret'; readonly secret: string }
  /** RS256 or ES256 with `DGR_JWT_PUBLIC_KEY` (the PEM itself or a path to it), for the region's identity provider. */
  | { readonly kind: 'public-key'; readonly publicKeyPem: string; readonly algorithm: 'RS256' | 'ES256' }
  /** Neither set: a secret in the data folder, created on first start (local use). */
  | { readonly kind: 'local-secret-file'; readonly file: string };

export interface AuthConfig {
  readonly key: JwtKeyConfig;
  /** Checked when set: `DGR_JWT_ISSUER`. */
  readonly issuer?: string;
  /** Checked when set: `DGR_JWT_AUDIENCE`. */
  readonly audience?: string;
  /**
   * The longest a token may live, `exp` counted from `iat`: `DGR_TOKEN_MAX_DAYS`, whole days from 1 to 366,
   * default 30. A longer token is refused, and `dgr token --days` signs none longer.
   */
  readonly maxTokenDays: number;
}

/** The tokens section: `DGR_JWT_SECRET` or `DGR_JWT_PUBLIC_KEY`, `DGR_JWT_ISSUER`, `DGR_JWT_AUDIENCE`, `DGR_TOKEN_MAX_DAYS`. */
export const tokensSection = (env: Env, sqliteFile: string): AuthConfig => ({
  key: jwtKey(env, sqliteFile),
  issuer: optional(env.DGR_JWT_ISSUER),
  audience: optional(env.DGR_JWT_AUDIENCE),
  maxTokenDays: wholeNumber(env, 'DGR_TOKEN_MAX_DAYS', { fallback: 30, min: 1, max: 366, what: 'a whole number of days from 1 to 366' }),
});

const jwtKey = (env: Env, sqliteFile: string): JwtKeyConfig => {
  const secret = env.DGR_JWT_SECRET;
  const publicKey = env.DGR_JWT_PUBLIC_KEY?.trim();
  if (secret !== undefined && publicKey)
    throw new ConfigError('DGR_JWT_SECRET', 'set either DGR_JWT_SECRET (HS256) or DGR_JWT_PUBLIC_KEY (RS256/ES256), not both');
  if (secret !== undefined) {
    if (secret.length < 32) throw new ConfigError('DGR_JWT_SECRET', 'must be at least 32 characters long');
    return { kind: 'secret', secret };
  }
  if (publicKey) {
    const pem = pemOrFile('DGR_JWT_PUBLIC_KEY', publicKey);
    let key;
    try {
      key = createPublicKey(pem);
    } catch (e) {
      throw new ConfigError('DGR_JWT_PUBLIC_KEY', `is not a PEM public key: ${(e as Error).message}`);
    }
    if (key.asymmetricKeyType === 'rsa') return { kind: 'public-key', publicKeyPem: pem, algorithm: 'RS256' };
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
      return { kind: 'public-key', publicKeyPem: pem, algorithm: 'ES256' };
    throw new ConfigError('DGR_JWT_PUBLIC_KEY', 'must be an RSA key (RS256) or an EC P-256 key (ES256)');
  }
  return { kind: 'local-secret-file', file: `${dataFolderOf(sqliteFile)}/jwt-secret` };
};
