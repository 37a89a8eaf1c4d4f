import type { IndexKind } from './store.js';

type Mapping = Record<string, unknown>;

const keyword = { type: 'keyword', ignore_above: 1024 };
const date = { type: 'date', format: 'strict_date_optional_time' };
const long = { type: 'long' };
const double = { type: 'double' };
const bool = { type: 'boolean' };
const text = { type: 'text' };
const subject = { properties: { kind: keyword, id: keyword } };
const evidence = {
  properties: {
    signal: keyword,
    observed: double,
    baseline: double,
    threshold: double,
    signatures: { properties: { id: keyword, category: keyword, count: long } },
    sampleEventIds: keyword,
    details: { type: 'flat_object' },
  },
};

export interface IndexDef {
  kind: IndexKind;
  /** Field whose event time names the daily index; null for one long-lived index. */
  timeField: string | null;
  /** Fields searched by free text. */
  textFields: string[];
  mappings: Mapping;
}

/**
 * Explicit mappings for every index. `dynamic: strict` makes a document with an unmapped field an error
 * at write time instead of a silently guessed mapping that Dashboards then trips over.
 */
export const INDEX_DEFS: Record<IndexKind, IndexDef> = {
  events: {
    kind: 'events',
    timeField: 'ts',
    textFields: ['http.path', 'prompt.text', 'client.userAgent'],
    mappings: {
      dynamic: 'strict',
      properties: {
        schema: keyword,
        id: keyword,
        ts: date,
        durationMs: double,
        client: { properties: { ip: { type: 'ip' }, userAgent: { type: 'text', fields: { raw: keyword } } } },
        key: { properties: { id: keyword, ref: keyword } },
        http: {
          properties: {
            method: keyword,
            path: { type: 'text', fields: { raw: keyword } },
            query: { type: 'text', index: false },
            status: { type: 'integer' },
            requestBytes: long,
            responseBytes: long,
          },
        },
        ai: { properties: { model: keyword, inputTokens: long, outputTokens: long, stream: bool } },
        prompt: {
          properties: {
            text,
            chars: long,
            truncated: bool,
            redactions: { type: 'object', dynamic: true },
          },
        },
        gateway: { properties: { id: keyword, outcome: keyword } },
      },
      dynamic_templates: [{ redaction_counts: { path_match: 'prompt.redactions.*', mapping: long } }],
    },
  },
  findings: {
    kind: 'findings',
    timeField: 'window.start',
    textFields: ['subject.id', 'detector', 'evidence.signal', 'evidence.signatures.category'],
    mappings: {
      dynamic: 'strict',
      properties: {
        schema: keyword,
        id: keyword,
        detector: keyword,
        subject,
        score: double,
        severity: keyword,
        window: { properties: { start: date, end: date } },
        firstSeen: date,
        detectedAt: date,
        evidence,
      },
    },
  },
  incidents: {
    kind: 'incidents',
    timeField: null,
    textFields: [
      'subject.id',
      'type',
      'evidence.signal',
      'evidence.signatures.category',
      'evidence.signatures.id',
    ],
    mappings: {
      dynamic: 'strict',
      properties: {
        id: keyword,
        type: keyword,
        subject,
        severity: keyword,
        status: keyword,
        score: double,
        firstSeen: date,
        lastSeen: date,
        detectedAt: date,
        findingCount: long,
        evidence,
        actions: { properties: { id: keyword, type: keyword, at: date, status: keyword, actor: keyword } },
      },
    },
  },
  actions: {
    kind: 'actions',
    timeField: null,
    textFields: ['actor', 'type', 'incidentId'],
    mappings: {
      dynamic: 'strict',
      properties: {
        schema: keyword,
        id: keyword,
        type: keyword,
        at: date,
        actor: keyword,
        incidentId: keyword,
        subject,
        status: keyword,
        detail: { type: 'flat_object' },
      },
    },
  },
};

/** The event-time field retention is judged by. */
export function retentionField(def: IndexDef): string {
  return def.timeField ?? (def.kind === 'incidents' ? 'lastSeen' : 'at');
}

export function baseIndexName(prefix: string, kind: IndexKind): string {
  return `${prefix}-${kind}`;
}

/** Daily indices are named from the document's own event time, so a redelivery lands in the same index. */
export function indexNameFor(prefix: string, def: IndexDef, doc: Record<string, unknown>): string {
  const base = baseIndexName(prefix, def.kind);
  if (!def.timeField) return base;
  const value = getPath(doc, def.timeField);
  const day =
    typeof value === 'string' && !Number.isNaN(Date.parse(value))
      ? new Date(value).toISOString().slice(0, 10)
      : null;
  return `${base}-${day ? day.replaceAll('-', '.') : 'undated'}`;
}

/** The pattern that covers every index of one kind. */
export function indexPattern(prefix: string, def: IndexDef): string {
  const base = baseIndexName(prefix, def.kind);
  return def.timeField ? `${base}-*` : base;
}

export function getPath(doc: unknown, path: string): unknown {
  let node = doc;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
