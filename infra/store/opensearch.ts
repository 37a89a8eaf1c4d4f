import { readFileSync } from 'node:fs';
import { Client } from '@opensearch-project/opensearch';
import type { Config } from '../../schemas/config.js';
import { GatehoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { backoffMs, classifyBulkItems, isRetryableStatus } from './bulk-result.js';
import { baseIndexName, INDEX_DEFS, indexNameFor, indexPattern, retentionField } from './indices.js';
import type {
  IndexKind,
  SearchResult,
  SortValue,
  Store,
  StoreDoc,
  StoreQuery,
  WriteOptions,
} from './store.js';

const MAX_ATTEMPTS = 8;

/** Production store on OpenSearch: explicit templates, bulk writes with retries, idempotent ids. */
export class OpenSearchStore implements Store {
  readonly kind = 'opensearch' as const;
  readonly client: Client;
  private readonly prefix: string;

  constructor(
    private readonly config: Config['opensearch'],
    private readonly log: Logger,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!config.url)
      throw new GatehoundError('CONFIG_INVALID', 'opensearch.url is required for the OpenSearch store');
    this.prefix = config.indexPrefix;
    this.client = new Client({
      node: config.url,
      auth:
        config.username && config.password
          ? { username: config.username, password: config.password }
          : undefined,
      ssl: {
        rejectUnauthorized: config.rejectUnauthorized,
        ...(config.caFile ? { ca: readFileSync(config.caFile, 'utf8') } : {}),
      },
      requestTimeout: 30_000,
      maxRetries: 0, // retries are ours, with back-off
    });
  }

  async ensureIndices(): Promise<void> {
    await this.call('install index templates', async () => {
      for (const def of Object.values(INDEX_DEFS)) {
        await this.client.indices.putIndexTemplate({
          name: baseIndexName(this.prefix, def.kind),
          body: {
            index_patterns: [
              def.timeField
                ? `${baseIndexName(this.prefix, def.kind)}-*`
                : baseIndexName(this.prefix, def.kind),
            ],
            priority: 100,
            template: {
              settings: { number_of_shards: this.config.shards, number_of_replicas: this.config.replicas },
              mappings: def.mappings,
            },
          },
        });
        if (!def.timeField) {
          const index = baseIndexName(this.prefix, def.kind);
          const exists = await this.client.indices.exists({ index });
          if (!exists.body) await this.client.indices.create({ index }).catch(ignoreAlreadyExists);
        }
      }
    });
  }

  async put(index: IndexKind, docs: StoreDoc[], options: WriteOptions = {}): Promise<void> {
    const def = INDEX_DEFS[index];
    let pending = docs.map(({ id, doc }) => ({
      id,
      doc: { ...doc, id },
      target: indexNameFor(this.prefix, def, doc),
    }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await this.sleep(backoffMs(attempt));
      let items: Record<string, { status?: number; error?: { type?: string } | null }>[];
      try {
        const res = await this.client.bulk({
          refresh: options.refresh ? 'wait_for' : false,
          body: pending.flatMap((p) => [{ index: { _index: p.target, _id: p.id } }, p.doc]),
        });
        items = res.body.items as typeof items;
      } catch (err) {
        const status = statusOf(err);
        if (!isRetryableStatus(status) || attempt + 1 >= MAX_ATTEMPTS)
          throw this.writeError(index, pending.length, err);
        this.log.warn({ index, docs: pending.length, attempt, status }, 'bulk request failed; retrying');
        continue;
      }
      const outcomes = classifyBulkItems(items);
      const rejected = outcomes.filter((o) => o.outcome === 'reject');
      if (rejected.length > 0) {
        throw new GatehoundError(
          'STORE_WRITE_FAILED',
          `${rejected.length} document(s) rejected by ${index}: ${rejected[0]!.reason}`,
          {
            details: { index, reasons: [...new Set(rejected.map((r) => r.reason))] },
          },
        );
      }
      pending = outcomes.filter((o) => o.outcome === 'retry').map((o) => pending[o.index]!);
      if (pending.length > 0 && attempt + 1 >= MAX_ATTEMPTS) {
        throw new GatehoundError(
          'STORE_WRITE_FAILED',
          `${pending.length} document(s) not written to ${index} after ${MAX_ATTEMPTS} attempts`,
        );
      }
    }
  }

  async update(
    index: IndexKind,
    id: string,
    partial: Record<string, unknown>,
    options: WriteOptions = {},
  ): Promise<boolean> {
    if (INDEX_DEFS[index].timeField) {
      throw new GatehoundError(
        'STORE_QUERY_INVALID',
        `documents of ${index} are immutable: they are written whole`,
      );
    }
    return this.call(`update in ${index}`, async () => {
      try {
        await this.client.update({
          index: baseIndexName(this.prefix, index),
          id,
          retry_on_conflict: 5,
          refresh: options.refresh ? 'wait_for' : false,
          body: { doc: partial },
        });
        return true;
      } catch (err) {
        if (statusOf(err) === 404) return false;
        throw err;
      }
    });
  }

  async deleteOlderThan(index: IndexKind, before: string): Promise<void> {
    const def = INDEX_DEFS[index];
    await this.call(`retention of ${index}`, async () => {
      if (def.timeField) {
        // Daily indices are named from event time: drop every whole day before the cutoff.
        const cutoffDay = new Date(before).toISOString().slice(0, 10).replaceAll('-', '.');
        const res = await this.client.cat.indices({
          index: indexPattern(this.prefix, def),
          format: 'json',
          h: ['index'],
        });
        const base = `${baseIndexName(this.prefix, def.kind)}-`;
        const old = (res.body as { index: string }[])
          .map((r) => r.index)
          .filter((name) => name.startsWith(base) && /^\d{4}\.\d{2}\.\d{2}$/.test(name.slice(base.length)))
          .filter((name) => name.slice(base.length) < cutoffDay);
        if (old.length) await this.client.indices.delete({ index: old.join(',') });
        return;
      }
      // Search-then-delete rather than _delete_by_query, which lives in a module not every distribution has.
      const target = baseIndexName(this.prefix, index);
      const query = { range: { [retentionField(def)]: { lt: before } } };
      for (;;) {
        await this.client.indices.refresh({ index: target });
        const res = await this.client.search({ index: target, body: { query, size: 1000, _source: false } });
        const ids = res.body.hits.hits.map((h) => h._id);
        if (ids.length === 0) return;
        await this.client.bulk({
          refresh: 'wait_for',
          body: ids.map((_id) => ({ delete: { _index: target, _id } })),
        });
      }
    });
  }

  async get<T>(index: IndexKind, id: string): Promise<T | null> {
    const def = INDEX_DEFS[index];
    return this.call(`get from ${index}`, async () => {
      if (!def.timeField) {
        const res = await this.client
          .get({ index: baseIndexName(this.prefix, index), id })
          .catch((err: unknown) => {
            if (statusOf(err) === 404) return null;
            throw err;
          });
        return res ? (res.body._source as T) : null;
      }
      const res = await this.client.search({
        index: indexPattern(this.prefix, def),
        body: { query: { ids: { values: [id] } }, size: 1 },
        ignore_unavailable: true,
        allow_no_indices: true,
      });
      const hit = res.body.hits.hits[0];
      return hit ? (hit._source as T) : null;
    });
  }

  async search<T>(index: IndexKind, query: StoreQuery): Promise<SearchResult<T>> {
    const def = INDEX_DEFS[index];
    const body = toSearchBody(query, def.textFields);
    return this.call(`search ${index}`, async () => {
      const res = await this.client.search({
        index: indexPattern(this.prefix, def),
        body,
        ignore_unavailable: true,
        allow_no_indices: true,
      });
      const hits = res.body.hits.hits;
      const total = res.body.hits.total;
      const last = hits[hits.length - 1];
      return {
        items: hits.map((h) => h._source as T),
        total: typeof total === 'number' ? total : (total?.value ?? 0),
        next: hits.length === query.limit && last?.sort ? (last.sort as SortValue[]) : null,
      };
    });
  }

  /** Makes everything written so far searchable (tests). */
  async refresh(): Promise<void> {
    await this.client.indices.refresh({ index: `${this.prefix}-*` });
  }

  /** Deletes every index of this prefix (tests with a unique prefix). */
  async dropAll(): Promise<void> {
    await this.client.indices
      .delete({ index: `${this.prefix}-*`, expand_wildcards: 'all' })
      .catch(() => undefined);
    for (const def of Object.values(INDEX_DEFS)) {
      await this.client.indices
        .deleteIndexTemplate({ name: baseIndexName(this.prefix, def.kind) })
        .catch(() => undefined);
    }
  }

  async ping(): Promise<boolean> {
    try {
      const res = await this.client.cluster.health({ timeout: '2s' });
      return res.body.status !== 'red';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof GatehoundError || !isTransportError(err)) throw err;
      const status = statusOf(err);
      if (status === 400)
        throw new GatehoundError('STORE_QUERY_INVALID', `${what}: the query was rejected`, { cause: err });
      throw new GatehoundError(
        'STORE_UNAVAILABLE',
        `${what}: OpenSearch ${status ? `answered ${status}` : 'is unreachable'}`,
        {
          cause: err,
        },
      );
    }
  }

  private writeError(index: IndexKind, count: number, err: unknown): GatehoundError {
    const status = statusOf(err);
    return new GatehoundError(
      isRetryableStatus(status) ? 'STORE_UNAVAILABLE' : 'STORE_WRITE_FAILED',
      `could not write ${count} document(s) to ${index}: OpenSearch ${status ? `answered ${status}` : 'is unreachable'}`,
      { cause: err },
    );
  }
}

