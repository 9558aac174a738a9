import { createHash } from 'node:crypto';

/** The version of the idempotency records' payloads; the domain events' versions are in domain-events.ts (ADR 0011). */
export const SCHEMA_VERSION = 1;

/** A UUID-shaped id derived from a seed: the same command retried gets the same event ids. */
export const derivedEventId = (seed: string, index: number): string => {
  const h = createHash('sha256').update(`${seed}#${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
