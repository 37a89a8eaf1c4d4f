import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../infra/store/index.js';

function incident(i: number, overrides: Record<string, unknown> = {}) {
  const day = String(1 + (i % 28)).padStart(2, '0');
  return {
    id: `inc-${String(i).padStart(4, '0')}`,
    type: ['volume_spike', 'probing', 'auth_failure_burst', 'injection'][i % 4],
    subject: { kind: i % 2 ? 'ip' : 'key', id: i % 2 ? `203.0.113.${i % 250}` : `k${i}` },
    severity: ['low', 'medium', 'high', 'critical'][i % 4],
    status: 'open',
    score: (i % 100) / 100,
    firstSeen: `2026-11-${day}T10:00:00.000Z`,
    lastSeen: `2026-11-${day}T10:05:00.000Z`,
    detectedAt: `2026-11-${day}T10:01:00.000Z`,
    findingCount: 1 + (i % 5),
    evidence: {
      signal: i % 3 ? 'requests_per_minute' : 'distinct_paths',
      observed: i,
      baseline: 1,
      threshold: 10,
      sampleEventIds: [],
    },
    actions: [],
    ...overrides,
  };
}

/** The behaviour every Store must have, run against the in-process store (unit) and OpenSearch (integration). */
export function describeStoreConformance(
  name: string,
  makeStore: () => Promise<Store>,
  cleanup?: (s: Store) => Promise<void>,
): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await makeStore();
      await store.ensureIndices();
      await store.ensureIndices();
      const docs = Array.from({ length: 250 }, (_, i) => ({ id: incident(i).id, doc: incident(i) }));
      await store.put('incidents', docs, { refresh: true });
    });
    afterAll(async () => {
      if (store && cleanup) await cleanup(store);
      await store?.close();
    });

    it('gets a document by id, and null for an unknown id', async () => {
      expect(await store.get('incidents', 'inc-0007')).toMatchObject({
        id: 'inc-0007',
        type: 'injection',
        findingCount: 3,
      });
      expect(await store.get('incidents', 'no-such-id')).toBeNull();
    });

    it('is idempotent: writing the same id again replaces, never duplicates', async () => {
      await store.put('incidents', [{ id: 'inc-0001', doc: incident(1, { status: 'acknowledged' }) }], {
        refresh: true,
      });
      const res = await store.search('incidents', { filters: { id: 'inc-0001' }, limit: 10 });
      expect(res.total).toBe(1);
      expect(res.items[0]).toMatchObject({ status: 'acknowledged' });
      const all = await store.search('incidents', { limit: 1 });
      expect(all.total).toBe(250);
    });

    it('filters by exact values, any-of lists and nested fields', async () => {
      const probing = await store.search('incidents', { filters: { type: 'probing' }, limit: 500 });
      expect(probing.total).toBe(63);
      const keys = await store.search('incidents', {
        filters: { 'subject.kind': 'key', severity: ['high', 'critical'] },
        limit: 500,
      });
      expect(keys.items.every((d) => (d.subject as { kind: string }).kind === 'key')).toBe(true);
      expect(keys.total).toBe(62);
    });

    it('filters date ranges as instants, whatever the offset', async () => {
      const res = await store.search('incidents', {
        ranges: [{ field: 'detectedAt', gte: '2026-11-10T12:00:00+02:00', lt: '2026-11-11T00:00:00Z' }],
        limit: 500,
      });
      expect(res.items.map((d) => d.detectedAt).every((t) => String(t).startsWith('2026-11-10'))).toBe(true);
      expect(res.total).toBe(9);
    });

    it('searches free text over the text fields', async () => {
      const res = await store.search('incidents', { text: 'distinct_paths', limit: 500 });
      expect(res.total).toBe(84);
    });

    it('sorts and pages with a cursor: no gaps, no repeats', async () => {
      const seen: string[] = [];
      let after: (string | number)[] | undefined;
      for (let page = 0; page < 20; page++) {
        const res = await store.search('incidents', {
          sort: [{ field: 'score', order: 'desc' }],
          limit: 40,
          ...(after ? { after } : {}),
        });
        seen.push(...res.items.map((d) => String(d.id)));
        if (!res.next) break;
        after = res.next;
      }
      expect(seen).toHaveLength(250);
      expect(new Set(seen).size).toBe(250);
      const scores = await Promise.all(
        seen.slice(0, 5).map((id) => store.get<{ score: number }>('incidents', id)),
      );
      expect(scores.map((s) => s!.score)).toEqual([0.99, 0.99, 0.98, 0.98, 0.97]);
    });

    it('writes time-partitioned documents and finds them by id', async () => {
      const finding = (id: string, start: string) => ({
        schema: 'gatehound.finding.v1',
        id,
        detector: 'probing',
        subject: { kind: 'ip', id: '198.51.100.9' },
        score: 0.9,
        severity: 'high',
        window: { start, end: start },
        firstSeen: start,
        detectedAt: start,
        evidence: {
          signal: 'distinct_paths',
          observed: 40,
          baseline: 2,
          threshold: 12,
          sampleEventIds: ['e1'],
          details: { paths: 40 },
        },
      });
      await store.put(
        'findings',
        [
          { id: 'f-a', doc: finding('f-a', '2026-11-01T23:59:00Z') },
          { id: 'f-b', doc: finding('f-b', '2026-11-02T00:01:00Z') },
        ],
        { refresh: true },
      );
      await store.put('findings', [{ id: 'f-a', doc: finding('f-a', '2026-11-01T23:59:00Z') }], {
        refresh: true,
      });
      expect(await store.get('findings', 'f-b')).toMatchObject({ id: 'f-b', detector: 'probing' });
      const res = await store.search('findings', { filters: { 'subject.id': '198.51.100.9' }, limit: 10 });
      expect(res.total).toBe(2);
    });

    it('updates part of a long-lived document, leaving the rest, and says when there is none', async () => {
      expect(
        await store.update(
          'incidents',
          'inc-0002',
          { status: 'resolved', subject: { id: 'k2-renamed' } },
          { refresh: true },
        ),
      ).toBe(true);
      expect(await store.get('incidents', 'inc-0002')).toMatchObject({
        status: 'resolved',
        subject: { kind: 'key', id: 'k2-renamed' },
        findingCount: 3,
      });
      expect(await store.update('incidents', 'no-such-id', { status: 'resolved' })).toBe(false);
      await expect(store.update('findings', 'f-a', { score: 0 })).rejects.toMatchObject({
        code: 'STORE_QUERY_INVALID',
      });
    });

    it('deletes what is older than the retention cutoff, by event time', async () => {
      const action = (id: string, at: string) => ({
        schema: 'gatehound.action.v1',
        id,
        type: 'audit',
        at,
        actor: 'api:ops',
        incidentId: null,
        subject: null,
        status: 'succeeded',
        detail: {},
      });
      await store.put(
        'actions',
        [
          { id: 'a-old', doc: action('a-old', '2026-10-01T00:00:00Z') },
          { id: 'a-new', doc: action('a-new', '2026-11-20T00:00:00Z') },
        ],
        { refresh: true },
      );
      await store.deleteOlderThan('actions', '2026-11-01T00:00:00Z');
      await store.deleteOlderThan('findings', '2026-11-02T00:00:00Z');
      if ('refresh' in store) await (store as unknown as { refresh(): Promise<void> }).refresh();
      expect(await store.get('actions', 'a-old')).toBeNull();
      expect(await store.get('actions', 'a-new')).not.toBeNull();
      expect(await store.get('findings', 'f-a')).toBeNull();
      expect(await store.get('findings', 'f-b')).not.toBeNull();
    });

    it('answers ping', async () => {
      expect(await store.ping()).toBe(true);
    });
  });
}
