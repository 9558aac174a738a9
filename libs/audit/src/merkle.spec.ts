import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  EMPTY_ROOT,
  MerkleLog,
  consistencyProofOf,
  hashLeaf,
  inclusionProofOf,
  naiveRoot,
  verifyConsistency,
  verifyInclusion,
  type RangeHasher,
} from './merkle';

/** transparency-dev/merkle's testdata, read in place beside the repository (never copied into it). */
const VECTORS = path.resolve(__dirname, '../../../../shared/test-vectors/rfc6962');

const jsonFilesUnder = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? jsonFilesUnder(path.join(dir, d.name)) : d.name.endsWith('.json') ? [path.join(dir, d.name)] : []))
    .sort();

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
const proofOf = (p: string[] | null): Buffer[] => (p ?? []).map(b64);

interface InclusionCase { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; desc: string; wantErr: boolean }
interface ConsistencyCase { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; desc: string; wantErr: boolean }

const load = <T>(kind: 'inclusion' | 'consistency'): Array<[string, T]> => {
  if (!fs.existsSync(VECTORS))
    throw new Error(`The RFC 6962 test vectors are missing: expected them at ${VECTORS} (the shared/ folder beside the repository).`);
  return jsonFilesUnder(path.join(VECTORS, kind)).map((f) => [path.relative(VECTORS, f), JSON.parse(fs.readFileSync(f, 'utf8')) as T]);
};

describe('RFC 6962 vectors of transparency-dev/merkle', () => {
  const inclusion = load<InclusionCase>('inclusion');
  const consistency = load<ConsistencyCase>('consistency');

  it('are all there: 184 cases, 12 of them to accept', () => {
    expect(inclusion.length + consistency.length).toBe(184);
    expect([...inclusion, ...consistency].filter(([, c]) => !c.wantErr)).toHaveLength(12);
  });

  it.each(inclusion)('inclusion %s', (_file, c) => {
    expect(verifyInclusion(c.leafIdx, c.treeSize, b64(c.leafHash), proofOf(c.proof), b64(c.root))).toBe(!c.wantErr);
  });

  it.each(consistency)('consistency %s', (_file, c) => {
    expect(verifyConsistency(c.size1, c.size2, proofOf(c.proof), b64(c.root1), b64(c.root2))).toBe(!c.wantErr);
  });
});

/** The reference tree of transparency-dev's tests: eight leaves, and the roots of each prefix. */
const REFERENCE_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const REFERENCE_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const logOf = (n: number, seed = 0): MerkleLog => {
  const log = new MerkleLog();
  for (let i = 0; i < n; i++) log.appendData(Buffer.from(`leaf ${seed} ${i}`));
  return log;
};

const naiveRange =
  (leaves: readonly Buffer[]): RangeHasher =>
  (lo, hi) =>
    naiveRoot(leaves, lo, hi);

const leavesOf = (log: MerkleLog): Buffer[] => Array.from({ length: log.size }, (_, i) => log.leafHash(i));

