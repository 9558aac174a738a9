import { createHash } from 'node:crypto';
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

/**
 * RFC 8785 canonical JSON, the same text as libs/event-store's canonicalJson (a property test holds them equal),
 * written for speed: the audit read model canonicalises every event at boot, a million of them on a large log.
 * Keys sort by UTF-16 code units (Array.prototype.sort's default order), undefined members are left out.
 */
export const fastCanonicalJson = (value: unknown): string => {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error('JCS cannot represent a non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + fastCanonicalJson(value[i]);
        return out + ']';
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = record[k];
        if (v === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(k) + ':' + fastCanonicalJson(v);
        first = false;
      }
      return out + '}';
    }
    default:
      throw new Error(`JCS cannot represent ${typeof value}`);
  }
};

/** The canonical texts of one event: what its hash covers, and its leaf data. Data and metadata are canonicalised once. */
const canonicalTexts = (e: LeafEvent): { hashed: string; leaf: string } => {
  const data = fastCanonicalJson(e.data);
  const metadata = fastCanonicalJson(e.metadata);
  const previousHash = fastCanonicalJson(e.previousHash);
  const revision = fastCanonicalJson(e.revision);
  const stream = fastCanonicalJson(e.stream);
  const type = fastCanonicalJson(e.type);
  // Members in JCS order: data, hash, id, metadata, position, previousHash, revision, stream, type.
  const tail = `"previousHash":${previousHash},"revision":${revision},"stream":${stream},"type":${type}}`;
  return {
    hashed: `{"data":${data},"metadata":${metadata},${tail}`,
    leaf: `{"data":${data},"hash":${fastCanonicalJson(e.hash)},"id":${fastCanonicalJson(e.id)},"metadata":${metadata},"position":${fastCanonicalJson(e.position)},${tail}`,
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
