import fc from 'fast-check';
import { FrontierMerkleLevels, MerkleLog, naiveRoot } from './merkle';

describe('a Merkle log that keeps only the last two hashes of each level (the re-check after a start)', () => {
  it('has the same leaf hashes and root as the whole tree after every leaf', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 1000 }), (n, seed) => {
        const full = new MerkleLog();
        const frontier = new MerkleLog(new FrontierMerkleLevels());
        const leaves: Buffer[] = [];
        for (let i = 0; i < n; i++) {
          const leaf = Buffer.from(`leaf ${seed} ${i}`);
          const h = frontier.appendData(leaf);
          expect(h.equals(full.appendData(leaf))).toBe(true);
          leaves.push(h);
          expect(frontier.size).toBe(full.size);
          expect(frontier.root().equals(full.root())).toBe(true);
        }
        expect(frontier.root().equals(naiveRoot(leaves))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses what needs hashes it did not keep (an earlier size, a proof), never answering wrong', () => {
    const frontier = new MerkleLog(new FrontierMerkleLevels());
    for (let i = 0; i < 5; i++) frontier.appendData(Buffer.from(`leaf ${i}`));
    expect(() => frontier.root(3)).toThrow(RangeError);
    expect(() => frontier.inclusionProof(0, 5)).toThrow(RangeError);
  });
});
