/** JSON that keeps a Map (an initiative's decisions): any Map, so a field added to the domain's state survives. */
export const stateToJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? { $map: [...(v as Map<unknown, unknown>).entries()] } : v));

export const stateFromJson = <T>(json: string): T =>
  JSON.parse(json, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && Array.isArray((v as { $map?: unknown }).$map)
      ? new Map((v as { $map: [unknown, unknown][] }).$map)
      : v,
  ) as T;
