import fc from 'fast-check';
import { stateFromJson, stateToJson } from './state-json';

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
