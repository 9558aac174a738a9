import fc from 'fast-check';
import { stateFromJson, stateToJson } from './state-json';

/** What stateToJson wrote before it left the replacer out: its output must stay byte for byte the same (stored rows). */
const withReplacer = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? { $map: [...(v as Map<unknown, unknown>).entries()] } : v));

describe('stateToJson', () => {
  const values: Array<[string, unknown]> = [
    ['a Map at the top', new Map([['1780', { approved: true }]])],
    ['a state with a Map of decisions', { id: 'a', decisions: new Map([['1780', { outcome: 'approved', appeals: [] }]]), list: [1, 'x', null], cancellation: null }],
    ['Maps inside Maps and arrays', { a: [new Map([['k', new Map([[1, [new Map()]]])]])], b: { c: new Map([[{ o: 1 }, undefined]]) } }],
    ['no Map at all', { a: 1, b: [{ c: 'd' }], e: undefined, f: new Date(0) }],
    ['scalars', 'text'],
  ];
  it.each(values)('writes %s exactly as the replacer did, and reads it back', (_name, value) => {
    expect(stateToJson(value)).toBe(withReplacer(value));
    expect(stateToJson(stateFromJson(stateToJson(value)))).toBe(stateToJson(value));
  });

  it('leaves the value it is given unchanged', () => {
    const decisions = new Map([['1780', { outcome: 'approved' }]]);
    const state = { id: 'a', decisions };
    stateToJson(state);
    expect(state.decisions).toBe(decisions);
  });
});

/** What stateFromJson was: JSON.parse with a reviver (slow: called for every value). */
const withReviver = (json: string): unknown =>
  JSON.parse(json, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && Array.isArray((v as { $map?: unknown }).$map)
      ? new Map((v as { $map: [unknown, unknown][] }).$map)
      : v,
  );

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), tie('map'), tie('object'), fc.array(tie('any'), { maxLength: 4 })),
  map: fc.array(fc.tuple(fc.string(), tie('any')), { maxLength: 4 }).map((entries) => new Map(entries)),
  object: fc.dictionary(fc.string(), tie('any'), { maxKeys: 4 }),
})).any;

describe('stateFromJson', () => {
  it('gives back what stateToJson wrote, Maps at any depth included, as the reviver it replaces did', () => {
    fc.assert(
      fc.property(value, (v) => {
        const json = stateToJson(v);
        expect(stateFromJson(json)).toEqual(withReviver(json));
      }),
      { numRuns: 300 },
    );
    expect(stateFromJson<{ d: Map<string, { m: Map<string, number> }> }>(stateToJson({ d: new Map([['a', { m: new Map([['x', 1]]) }]]) })).d.get('a')!.m.get('x')).toBe(1);
    // An object with $map and another key is no Map.
    expect(stateFromJson('{"$map":[],"b":1}')).toEqual({ $map: [], b: 1 });
  });
});
