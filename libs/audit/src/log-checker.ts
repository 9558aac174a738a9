import { hashAndLeafData, type LeafEvent } from './leaf';
import { MerkleLog, type MerkleLevels } from './merkle';

/** What is wrong with one event, as data: `describeMismatch` says it in English (dgr verify), `describeMismatchInSwedish` in Swedish (the API). */
export type MismatchReason =
  /** Positions jump: events are missing before this one. */
  | { readonly kind: 'position-gap'; readonly expected: number }
  /** A position at or below one already seen. */
  | { readonly kind: 'position-order'; readonly expected: number }
  | { readonly kind: 'no-hash' }
  /** Revisions jump: an event of the stream is missing before this one. */
  | { readonly kind: 'revision-gap'; readonly expected: number }
  | { readonly kind: 'revision-order'; readonly expected: number }
  /** `previousHash` is not the stream predecessor's hash. */
  | { readonly kind: 'chain-broken'; readonly previousHash: string | null; readonly predecessorRevision: number; readonly predecessorHash: string }
  /** Revision 0 with a `previousHash`. */
  | { readonly kind: 'chain-start'; readonly previousHash: string | null }
  /** The stored hash is not the one recomputed from the event's content. */
  | { readonly kind: 'hash'; readonly stored: string; readonly recomputed: string }
  | { readonly kind: 'not-canonical'; readonly error: string }
  /** The stored event cannot be read as an event at all (what is wrong, in the reader's words). */
  | { readonly kind: 'unreadable'; readonly detail: string };

/** The first thing found wrong with a log: which event, and what. */
export interface Mismatch {
  readonly position: number;
  /** Null when the event could not be read at all (its stream and revision are unknown). */
  readonly stream: string | null;
  readonly revision: number | null;
  readonly reason: MismatchReason;
}

/** What is wrong, in English (the words of `dgr verify`). */
export const mismatchProblem = (m: Mismatch): string => {
  const r = m.reason;
  switch (r.kind) {
    case 'position-gap':
      return `expected position ${r.expected} next: ${m.position - r.expected} event(s) missing before it`;
    case 'position-order':
      return `expected position ${r.expected} next: the log is out of order`;
    case 'no-hash':
      return 'the event has no hash';
    case 'revision-gap':
      return `expected revision ${r.expected} of the stream: an event of the stream is missing before it`;
    case 'revision-order':
      return `expected revision ${r.expected} of the stream: the stream is out of order`;
    case 'chain-broken':
      return `previousHash ${String(r.previousHash)} is not the hash of revision ${r.predecessorRevision} (${r.predecessorHash}): the chain is broken`;
    case 'chain-start':
      return `previousHash must be null for revision 0, found ${String(r.previousHash)}`;
    case 'hash':
      return `stored hash ${r.stored} does not match its content (recomputed ${r.recomputed})`;
    case 'not-canonical':
      return `its content cannot be canonicalised: ${r.error}`;
    case 'unreadable':
      return r.detail;
  }
};

/** What is wrong, in Swedish, for the auditors' page. */
export const mismatchProblemInSwedish = (m: Mismatch): string => {
  const r = m.reason;
  switch (r.kind) {
    case 'position-gap':
      return `position ${r.expected} väntades härnäst: ${m.position - r.expected} händelse(r) saknas före den`;
    case 'position-order':
      return `position ${r.expected} väntades härnäst: loggen är i fel ordning`;
    case 'no-hash':
      return 'händelsen saknar hash';
    case 'revision-gap':
      return `revision ${r.expected} av strömmen väntades: en händelse i strömmen saknas före den`;
    case 'revision-order':
      return `revision ${r.expected} av strömmen väntades: strömmen är i fel ordning`;
    case 'chain-broken':
      return `previousHash ${String(r.previousHash)} är inte hashen för revision ${r.predecessorRevision} (${r.predecessorHash}): kedjan är bruten`;
    case 'chain-start':
      return `previousHash ska vara null för revision 0 men är ${String(r.previousHash)}`;
    case 'hash':
      return `den lagrade hashen ${r.stored} stämmer inte med innehållet (omräknad: ${r.recomputed}): händelsen eller dess hash har ändrats`;
    case 'not-canonical':
      return `innehållet kan inte skrivas som kanonisk JSON: ${r.error}`;
    case 'unreadable':
      return `händelsen kan inte läsas ur lagret: ${r.detail}`;
  }
};

export const describeMismatch = (m: Mismatch): string =>
  m.stream === null
    ? `event at position ${m.position}: ${mismatchProblem(m)}`
    : `event at position ${m.position} (stream ${m.stream}, revision ${m.revision}): ${mismatchProblem(m)}`;

