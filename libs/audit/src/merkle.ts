import { createHash } from 'node:crypto';

/**
 * RFC 6962 / RFC 9162 Merkle trees over SHA-256:
 * - leaf hash `SHA-256(0x00 ‖ data)`, node hash `SHA-256(0x01 ‖ left ‖ right)`;
 * - a tree of n > 1 leaves splits at k, the largest power of two smaller than n: MTH(D[0:n]) =
 *   node(MTH(D[0:k]), MTH(D[k:n])); the empty tree's hash is SHA-256 of nothing.
 * Inclusion proofs are the RFC's PATH(m, D[n]), consistency proofs its PROOF(m, D[n]), both listed from the
 * bottom of the tree up. Sizes and indexes are plain numbers (safe integers); no 32-bit shifts are used.
 */

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export const sha256 = (...parts: readonly Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** The hash of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = sha256();

export const hashLeaf = (data: Uint8Array): Buffer => sha256(LEAF_PREFIX, data);

export const hashChildren = (left: Uint8Array, right: Uint8Array): Buffer => sha256(NODE_PREFIX, left, right);

/** The largest power of two strictly smaller than n (n ≥ 2). */
export const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** j when n = 2^j, otherwise -1. */
const exactLog2 = (n: number): number => {
  if (!Number.isSafeInteger(n) || n < 1) return -1;
  let j = 0;
  while (n % 2 === 0) {
    n /= 2;
    j += 1;
  }
  return n === 1 ? j : -1;
};

const isPowerOfTwo = (n: number): boolean => exactLog2(n) >= 0;

const isSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;

// ---------------------------------------------------------------------------------------------
// Verifiers (RFC 9162 §2.1.3.2 and §2.1.4.2), refusing malformed input rather than throwing.
// ---------------------------------------------------------------------------------------------

/**
 * Whether `proof` shows that `leafHash` is the leaf at `leafIdx` of the tree of `treeSize` leaves whose root is
 * `root`. Refuses leafIdx ≥ treeSize, hashes that are not 32 bytes, and proofs of the wrong length.
 */
export const verifyInclusion = (
  leafIdx: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[] | null | undefined,
  root: Uint8Array,
): boolean => {
  const path = proof ?? [];
  if (!isSize(leafIdx) || !isSize(treeSize) || leafIdx >= treeSize) return false;
  if (leafHash.length !== HASH_SIZE || root.length !== HASH_SIZE) return false;
  if (path.some((p) => p.length !== HASH_SIZE)) return false;
  let fn = leafIdx;
  let sn = treeSize - 1;
  let r: Uint8Array = leafHash;
  for (const p of path) {
    if (sn === 0) return false; // too long
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(r, root);
};

/**
 * Whether `proof` shows that the tree of `size2` leaves with root `root2` extends (appends to) the tree of
 * `size1` leaves with root `root1`. Equal sizes need an empty proof and equal roots (the empty tree's root when
 * both are 0); a proof from the empty tree to a larger one proves nothing and is refused, as is size1 > size2.
 */
export const verifyConsistency = (
  size1: number,
  size2: number,
  proof: readonly Uint8Array[] | null | undefined,
  root1: Uint8Array,
  root2: Uint8Array,
): boolean => {
  const path = proof ?? [];
  if (!isSize(size1) || !isSize(size2) || size2 < size1) return false;
  if (size1 === size2) {
    if (path.length > 0 || !equalBytes(root1, root2)) return false;
    return size1 > 0 || equalBytes(root1, EMPTY_ROOT);
  }
  if (size1 === 0 || path.length === 0) return false;
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE || path.some((p) => p.length !== HASH_SIZE)) return false;
  const nodes = isPowerOfTwo(size1) ? [root1, ...path] : [...path];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = nodes[0]!;
  let sr: Uint8Array = nodes[0]!;
  for (const c of nodes.slice(1)) {
    if (sn === 0) return false; // too long
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(fr, root1) && equalBytes(sr, root2);
};

// ---------------------------------------------------------------------------------------------
// Building: the reference recursion over any way of getting a subtree's hash.
// ---------------------------------------------------------------------------------------------

/** Hashes of ranges of leaves: `range(lo, hi)` is MTH(D[lo:hi]) for 0 ≤ lo < hi. */
export type RangeHasher = (lo: number, hi: number) => Buffer;

/** PATH(m, D[lo:hi]) of RFC 9162 §2.1.3.1, bottom-up. */
const inclusionPath = (range: RangeHasher, m: number, lo: number, hi: number, out: Buffer[]): void => {
  const n = hi - lo;
  if (n <= 1) return;
  const k = splitPoint(n);
  if (m < k) {
    inclusionPath(range, m, lo, lo + k, out);
    out.push(range(lo + k, hi));
  } else {
    inclusionPath(range, m - k, lo + k, hi, out);
    out.push(range(lo, lo + k));
  }
};

/** SUBPROOF(m, D[lo:hi], b) of RFC 9162 §2.1.4.1, bottom-up. */
const subproof = (range: RangeHasher, m: number, lo: number, hi: number, complete: boolean, out: Buffer[]): void => {
  const n = hi - lo;
  if (m === n) {
    if (!complete) out.push(range(lo, hi));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(range, m, lo, lo + k, complete, out);
    out.push(range(lo + k, hi));
  } else {
    subproof(range, m - k, lo + k, hi, false, out);
    out.push(range(lo, lo + k));
  }
};

export const inclusionProofOf = (range: RangeHasher, leafIdx: number, treeSize: number): Buffer[] => {
  if (!isSize(leafIdx) || !isSize(treeSize) || leafIdx >= treeSize) throw new RangeError(`leaf ${leafIdx} is not in a tree of ${treeSize}`);
  const out: Buffer[] = [];
  inclusionPath(range, leafIdx, 0, treeSize, out);
  return out;
};

export const consistencyProofOf = (range: RangeHasher, size1: number, size2: number): Buffer[] => {
  if (!isSize(size1) || !isSize(size2) || size1 > size2) throw new RangeError(`no consistency proof from ${size1} to ${size2}`);
  if (size1 === 0 || size1 === size2) return [];
  const out: Buffer[] = [];
  subproof(range, size1, 0, size2, true, out);
  return out;
};

/** The reference definition, straight from the RFC: MTH over an array of leaf hashes (O(n) per call). */
export const naiveRoot = (leafHashes: readonly Buffer[], lo = 0, hi = leafHashes.length): Buffer => {
  const n = hi - lo;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leafHashes[lo]!;
  const k = splitPoint(n);
  return hashChildren(naiveRoot(leafHashes, lo, lo + k), naiveRoot(leafHashes, lo + k, hi));
};

// ---------------------------------------------------------------------------------------------
// The live log: leaf hashes plus every complete perfect subtree, so that any earlier size's root and proofs
// cost O(log n) (roots) or O(log² n) (proofs) hashes, never O(n).
// ---------------------------------------------------------------------------------------------

/** Fixed-size hashes in one growable buffer (no object per hash: a million leaves cost 32 MB, not 100+). */
class HashColumn {
  private buf = Buffer.allocUnsafe(HASH_SIZE * 1024);
  length = 0;

  push(h: Uint8Array): void {
    if ((this.length + 1) * HASH_SIZE > this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.length * HASH_SIZE);
      this.buf = bigger;
    }
    this.buf.set(h, this.length * HASH_SIZE);
    this.length += 1;
  }

  /** A view (not a copy) of hash i; hashes are never overwritten, so a view stays valid. */
  get(i: number): Buffer {
    return this.buf.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }
}

/**
 * Where a MerkleLog keeps its hashes: level 0 the leaf hashes, level j the hash of every complete, aligned
 * subtree of 2^j leaves (node i of level j covers leaves [i·2^j, (i+1)·2^j)). Append-only: level j holds
 * exactly ⌊size / 2^j⌋ hashes. In memory (the default) or in the audit read model's tables.
 */
export interface MerkleLevels {
  /** How many hashes level `level` holds (0 for a level not reached yet). */
  count(level: number): number;
  /** Hash `index` of level `level` (index < count(level)); the caller does not keep or change it. */
  get(level: number, index: number): Buffer;
  /** Appends the next hash of level `level`. */
  push(level: number, hash: Uint8Array): void;
}

/** The levels in the JS heap: 32 bytes per leaf, 64 in all. */
export class MemoryMerkleLevels implements MerkleLevels {
  private readonly columns: HashColumn[] = [];

  count(level: number): number {
    return this.columns[level]?.length ?? 0;
  }

  get(level: number, index: number): Buffer {
    return this.columns[level]!.get(index);
  }

  push(level: number, hash: Uint8Array): void {
    while (this.columns.length <= level) this.columns.push(new HashColumn());
    this.columns[level]!.push(hash);
  }
}

/**
 * Only the last two hashes of each level, and how many each level holds: O(log n) bytes at any size. Enough to
 * append leaves (an append reads the left sibling of each node it completes: the hash before the last of its
 * level) and for the root of the whole tree as it stands (the complete subtrees of the size's binary digits are
 * each the last hash of their level), not for an earlier size's root or a proof. What the re-check after a start
 * uses: it recomputes every leaf of a long log in bounded memory.
 */
export class FrontierMerkleLevels implements MerkleLevels {
  private readonly counts: number[] = [];
  /** Per level, the hash before the last (index count − 2) and the last (count − 1). */
  private readonly tail: Array<[Buffer, Buffer]> = [];

  count(level: number): number {
    return this.counts[level] ?? 0;
  }

  get(level: number, index: number): Buffer {
    const back = this.count(level) - 1 - index;
    if (back !== 0 && back !== 1) throw new RangeError(`only the last two hashes of level ${level} are kept, not hash ${index}`);
    return this.tail[level]![1 - back]!;
  }

  push(level: number, hash: Uint8Array): void {
    while (this.counts.length <= level) {
      this.counts.push(0);
      this.tail.push([Buffer.alloc(HASH_SIZE), Buffer.alloc(HASH_SIZE)]);
    }
    const pair = this.tail[level]!;
    // The old last becomes the one before it; its buffer is reused for the new hash (no allocation per leaf).
    const reused = pair[0];
    pair[0] = pair[1];
    pair[1] = reused;
    reused.set(hash);
    this.counts[level] = this.count(level) + 1;
  }
}

/**
 * An append-only Merkle tree. Level 0 holds the leaf hashes; level j holds the hash of every complete,
 * aligned subtree of 2^j leaves, added as soon as its last leaf arrives (one hash per leaf on average).
 * Every root and proof is computed from O(log n) of these (RFC 9162 splits at powers of two), so the levels
 * may live outside the heap (MerkleLevels).
 */
export class MerkleLog {
  constructor(private readonly levels: MerkleLevels = new MemoryMerkleLevels()) {}

  get size(): number {
    return this.levels.count(0);
  }

  /** Appends a leaf by its data; returns its leaf hash. */
  appendData(data: Uint8Array): Buffer {
    const h = hashLeaf(data);
    this.appendLeafHash(h);
    return h;
  }

  appendLeafHash(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_SIZE) throw new RangeError('a leaf hash has 32 bytes');
    let level = 0;
    let index = this.levels.count(0);
    let hash: Uint8Array = leafHash;
    this.levels.push(0, hash);
    while (index % 2 === 1) {
      hash = hashChildren(this.levels.get(level, index - 1), hash);
      level += 1;
      index = Math.floor(index / 2);
      this.levels.push(level, hash);
    }
  }

  leafHash(index: number): Buffer {
    if (!isSize(index) || index >= this.size) throw new RangeError(`no leaf ${index} in a tree of ${this.size}`);
    return Buffer.from(this.levels.get(0, index));
  }

  /** MTH(D[lo:hi]) for 0 ≤ lo < hi ≤ size, where [lo, hi) is a subtree the RFC recursion meets. */
  readonly rangeHash: RangeHasher = (lo, hi) => {
    const n = hi - lo;
    if (n === 1) return this.levels.get(0, lo);
    const level = exactLog2(n);
    if (level >= 0 && lo % n === 0) return this.levels.get(level, lo / n);
    const k = splitPoint(n);
    return hashChildren(this.rangeHash(lo, lo + k), this.rangeHash(lo + k, hi));
  };

  /** The root of the tree of the first `size` leaves (default: all). */
  root(size = this.size): Buffer {
    this.checkSize(size, 'size');
    return size === 0 ? Buffer.from(EMPTY_ROOT) : Buffer.from(this.rangeHash(0, size));
  }

  inclusionProof(leafIdx: number, treeSize = this.size): Buffer[] {
    this.checkSize(treeSize, 'treeSize');
    return inclusionProofOf(this.rangeHash, leafIdx, treeSize).map((h) => Buffer.from(h));
  }

  consistencyProof(size1: number, size2 = this.size): Buffer[] {
    this.checkSize(size2, 'size2');
    return consistencyProofOf(this.rangeHash, size1, size2).map((h) => Buffer.from(h));
  }

  private checkSize(size: number, name: string): void {
    if (!isSize(size) || size > this.size) throw new RangeError(`${name} ${size} is beyond the tree's ${this.size} leaves`);
  }
}
