/**
 * JSON for detector state, which holds Maps and Sets: tagged so they come back as what they were.
 * Used for snapshots on the state topic; plain JSON otherwise, so a snapshot stays inspectable.
 */
export function encodeState(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return { $map: [...v] };
    if (v instanceof Set) return { $set: [...v] };
    return v;
  });
}

export function decodeState<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (Array.isArray(o.$map) && Object.keys(o).length === 1)
        return new Map(o.$map as [unknown, unknown][]);
      if (Array.isArray(o.$set) && Object.keys(o).length === 1) return new Set(o.$set);
    }
    return v;
  }) as T;
}
