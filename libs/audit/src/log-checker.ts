import { hashAndLeafData, type LeafEvent } from './leaf';
import { MerkleLog } from './merkle';

/** The first thing found wrong with a log: which event, and what. */
export interface Mismatch {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly problem: string;
}

export const describeMismatch = (m: Mismatch): string =>
  `event at position ${m.position} (stream ${m.stream}, revision ${m.revision}): ${m.problem}`;

/**
 * Takes a log's events in global order and checks each as it comes: positions 1, 2, 3… without gaps,
 * revisions 0, 1, 2… per stream, each `previousHash` equal to the stream predecessor's hash, and each hash
 * equal to the one recomputed from the event's content. Every event also becomes the next leaf of the tree,
 * checked or not, so that the tree is always the tree of what is stored.
 */
export class LogChecker {
  readonly tree = new MerkleLog();
  private readonly heads = new Map<string, { revision: number; hash: string }>();
  private first: Mismatch | null = null;

  /** The first mismatch found so far, or null. */
  get firstMismatch(): Mismatch | null {
    return this.first;
  }

  get size(): number {
    return this.tree.size;
  }

  /** Checks the event and adds its leaf; returns what is wrong with it, or null. */
  add(e: LeafEvent): Mismatch | null {
    let computed: { recomputedHash: string; leafData: Buffer } | null = null;
    let problem: string | null;
    try {
      computed = hashAndLeafData(e);
      problem = this.problemOf(e, computed.recomputedHash);
    } catch (error) {
      problem = `its content cannot be canonicalised: ${(error as Error).message}`;
    }
    this.heads.set(e.stream, { revision: e.revision, hash: e.hash });
    // An event that cannot be canonicalised still takes its place in the tree, as whatever it is.
    this.tree.appendData(computed ? computed.leafData : Buffer.from(String(JSON.stringify(e)), 'utf8'));
    if (!problem) return null;
    const mismatch = { position: e.position, stream: e.stream, revision: e.revision, problem };
    this.first ??= mismatch;
    return mismatch;
  }

  private problemOf(e: LeafEvent, recomputed: string): string | null {
    const expectedPosition = this.tree.size + 1;
    if (e.position !== expectedPosition)
      return e.position > expectedPosition
        ? `expected position ${expectedPosition} next: ${e.position - expectedPosition} event(s) missing before it`
        : `expected position ${expectedPosition} next: the log is out of order`;
    if (!e.hash) return 'the event has no hash';
    const head = this.heads.get(e.stream);
    const expectedRevision = head ? head.revision + 1 : 0;
    if (e.revision !== expectedRevision)
      return `expected revision ${expectedRevision} of the stream: ${e.revision > expectedRevision ? 'an event of the stream is missing before it' : 'the stream is out of order'}`;
    const expectedPrevious = head ? head.hash : null;
    if (e.previousHash !== expectedPrevious)
      return head
        ? `previousHash ${String(e.previousHash)} is not the hash of revision ${head.revision} (${head.hash}): the chain is broken`
        : `previousHash must be null for revision 0, found ${String(e.previousHash)}`;
    if (recomputed !== e.hash) return `stored hash ${e.hash} does not match its content (recomputed ${recomputed})`;
    return null;
  }
}

