import { evolve, type Initiative } from '@dgr/domain';
import { allApproveExcept, approvedBy, KIL, prepared, proposed } from '@dgr/domain/testing';
import { stateFromJson, stateToJson } from './state-json';

/** The first implementation (JSON with a replacer and a reviver): the text and the values must stay the same. */
const referenceToJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? { $map: [...(v as Map<unknown, unknown>).entries()] } : v));
const referenceFromJson = (json: string): unknown =>
  JSON.parse(json, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && Array.isArray((v as { $map?: unknown }).$map)
      ? new Map((v as { $map: [unknown, unknown][] }).$map)
      : v,
  );

const initiative = (): Initiative =>
  [proposed(), prepared(), ...allApproveExcept([KIL], '2026-03-01'), approvedBy(KIL, '2026-03-02')].reduce<Initiative | null>((s, e) => evolve(s, e), null)!;

const samples: unknown[] = [
  null,
  0,
  'text',
  [],
  {},
  new Map(),
  new Map([['a', 1]]),
  { decisions: new Map([['17', { outcome: 'approved', history: new Map([[1, [new Map([['x', null]])]]]) }]]), n: 1 },
  [new Map([[{ k: 1 }, [1, 2]]]), { $map: 'not an array' }, { $map: [['a', 1]], other: 2 }],
  { a: undefined, b: [undefined, 1], c: new Date(Date.UTC(2026, 0, 2)), d: { e: { f: new Map([['g', { h: new Map() }]]) } } },
  { $map: [] },
];

describe('state JSON (Maps kept)', () => {
  it.each(samples.map((s, i) => [i, s]))('sample %i: the same text as the replacer, and the same value back as the reviver', (_i, sample) => {
    const text = stateToJson(sample);
    expect(text).toBe(referenceToJson(sample));
    expect(stateFromJson(text)).toEqual(referenceFromJson(text));
  });

  it("an initiative's state (decisions in a Map) round-trips to an equal state, and the caller's object is not changed", () => {
    const state = initiative();
    const before = referenceToJson(state);
    const text = stateToJson(state);
    expect(text).toBe(before);
    expect(referenceToJson(state)).toBe(before);
    const back = stateFromJson<Initiative>(text);
    expect(back.decisions).toBeInstanceOf(Map);
    expect(back).toEqual(state);
    expect(back).toEqual(referenceFromJson(text));
  });
});