export function toSearchBody(query: StoreQuery, textFields: string[]): Record<string, unknown> {
  const filter: unknown[] = [];
  for (const [field, value] of Object.entries(query.filters ?? {})) {
    filter.push(Array.isArray(value) ? { terms: { [field]: value } } : { term: { [field]: value } });
  }
  for (const { field, ...bounds } of query.ranges ?? []) filter.push({ range: { [field]: bounds } });
  const must = query.text?.trim()
    ? [
        {
          simple_query_string: {
            query: query.text,
            fields: textFields,
            default_operator: 'and',
            lenient: true,
          },
        },
      ]
    : [];
  return {
    query: { bool: { filter, must } },
    sort: [
      ...(query.sort ?? []).map((s) => ({ [s.field]: { order: s.order, unmapped_type: 'keyword' } })),
      { id: { order: 'asc' } },
    ],
    size: query.limit,
    track_total_hits: true,
    ...(query.after ? { search_after: query.after } : {}),
  };
}

/** Errors of the client's transport (HTTP answers, connection failures), as opposed to our own bugs. */
function isTransportError(err: unknown): boolean {
  const e = err as { meta?: unknown; name?: string };
  return (
    e?.meta !== undefined ||
    ['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError', 'DeserializationError'].includes(
      e?.name ?? '',
    )
  );
}

function statusOf(err: unknown): number {
  const meta = (err as { meta?: { statusCode?: number } })?.meta;
  return meta?.statusCode ?? 0;
}

function ignoreAlreadyExists(err: unknown): void {
  if (
    (err as { meta?: { body?: { error?: { type?: string } } } })?.meta?.body?.error?.type !==
    'resource_already_exists_exception'
  ) {
    throw err;
  }
}
