import type { IndexKind, Store } from '../../infra/store/index.js';

const KINDS: IndexKind[] = ['events', 'findings', 'incidents', 'actions'];

/** Deletes what is older than the retention period; daily indices go whole. Running it twice is harmless. */
export async function applyRetention(store: Store, nowMs: number, days: number): Promise<string> {
  const before = new Date(nowMs - days * 86_400_000).toISOString();
  for (const kind of KINDS) await store.deleteOlderThan(kind, before);
  return before;
}
