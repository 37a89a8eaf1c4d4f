/**
 * The document store behind findings, incidents, actions and (optionally) raw events. Two
 * implementations pass one conformance suite (test/helpers/store-conformance.ts): OpenSearch and memory.
 */

export type IndexKind = 'events' | 'findings' | 'incidents' | 'actions';

export interface StoreDoc {
  id: string;
  doc: Record<string, unknown>;
}

export type FilterValue = string | number | boolean;
export type SortValue = string | number;

export interface RangeFilter {
  field: string;
  gte?: string | number;
  lte?: string | number;
  gt?: string | number;
  lt?: string | number;
}

export interface StoreQuery {
  /** Exact matches on keyword fields (dotted paths); an array means "any of". */
  filters?: Record<string, FilterValue | FilterValue[]>;
  ranges?: RangeFilter[];
  /** Free text over the index's text fields; operators of simple query syntax allowed, never an error. */
  text?: string;
  /** The document `id` is always appended as the final tie-breaker, so paging is stable. */
  sort?: { field: string; order: 'asc' | 'desc' }[];
  limit: number;
  /** The `next` of a previous page. */
  after?: SortValue[];
}

export interface SearchResult<T = Record<string, unknown>> {
  items: T[];
  total: number;
  next: SortValue[] | null;
}

export interface WriteOptions {
  /** Wait until the documents are visible to search (tests, read-after-write in the API). */
  refresh?: boolean;
}

export interface Store {
  readonly kind: 'opensearch' | 'memory';
  /** Installs index templates and creates the single indices (idempotent). */
  ensureIndices(): Promise<void>;
  /** Idempotent: a document id written twice is one document. */
  put(index: IndexKind, docs: StoreDoc[], options?: WriteOptions): Promise<void>;
  /**
   * Merges `partial` into an existing document (objects deep-merged, arrays replaced), leaving every
   * other field as it is: how the API changes an incident's status without racing the responder.
   * Only for the long-lived indices (incidents, actions). Resolves false when no such document exists.
   */
  update(
    index: IndexKind,
    id: string,
    partial: Record<string, unknown>,
    options?: WriteOptions,
  ): Promise<boolean>;
  /** Removes documents whose `field` is before `before` (retention); daily indices are dropped whole. */
  deleteOlderThan(index: IndexKind, before: string): Promise<void>;
  get<T = Record<string, unknown>>(index: IndexKind, id: string): Promise<T | null>;
  search<T = Record<string, unknown>>(index: IndexKind, query: StoreQuery): Promise<SearchResult<T>>;
  /** Makes every write so far visible to search (a responder taking over partitions); absent: always visible. */
  refresh?(): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
