const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * The value with every Map replaced by `{ $map: entries }`; what holds no Map is returned as it is (not copied),
 * so JSON.stringify then runs without a replacer function (its fast path: a cold rebuild writes every changed
 * initiative's state).
 */
const withoutMaps = (v: unknown): unknown => {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Map) return { $map: [...(v as Map<unknown, unknown>).entries()].map(([k, x]) => [withoutMaps(k), withoutMaps(x)]) };
  if (Array.isArray(v)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x = withoutMaps(v[i]);
      if (x !== v[i]) (copy ??= v.slice())[i] = x;
    }
    return copy ?? v;
  }
  if (!isPlainObject(v)) return v;
  let copy: Record<string, unknown> | null = null;
  for (const k of Object.keys(v)) {
    const before = (v as Record<string, unknown>)[k];
    const x = withoutMaps(before);
    if (x !== before) (copy ??= { ...(v as Record<string, unknown>) })[k] = x;
  }
  return copy ?? v;
};

/** JSON that keeps a Map (an initiative's decisions): any Map, so a field added to the domain's state survives. */
export const stateToJson = (value: unknown): string => JSON.stringify(withoutMaps(value));

/**
 * Turns every `{ $map: [...] }` (an object with that one key) back into a Map, in place, bottom-up. Only objects
 * are visited (a string or number is not a call), and keys are counted as they are walked (no `Object.keys`
 * array per object): a stored initiative has some 200 values, and a list page revives ten.
 */
const revive = (v: object): unknown => {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i += 1) {
      const x: unknown = v[i];
      if (x !== null && typeof x === 'object') {
        const r = revive(x);
        if (r !== x) v[i] = r;
      }
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  let keys = 0;
  // JSON.parse's objects inherit nothing enumerable: for…in walks their own keys.
  for (const k in o) {
    keys += 1;
    const x = o[k];
    if (x !== null && typeof x === 'object') {
      const r = revive(x);
      if (r !== x) o[k] = r;
    }
  }
  const entries = o.$map;
  if (keys === 1 && Array.isArray(entries)) return new Map(entries as [unknown, unknown][]);
  return o;
};

/**
 * The inverse of stateToJson. A plain JSON.parse, then one walk over the objects and arrays: a reviver function
 * is called for every value, strings and numbers too, and made reading a stored initiative (~5 KB) four times
 * slower — on the event loop, for every initiative a list page shows.
 */
export const stateFromJson = <T>(json: string): T => {
  const value = JSON.parse(json) as unknown;
  return (value !== null && typeof value === 'object' ? revive(value) : value) as T;
};
