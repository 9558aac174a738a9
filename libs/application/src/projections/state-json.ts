/** JSON that keeps a Map (an initiative's decisions): any Map, so a field added to the domain's state survives. */
export const stateToJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? { $map: [...(v as Map<unknown, unknown>).entries()] } : v));

/** Turns every `{ $map: [...] }` (an object with that one key) back into a Map, in place, bottom-up. */
const revive = (v: unknown): unknown => {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i += 1) {
      const r = revive(v[i]);
      if (r !== v[i]) v[i] = r;
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const r = revive(o[k]);
    if (r !== o[k]) o[k] = r;
  }
  const entries = o.$map;
  if (Array.isArray(entries) && Object.keys(o).length === 1) return new Map(entries as [unknown, unknown][]);
  return o;
};

/**
 * The inverse of stateToJson. A plain JSON.parse, then one walk over the objects and arrays: a reviver function
 * is called for every value, strings and numbers too, and made reading a stored initiative (~5 KB) four times
 * slower — on the event loop, for every initiative a list page shows.
 */
export const stateFromJson = <T>(json: string): T => revive(JSON.parse(json)) as T;
