/**
 * JSON that keeps a Map (an initiative's decisions): any Map, so a field added to the domain's state survives.
 * A Map is written as `{"$map": [[key, value], …]}`, and an object with `$map` (an array) as its only key is read
 * back as a Map. Both walk the value themselves and leave the text to the engine's JSON without a replacer or a
 * reviver (a callback per value made them a visible share of every live write: ADR 0019); the text is the same.
 */
const withoutMaps = (v: unknown): unknown => {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Map) return { $map: [...(v as Map<unknown, unknown>)].map(([k, x]) => [withoutMaps(k), withoutMaps(x)]) };
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return v;
  if (Array.isArray(v)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const p = withoutMaps(v[i]);
      if (p !== v[i]) (copy ??= v.slice())[i] = p;
    }
    return copy ?? v;
  }
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[key];
    const p = withoutMaps(x);
    if (p !== x) (copy ??= { ...(v as Record<string, unknown>) })[key] = p;
  }
  return copy ?? v;
};

export const stateToJson = (value: unknown): string => JSON.stringify(withoutMaps(value));

/** Turns the parsed `{"$map": […]}` objects into Maps, innermost first (as a reviver would). */
const withMaps = (v: unknown): unknown => {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = withMaps(v[i]);
      if (p !== v[i]) v[i] = p;
    }
    return v;
  }
  const record = v as Record<string, unknown>;
  const keys = Object.keys(record);
  for (const key of keys) {
    const p = withMaps(record[key]);
    if (p !== record[key]) record[key] = p;
  }
  return keys.length === 1 && keys[0] === '$map' && Array.isArray(record.$map) ? new Map(record.$map as [unknown, unknown][]) : v;
};

export const stateFromJson = <T>(json: string): T => withMaps(JSON.parse(json)) as T;
