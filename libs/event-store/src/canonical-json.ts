/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) for the values the store holds (parsed JSON: objects,
 * arrays, strings, finite numbers, booleans, null): object keys sorted by UTF-16 code units (the default
 * order of Array.prototype.sort), undefined members left out, no whitespace, strings and numbers serialised
 * as ECMAScript's JSON.stringify does. Written for speed: every append hashes it, and the audit read model
 * canonicalises every event at boot.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error('JCS cannot represent a non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
        return out + ']';
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = record[k];
        if (v === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v);
        first = false;
      }
      return out + '}';
    }
    default:
      throw new Error(`JCS cannot represent ${typeof value}`);
  }
};
