import { GatehoundError } from '../errors.js';
import { getPath, INDEX_DEFS, retentionField } from './indices.js';
import { deepMerge } from './merge.js';
import { compareKeys, matchesQuery, sortKey } from './query.js';
import type { IndexKind, SearchResult, Store, StoreDoc, StoreQuery } from './store.js';

/** The embedded store: the same query semantics as OpenSearch, over maps in memory. */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private readonly indices = new Map<IndexKind, Map<string, Record<string, unknown>>>();

  async ensureIndices(): Promise<void> {
    for (const kind of Object.keys(INDEX_DEFS) as IndexKind[]) this.index(kind);
  }

  async put(index: IndexKind, docs: StoreDoc[]): Promise<void> {
    const target = this.index(index);
    // A structured clone keeps later mutations of the caller's objects out of the store, as a network would.
    for (const { id, doc } of docs) target.set(id, structuredClone({ ...doc, id }));
  }

  async update(index: IndexKind, id: string, partial: Record<string, unknown>): Promise<boolean> {
    if (INDEX_DEFS[index].timeField) {
      throw new GatehoundError(
        'STORE_QUERY_INVALID',
        `documents of ${index} are immutable: they are written whole`,
      );
    }
    const target = this.index(index);
    const current = target.get(id);
    if (!current) return false;
    target.set(id, deepMerge(current, structuredClone(partial)));
    return true;
  }

  async deleteOlderThan(index: IndexKind, before: string): Promise<void> {
    const field = retentionField(INDEX_DEFS[index]);
    const cutoff = Date.parse(before);
    const target = this.index(index);
    for (const [id, doc] of target) {
      const t = Date.parse(String(getPath(doc, field)));
      if (t < cutoff) target.delete(id);
    }
  }

  async get<T>(index: IndexKind, id: string): Promise<T | null> {
    const doc = this.index(index).get(id);
    return doc ? (structuredClone(doc) as T) : null;
  }

  async search<T>(index: IndexKind, query: StoreQuery): Promise<SearchResult<T>> {
    const { textFields } = INDEX_DEFS[index];
    const matching = [...this.index(index).values()]
      .filter((d) => matchesQuery(d, query, textFields))
      .map((doc) => ({ doc, key: sortKey(doc, query) }))
      .sort((a, b) => compareKeys(a.key, b.key, query));
    const after = query.after;
    const start = after ? matching.findIndex((m) => compareKeys(m.key, after, query) > 0) : 0;
    const page = start < 0 ? [] : matching.slice(start, start + query.limit);
    const last = page[page.length - 1];
    const hasMore = start >= 0 && start + query.limit < matching.length;
    return {
      items: page.map((m) => structuredClone(m.doc) as T),
      total: matching.length,
      next: hasMore && last ? last.key : null,
    };
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  private index(kind: IndexKind): Map<string, Record<string, unknown>> {
    let m = this.indices.get(kind);
    if (!m) {
      m = new Map();
      this.indices.set(kind, m);
    }
    return m;
  }
}
