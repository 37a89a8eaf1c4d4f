import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../infra/logger.js';
import { OpenSearchStore } from '../../infra/store/index.js';
import { Config } from '../../schemas/config.js';
import type { Incident } from '../../schemas/incident.js';
import { apiHarness, bearer, incident } from '../helpers/api.js';
import { uniqueName } from '../helpers/wait.js';

const COUNT = 10_500;
const BATCH = 2_000;

describe('incident search on OpenSearch', () => {
  const config = Config.parse({
    opensearch: {
      url: inject('opensearchUrl'),
      indexPrefix: uniqueName('api-search').toLowerCase(),
      replicas: 0,
    },
  });
  const store = new OpenSearchStore(config.opensearch, createLogger({ level: 'error' }));
  let app: FastifyInstance;
  const get = async (url: string) => {
    const res = await app.inject({ url, headers: bearer('viewer') });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    return res.json() as { items: Incident[]; total: number; next: string | null };
  };

  beforeAll(async () => {
    await store.ensureIndices();
    for (let start = 0; start < COUNT; start += BATCH) {
      const docs = Array.from({ length: Math.min(BATCH, COUNT - start) }, (_, k) => incident(start + k));
      await store.put(
        'incidents',
        docs.map((doc) => ({ id: doc.id, doc })),
      );
    }
    await store.refresh();
    ({ app } = await apiHarness({ store, config: { opensearch: config.opensearch } }));
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await store.dropAll();
    await store.close();
  });

  it('pages through more than 10,000 incidents without a gap or a repeat', async () => {
    const seen = new Set<string>();
    let pages = 0;
    let cursor: string | null = null;
    do {
      const page = await get(`/v1/incidents?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.total).toBe(COUNT);
      for (const item of page.items) {
        expect(seen.has(item.id), `${item.id} twice`).toBe(false);
        seen.add(item.id);
      }
      pages++;
      cursor = page.next;
    } while (cursor);
    expect(seen.size).toBe(COUNT);
    expect(pages).toBe(Math.ceil(COUNT / 500));
  }, 120_000);

  it('keeps the order across pages for a sort with many ties (score)', async () => {
    const first = await get('/v1/incidents?sort=-score&limit=500');
    const second = await get(`/v1/incidents?sort=-score&limit=500&cursor=${first.next}`);
    const scores = [...first.items, ...second.items].map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set([...first.items, ...second.items].map((i) => i.id)).size).toBe(1000);
  });

  it('filters by type, subject kind, severity and status together', async () => {
    const page = await get('/v1/incidents?type=probing&subjectKind=ip&severity=medium&status=open&limit=5');
    expect(page.total).toBe(COUNT / 4);
    for (const i of page.items)
      expect([i.type, i.subject.kind, i.severity]).toEqual(['probing', 'ip', 'medium']);
  });

  it('filters on one subject', async () => {
    const page = await get(`/v1/incidents?subjectId=${incident(7).subject.id}&limit=500`);
    // i = 7 + 250k, all odd, so all ip subjects.
    expect(page.total).toBe(Math.ceil((COUNT - 7) / 250));
    expect(page.items.every((i) => i.subject.id === '203.0.113.7')).toBe(true);
  });

  it('selects incidents overlapping [since, until]', async () => {
    const page = await get(
      '/v1/incidents?since=2026-11-01T00:10:15Z&until=2026-11-01T00:12:00Z&sort=firstSeen',
    );
    // Days repeat every 28 * 1440 incidents: 10,500 stays within the first 28 days, one incident per minute.
    expect(page.items.map((i) => i.id)).toEqual(['inc-000010', 'inc-000011', 'inc-000012']);
  });

  it('searches free text over signature categories and signals', async () => {
    const injection = await get('/v1/incidents?q=instruction_override&limit=1');
    expect(injection.total).toBe(COUNT / 4);
    expect(injection.items[0]?.type).toBe('injection');
    const both = await get('/v1/incidents?q=instruction_override%20distinct_paths&limit=1');
    expect(both.total).toBe(Math.floor(COUNT / 12) + (COUNT % 12 > 3 ? 1 : 0));
  });

  it('never turns hostile search syntax into an error', async () => {
    for (const q of ['"unclosed', 'a AND (b', '*', '\\', '~~~', 'subject.id:>5']) {
      const res = await app.inject({
        url: `/v1/incidents?q=${encodeURIComponent(q)}`,
        headers: bearer('viewer'),
      });
      expect(res.statusCode, q).toBe(200);
    }
  });
});