describe('the Merkle log', () => {
  it('has the reference roots of the eight-leaf tree, and the empty root for no leaves', () => {
    const log = new MerkleLog();
    expect(log.root().toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(log.root().equals(EMPTY_ROOT)).toBe(true);
    REFERENCE_LEAVES.forEach((leaf) => log.appendData(leaf));
    expect(REFERENCE_ROOTS.map((_, i) => log.root(i + 1).toString('hex'))).toEqual(REFERENCE_ROOTS);
  });

  it('answers the vectors’ proofs for the reference tree', () => {
    const log = new MerkleLog();
    REFERENCE_LEAVES.forEach((leaf) => log.appendData(leaf));
    const happy = load<InclusionCase>('inclusion').filter(([, c]) => !c.wantErr && c.treeSize === 8);
    for (const [, c] of happy) expect(log.inclusionProof(c.leafIdx, c.treeSize).map((h) => h.toString('base64'))).toEqual(c.proof ?? []);
    const consistent = load<ConsistencyCase>('consistency').filter(([, c]) => !c.wantErr && c.size2 <= 8 && c.size1 > 0);
    for (const [, c] of consistent) expect(log.consistencyProof(c.size1, c.size2).map((h) => h.toString('base64'))).toEqual(c.proof ?? []);
  });

  it('refuses sizes beyond its leaves and indexes beyond the tree', () => {
    const log = logOf(5);
    expect(() => log.root(6)).toThrow(RangeError);
    expect(() => log.inclusionProof(5, 5)).toThrow(RangeError);
    expect(() => log.inclusionProof(0, 6)).toThrow(RangeError);
    expect(() => log.consistencyProof(3, 6)).toThrow(RangeError);
    expect(() => log.consistencyProof(4, 3)).toThrow(RangeError);
    expect(() => log.appendLeafHash(Buffer.alloc(31))).toThrow(RangeError);
  });

  it('a root of every size equals the naive recursive root of that prefix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 1000 }), (n, seed) => {
        const log = logOf(n, seed);
        const leaves = leavesOf(log);
        for (let m = 0; m <= n; m++) expect(log.root(m).equals(naiveRoot(leaves.slice(0, m)))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('generated inclusion proofs verify, equal the naive ones, and fail for another leaf, index, proof or root', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 1, max: size }))).chain(([size, treeSize]) =>
          fc.tuple(fc.constant(size), fc.constant(treeSize), fc.integer({ min: 0, max: treeSize - 1 })),
        ),
        ([size, treeSize, leafIdx]) => {
          const log = logOf(size);
          const proof = log.inclusionProof(leafIdx, treeSize);
          const root = log.root(treeSize);
          const leaf = log.leafHash(leafIdx);
          expect(verifyInclusion(leafIdx, treeSize, leaf, proof, root)).toBe(true);
          expect(proof).toEqual(inclusionProofOf(naiveRange(leavesOf(log)), leafIdx, treeSize));
          expect(verifyInclusion(leafIdx, treeSize, hashLeaf(Buffer.from('other')), proof, root)).toBe(false);
          if (treeSize > 1) expect(verifyInclusion((leafIdx + 1) % treeSize, treeSize, leaf, proof, root)).toBe(false);
          expect(verifyInclusion(leafIdx, treeSize, leaf, [...proof, root], root)).toBe(false);
          if (proof.length > 0) {
            expect(verifyInclusion(leafIdx, treeSize, leaf, proof.slice(1), root)).toBe(false);
            const flipped = proof.map((h) => Buffer.from(h));
            flipped[leafIdx % proof.length]![7] ^= 1;
            expect(verifyInclusion(leafIdx, treeSize, leaf, flipped, root)).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('generated consistency proofs verify, equal the naive ones, and fail for other roots or proofs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }).chain((size2) => fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2))),
        fc.integer({ min: 0, max: 50 }),
        ([size1, size2], extra) => {
          const log = logOf(size2 + extra);
          const proof = log.consistencyProof(size1, size2);
          const root1 = log.root(size1);
          const root2 = log.root(size2);
          expect(verifyConsistency(size1, size2, proof, root1, root2)).toBe(true);
          expect(proof).toEqual(consistencyProofOf(naiveRange(leavesOf(log)), size1, size2));
          if (size1 === size2) return;
          expect(verifyConsistency(size1, size2, proof, root2, root1)).toBe(false);
          expect(verifyConsistency(size1, size2, proof, logOf(size1, 1).root(), root2)).toBe(false);
          expect(verifyConsistency(size1, size2, proof, root1, logOf(size2, 1).root())).toBe(false);
          expect(verifyConsistency(size1, size2, proof.slice(0, -1), root1, root2)).toBe(false);
          expect(verifyConsistency(size1, size2, [...proof, root2], root1, root2)).toBe(false);
          const flipped = proof.map((h) => Buffer.from(h));
          flipped[size1 % proof.length]![0] ^= 16;
          expect(verifyConsistency(size1, size2, flipped, root1, root2)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('needs equal roots and an empty proof for equal sizes; proves nothing from the empty tree', () => {
    const log = logOf(3);
    expect(verifyConsistency(3, 3, [], log.root(), log.root())).toBe(true);
    expect(verifyConsistency(3, 3, [log.root()], log.root(), log.root())).toBe(false);
    expect(verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toBe(true);
    expect(verifyConsistency(0, 3, [], EMPTY_ROOT, log.root())).toBe(false);
    expect(verifyConsistency(3, 2, [], log.root(), log.root(2))).toBe(false);
  });

  // How fast these proofs are is measured by `npm run bench` (target 3), not here.
  it('keeps a million leaves and answers proofs at any earlier size', () => {
    const log = new MerkleLog();
    const leaf = Buffer.alloc(32);
    for (let i = 0; i < 1_000_000; i++) {
      leaf.writeUInt32BE(i, 0);
      log.appendLeafHash(leaf);
    }
    for (const size of [1_000_000, 999_999, 654_321, 1]) {
      const root = log.root(size);
      const idx = size - 1;
      expect(verifyInclusion(idx, size, log.leafHash(idx), log.inclusionProof(idx, size), root)).toBe(true);
      expect(verifyConsistency(size, 1_000_000, log.consistencyProof(size, 1_000_000), root, log.root())).toBe(true);
    }
  });
});