export const describeMismatchInSwedish = (m: Mismatch): string =>
  m.stream === null
    ? `Händelsen på position ${m.position}: ${mismatchProblemInSwedish(m)}`
    : `Händelsen på position ${m.position} (ström ${m.stream}, revision ${m.revision}): ${mismatchProblemInSwedish(m)}`;

/** The last event seen of a stream: what its next event must follow. */
export interface StreamHead {
  readonly revision: number;
  readonly hash: string;
}

/** Where a LogChecker keeps each stream's head: a Map (the default), or the audit read model's table. */
export interface StreamHeads {
  get(stream: string): StreamHead | undefined;
  set(stream: string, head: StreamHead): unknown;
}

/** An event's hash recomputed from its content (`hashAndLeafData`) and its leaf hash (`hashLeaf` of its leaf data). */
export interface PrecomputedLeaf {
  readonly recomputedHash: string;
  readonly leafHash: Uint8Array;
}

/** Where a LogChecker resumes: a tree and heads kept elsewhere, and the first mismatch they found. */
export interface LogCheckerState {
  readonly levels?: MerkleLevels;
  readonly heads?: StreamHeads;
  readonly firstMismatch?: Mismatch | null;
}

/**
 * Takes a log's events in global order and checks each as it comes: positions 1, 2, 3… without gaps,
 * revisions 0, 1, 2… per stream, each `previousHash` equal to the stream predecessor's hash, and each hash
 * equal to the one recomputed from the event's content. Every event also becomes the next leaf of the tree,
 * checked or not, so that the tree is always the tree of what is stored. By default everything is in the heap;
 * given a `state`, it continues a check whose tree and heads are kept elsewhere (the audit read model).
 */
export class LogChecker {
  readonly tree: MerkleLog;
  private readonly heads: StreamHeads;
  private first: Mismatch | null;

  constructor(state: LogCheckerState = {}) {
    this.tree = new MerkleLog(state.levels);
    this.heads = state.heads ?? new Map<string, StreamHead>();
    this.first = state.firstMismatch ?? null;
  }

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
    let reason: MismatchReason | null;
    try {
      computed = hashAndLeafData(e);
      reason = this.reasonOf(e, computed.recomputedHash);
    } catch (error) {
      reason = { kind: 'not-canonical', error: (error as Error).message };
    }
    this.heads.set(e.stream, { revision: e.revision, hash: e.hash });
    // An event that cannot be canonicalised still takes its place in the tree, as whatever it is.
    this.tree.appendData(computed ? computed.leafData : Buffer.from(String(JSON.stringify(e)), 'utf8'));
    return this.found(e, reason);
  }

  /**
   * As `add`, with the event's recomputed hash and leaf hash computed elsewhere from the same stored event (the
   * audit read model's leaf thread): the same checks, the same leaf, the same answer.
   */
  addHashed(e: LeafEvent, hashed: PrecomputedLeaf): Mismatch | null {
    const reason = this.reasonOf(e, hashed.recomputedHash);
    this.heads.set(e.stream, { revision: e.revision, hash: e.hash });
    this.tree.appendLeafHash(hashed.leafHash);
    return this.found(e, reason);
  }

  private found(e: LeafEvent, reason: MismatchReason | null): Mismatch | null {
    if (!reason) return null;
    const mismatch: Mismatch = { position: e.position, stream: e.stream, revision: e.revision, reason };
    this.first ??= mismatch;
    return mismatch;
  }

  private reasonOf(e: LeafEvent, recomputed: string): MismatchReason | null {
    const expectedPosition = this.tree.size + 1;
    if (e.position !== expectedPosition)
      return { kind: e.position > expectedPosition ? 'position-gap' : 'position-order', expected: expectedPosition };
    if (!e.hash) return { kind: 'no-hash' };
    const head = this.heads.get(e.stream);
    const expectedRevision = head ? head.revision + 1 : 0;
    if (e.revision !== expectedRevision) return { kind: e.revision > expectedRevision ? 'revision-gap' : 'revision-order', expected: expectedRevision };
    const expectedPrevious = head ? head.hash : null;
    if (e.previousHash !== expectedPrevious)
      return head
        ? { kind: 'chain-broken', previousHash: e.previousHash, predecessorRevision: head.revision, predecessorHash: head.hash }
        : { kind: 'chain-start', previousHash: e.previousHash };
    if (recomputed !== e.hash) return { kind: 'hash', stored: e.hash, recomputed };
    return null;
  }
}
