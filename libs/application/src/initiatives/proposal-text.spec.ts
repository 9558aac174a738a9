import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { basisOf, type DecisionBasis } from '@dgr/domain';
import { canonicalJson } from '@dgr/event-store';
import { textHashOf } from './proposal-text';

/** What textHashOf computed before it remembered its answers: the oracle. */
const direct = (basis: DecisionBasis): string => createHash('sha256').update(canonicalJson(basisOf(basis))).digest('base64url');

const text = fc.string({ maxLength: 12 });
const basis: fc.Arbitrary<DecisionBasis> = fc.record({
  title: text,
  summary: text,
  requestedAmountOre: fc.integer({ min: 0, max: 10 ** 12 }),
  strategyLinks: fc.array(fc.record({ area: text, goal: text }), { maxLength: 2 }),
  coFinancing: fc.array(fc.record({ source: text, amountOre: fc.integer({ min: 0, max: 10 ** 9 }) }), { maxLength: 2 }),
  decisionDeadline: fc.constantFrom('2024-12-31', '2025-06-30'),
}) as fc.Arbitrary<DecisionBasis>;

describe('textHashOf (memoised by the basis’ JSON)', () => {
  it('answers as the canonical form’s SHA-256, asked once or again, for bases that differ in any field', () => {
    fc.assert(
      fc.property(basis, basis, (a, b) => {
        expect(textHashOf(a)).toBe(direct(a));
        expect(textHashOf(b)).toBe(direct(b));
        expect(textHashOf(a)).toBe(direct(a));
        // The same basis with its fields in another order, and with more fields than a basis has: the same hash.
        const reordered = { decisionDeadline: a.decisionDeadline, coFinancing: a.coFinancing, strategyLinks: a.strategyLinks, requestedAmountOre: a.requestedAmountOre, summary: a.summary, title: a.title };
        expect(textHashOf({ ...reordered, id: 'x' } as DecisionBasis)).toBe(direct(a));
      }),
      { numRuns: 2_000 },
    );
  });
});
