import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Config } from '../../schemas/config.js';
import { isGatehoundError } from '../errors.js';
import { createLogger } from '../logger.js';
import { OpenSearchStore, toSearchBody } from './opensearch.js';

/** A local server speaking the _bulk protocol, scripted per request, to exercise retry handling. */
async function bulkServer(script: ((ops: { _id: string }[]) => { status: number; body: unknown })[]) {
  const seen: string[][] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const lines = body
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const ops = lines.filter((_, i) => i % 2 === 0).map((l) => l.index as { _id: string });
    seen.push(ops.map((o) => o._id));
    const step = script[Math.min(seen.length - 1, script.length - 1)]!;
    const { status, body: out } = step(ops);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(out));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const ok = (ops: { _id: string }[]) => ({
  status: 200,
  body: { took: 1, errors: false, items: ops.map((o) => ({ index: { _id: o._id, status: 201 } })) },
});

function storeAt(url: string) {
  const config = Config.parse({ opensearch: { url } }).opensearch;
  return new OpenSearchStore(config, createLogger({ level: 'silent' }), async () => {});
}

const docs = ['a', 'b', 'c'].map((id) => ({ id, doc: { type: 'probing', status: 'open' } }));
let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

describe('OpenSearchStore bulk writes', () => {
  it('retries the whole request when the cluster answers 503', async () => {
    const srv = await bulkServer([() => ({ status: 503, body: { error: 'unavailable' } }), ok]);
    close = srv.close;
    await storeAt(srv.url).put('incidents', docs);
    expect(srv.seen).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
  });

  it('retries only the items rejected with 429, keeping their ids', async () => {
    const srv = await bulkServer([
      (ops) => ({
        status: 200,
        body: {
          errors: true,
          items: ops.map((o) => ({
            index:
              o._id === 'b'
                ? { _id: 'b', status: 429, error: { type: 'es_rejected_execution_exception' } }
                : { _id: o._id, status: 201 },
          })),
        },
      }),
      ok,
    ]);
    close = srv.close;
    await storeAt(srv.url).put('incidents', docs);
    expect(srv.seen).toEqual([['a', 'b', 'c'], ['b']]);
  });

  it('fails with STORE_WRITE_FAILED naming the reason when a document is rejected for what it is', async () => {
    const srv = await bulkServer([
      (ops) => ({
        status: 200,
        body: {
          errors: true,
          items: ops.map((o) => ({
            index: {
              _id: o._id,
              status: 400,
              error: { type: 'strict_dynamic_mapping_exception', reason: 'secret stuff' },
            },
          })),
        },
      }),
    ]);
    close = srv.close;
    const err = await storeAt(srv.url)
      .put('incidents', docs)
      .catch((e: unknown) => e);
    expect(isGatehoundError(err, 'STORE_WRITE_FAILED')).toBe(true);
    expect((err as Error).message).toContain('strict_dynamic_mapping_exception');
    expect((err as Error).message).not.toContain('secret stuff');
    expect(srv.seen).toHaveLength(1);
  });

  it('gives up after its attempts with STORE_UNAVAILABLE when the cluster stays down', async () => {
    const srv = await bulkServer([() => ({ status: 503, body: {} })]);
    close = srv.close;
    const err = await storeAt(srv.url)
      .put('incidents', docs)
      .catch((e: unknown) => e);
    expect(isGatehoundError(err, 'STORE_UNAVAILABLE')).toBe(true);
    expect(srv.seen).toHaveLength(8);
  });
});

describe('toSearchBody', () => {
  it('turns a store query into filters, a safe text query, a stable sort and a cursor', () => {
    const body = toSearchBody(
      {
        filters: { type: 'probing', severity: ['high', 'critical'] },
        ranges: [{ field: 'lastSeen', gte: '2026-01-01T00:00:00Z' }],
        text: 'a AND (',
        sort: [{ field: 'lastSeen', order: 'desc' }],
        limit: 50,
        after: [1, 'x'],
      },
      ['subject.id'],
    );
    expect(body).toMatchObject({
      query: {
        bool: {
          filter: [
            { term: { type: 'probing' } },
            { terms: { severity: ['high', 'critical'] } },
            { range: { lastSeen: { gte: '2026-01-01T00:00:00Z' } } },
          ],
          must: [{ simple_query_string: { query: 'a AND (', fields: ['subject.id'] } }],
        },
      },
      sort: [{ lastSeen: { order: 'desc' } }, { id: { order: 'asc' } }],
      size: 50,
      track_total_hits: true,
      search_after: [1, 'x'],
    });
  });
});
