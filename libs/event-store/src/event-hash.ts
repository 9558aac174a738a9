import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** What an event's hash covers: everything stored about it, and its stream predecessor's hash. */
export interface HashedContent {
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  /** The hash of the stream's previous event (revision − 1); null for revision 0. */
  readonly previousHash: string | null;
}

/**
 * An event's hash: base64 of SHA-256 over the RFC 8785 canonical JSON of
 * `{data, metadata, previousHash, revision, stream, type}`. Chained per stream through `previousHash`,
 * so changing, removing or reordering any event of a stream changes every later hash of that stream.
 * Computed by every adapter at append time.
 */
export const eventHash = (e: HashedContent): string =>
  createHash('sha256')
    .update(
      canonicalJson({
        stream: e.stream,
        revision: e.revision,
        type: e.type,
        data: e.data,
        metadata: e.metadata,
        previousHash: e.previousHash,
      }),
      'utf8',
    )
    .digest('base64');
