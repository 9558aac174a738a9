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
