/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) for the values the store holds (parsed JSON: objects,
 * arrays, strings, finite numbers, booleans, null): object keys sorted by UTF-16 code units, no
 * whitespace, strings and numbers serialised as ECMAScript's JSON.stringify does.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('JCS cannot represent a non-finite number');
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error(`JCS cannot represent ${typeof value}`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
};
