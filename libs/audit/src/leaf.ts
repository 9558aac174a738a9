import { createHash } from 'node:crypto';
import { canonicalJson } from '@dgr/event-store';
import { hashLeaf } from './merkle';

/** What the tree commits to about one stored event: everything the store holds for it. */
export interface LeafEvent {
  readonly id: string;
  /** Global position, from 1; the event's leaf index in the tree is position − 1. */
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly previousHash: string | null;
  readonly hash: string;
}

/** The canonical texts of one event: what its hash covers, and its leaf data. Data and metadata are canonicalised once. */
const canonicalTexts = (e: LeafEvent): { hashed: string; leaf: string } => {
  const data = canonicalJson(e.data);
  const metadata = canonicalJson(e.metadata);
  const previousHash = canonicalJson(e.previousHash);
  const revision = canonicalJson(e.revision);
  const stream = canonicalJson(e.stream);
  const type = canonicalJson(e.type);
  // Members in JCS order: data, hash, id, metadata, position, previousHash, revision, stream, type.
  const tail = `"previousHash":${previousHash},"revision":${revision},"stream":${stream},"type":${type}}`;
  return {
    hashed: `{"data":${data},"metadata":${metadata},${tail}`,
    leaf: `{"data":${data},"hash":${canonicalJson(e.hash)},"id":${canonicalJson(e.id)},"metadata":${metadata},"position":${canonicalJson(e.position)},${tail}`,
  };
};

/**
 * The leaf data of an event: the UTF-8 bytes of the RFC 8785 canonical JSON of
 * `{id, position, stream, revision, type, data, metadata, previousHash, hash}` (members then sorted:
 * data, hash, id, metadata, position, previousHash, revision, stream, type). See docs/audit.md.
 */
export const leafData = (e: LeafEvent): Buffer => Buffer.from(canonicalTexts(e).leaf, 'utf8');

/**
 * Both at once: the event's hash recomputed from its content (as libs/event-store's eventHash does) and its leaf
 * data. Throws when the content cannot be canonicalised.
 */
export const hashAndLeafData = (e: LeafEvent): { recomputedHash: string; leafData: Buffer } => {
  const texts = canonicalTexts(e);
  return {
    recomputedHash: createHash('sha256').update(texts.hashed, 'utf8').digest('base64'),
    leafData: Buffer.from(texts.leaf, 'utf8'),
  };
};

/** The RFC 6962 leaf hash of an event: SHA-256(0x00 ‖ leafData(e)). */
export const eventLeafHash = (e: LeafEvent): Buffer => hashLeaf(leafData(e));

/** The tree's leaf index of the event at global position p. */
export const leafIndexOf = (position: number): number => position - 1;
