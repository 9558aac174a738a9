import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { canonicalJson, eventHash } from '@dgr/event-store';
import { eventLeafHash, hashAndLeafData, leafData, leafIndexOf, type LeafEvent } from './leaf';

const event = fc.record({
  id: fc.string(),
  position: fc.integer({ min: 1, max: 2 ** 40 }),
  stream: fc.string(),
  revision: fc.nat(),
  type: fc.string(),
  data: fc.jsonValue(),
  metadata: fc.jsonValue(),
  previousHash: fc.option(fc.base64String({ minLength: 44, maxLength: 44 }), { nil: null }),
  hash: fc.base64String({ minLength: 44, maxLength: 44 }),
});

describe('the leaf of an event', () => {
  // A plain reference, written independently: members sorted with `<` (UTF-16 code units), each value recursively.
  // (Not JSON.stringify of a re-sorted object: engines put integer-like keys such as "0" first, whatever their order.)
  const reference = (v: unknown): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${reference(x)}`).join(',')}}`;
  };

  it('canonicalJson writes RFC 8785 text: keys sorted by code units, no whitespace, as a plain reference does', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => expect(canonicalJson(v)).toBe(reference(v))), { numRuns: 2000 });
    fc.assert(fc.property(fc.object({ key: fc.string({ unit: 'binary' }), values: [fc.string({ unit: 'binary' }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)] }), (v) => expect(canonicalJson(v)).toBe(reference(v))), { numRuns: 500 });
    expect(canonicalJson({ b: undefined, a: [1, 'x', null, true, -0, 1e21, 0.1], 'é': 1, Z: 2, '10': 3, '9': 4 })).toBe(
      '{"10":3,"9":4,"Z":2,"a":[1,"x",null,true,0,1e+21,0.1],"é":1}',
    );
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
    expect(() => canonicalJson([undefined])).toThrow();
  });

  it('is the canonical JSON of {id, position, stream, revision, type, data, metadata, previousHash, hash}, and the recomputed hash is eventHash', () => {
    fc.assert(
      fc.property(event, (e: LeafEvent) => {
        const expected = canonicalJson({ id: e.id, position: e.position, stream: e.stream, revision: e.revision, type: e.type, data: e.data, metadata: e.metadata, previousHash: e.previousHash, hash: e.hash });
        expect(leafData(e).toString('utf8')).toBe(expected);
        const both = hashAndLeafData(e);
        expect(both.leafData.equals(leafData(e))).toBe(true);
        expect(both.recomputedHash).toBe(eventHash(e));
        expect(eventLeafHash(e).equals(createHash('sha256').update(Buffer.from([0])).update(expected, 'utf8').digest())).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('for a worked example (docs/audit.md)', () => {
    const e: LeafEvent = {
      id: 'a1',
      position: 1,
      stream: 'fund-dgr',
      revision: 0,
      type: 'FundDeposited',
      data: { amountOre: 5500000000, bookedOn: '2022-03-01' },
      metadata: { recordedAt: '2022-03-01T09:00:00.000Z' },
      previousHash: null,
      hash: eventHash({ stream: 'fund-dgr', revision: 0, type: 'FundDeposited', data: { amountOre: 5500000000, bookedOn: '2022-03-01' }, metadata: { recordedAt: '2022-03-01T09:00:00.000Z' }, previousHash: null }),
    };
    expect(leafData(e).toString('utf8')).toBe(
      `{"data":{"amountOre":5500000000,"bookedOn":"2022-03-01"},"hash":"${e.hash}","id":"a1","metadata":{"recordedAt":"2022-03-01T09:00:00.000Z"},"position":1,"previousHash":null,"revision":0,"stream":"fund-dgr","type":"FundDeposited"}`,
    );
    expect(leafIndexOf(1)).toBe(0);
  });
});
