import { getPath } from './indices.js';
import type { FilterValue, RangeFilter, SortValue, StoreQuery } from './store.js';

/**
 * The store query semantics, evaluated in memory. The OpenSearch store translates the same query
 * to its DSL; the conformance suite keeps the two in agreement.
 */
export function matchesQuery(doc: Record<string, unknown>, query: StoreQuery, textFields: string[]): boolean {
  for (const [field, expected] of Object.entries(query.filters ?? {})) {
    if (!matchesFilter(getPath(doc, field), expected)) return false;
  }
  for (const range of query.ranges ?? []) if (!matchesRange(getPath(doc, range.field), range)) return false;
  if (query.text?.trim()) {
    const haystack = textFields
      .flatMap((f) => [getPath(doc, f)].flat())
      .filter((v) => v !== undefined && v !== null)
      .join(' ')
      .toLowerCase();
    for (const term of textTerms(query.text)) if (!haystack.includes(term)) return false;
  }
  return true;
}

/** Words of a free-text query without the simple-query-string operators. */
export function textTerms(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[\s"+|()~*-]+/)
    .filter(Boolean);
}

function matchesFilter(value: unknown, expected: FilterValue | FilterValue[]): boolean {
  const wanted = Array.isArray(expected) ? expected : [expected];
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => wanted.some((w) => v === w));
}

function matchesRange(value: unknown, range: RangeFilter): boolean {
  if (value === undefined || value === null) return false;
  const v = comparable(value as SortValue);
  if (range.gte !== undefined && v < comparable(range.gte)) return false;
  if (range.gt !== undefined && v <= comparable(range.gt)) return false;
  if (range.lte !== undefined && v > comparable(range.lte)) return false;
  if (range.lt !== undefined && v >= comparable(range.lt)) return false;
  return true;
}

/** Dates compare as instants, whatever their offset; numbers as numbers. */
function comparable(v: SortValue): number | string {
  if (typeof v === 'number') return v;
  const t = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : Number.NaN;
  return Number.isNaN(t) ? v : t;
}

export function sortKey(doc: Record<string, unknown>, query: StoreQuery): SortValue[] {
  return [...(query.sort ?? []).map((s) => toSortValue(getPath(doc, s.field))), String(doc.id)];
}

function toSortValue(v: unknown): SortValue {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const c = comparable(v);
    return c;
  }
  return v === undefined || v === null ? Number.NEGATIVE_INFINITY : String(v);
}

export function compareKeys(a: SortValue[], b: SortValue[], query: StoreQuery): number {
  const orders = [...(query.sort ?? []).map((s) => s.order), 'asc' as const];
  for (let i = 0; i < orders.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const cmp = x < y ? -1 : 1;
    return orders[i] === 'desc' ? -cmp : cmp;
  }
  return 0;
}
