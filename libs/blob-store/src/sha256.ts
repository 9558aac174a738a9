import { createHash } from 'node:crypto';

/** Lowercase hex SHA-256 of the bytes. */
export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The RFC 9530 `Repr-Digest` value of a hex SHA-256: `sha-256=:<base64>:`. */
export const reprDigestOf = (hex: string): string => `sha-256=:${Buffer.from(hex, 'hex').toString('base64')}:`;
