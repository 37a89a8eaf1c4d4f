import { beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../schemas/incident.js';
import { apiHarness, bearer, type Harness, incident } from '../../test/helpers/api.js';

let h: Harness;
const get = async (url: string) => h.app.inject({ url, headers: bearer('viewer') });

beforeAll(async () => {
  h = await apiHarness();
  await h.deps.store.put(
    'incidents',
    Array.from({ length: 120 }, (_, i) => ({ id: incident(i).id, doc: incident(i) })),
  );
});

describe('GET /v1/incidents', () => {
  it('answers the newest first by lastSeen, 50 by default, with the total and a cursor', async () => {
    const page = (await get('/v1/incidents')).json();
    expect(page.items).toHaveLength(50);
    expect(page.total).toBe(120);
    expect(page.items[0].id).toBe('inc-000119');
    expect(typeof page.next).toBe('string');
  });

  it('combines filters with AND', async () => {
    const page = (await get('/v1/incidents?type=probing&subjectKind=ip&severity=medium&limit=500')).json();
    expect(page.total).toBe(30);
    expect(page.items.every((i: Incident) => i.type === 'probing' && i.subject.kind === 'ip')).toBe(true);
  });

  it('filters on one subject and on status', async () => {
    const subject = incident(7).subject.id;
    const bySubject = (await get(`/v1/incidents?subjectId=${subject}`)).json();
    expect(bySubject.items.map((i: Incident) => i.id)).toEqual(['inc-000007']);
    expect((await get('/v1/incidents?status=resolved')).json().total).toBe(0);
  });

  it('selects incidents overlapping [since, until]', async () => {
    // incident i spans minute i: firstSeen :00, lastSeen :30.
    const page = (
      await get('/v1/incidents?since=2026-11-01T00:10:15Z&until=2026-11-01T00:12:00Z&sort=firstSeen')
    ).json();
    expect(page.items.map((i: Incident) => i.id)).toEqual(['inc-000010', 'inc-000011', 'inc-000012']);
  });

  it('searches free text (signature categories are covered on OpenSearch in test/integration)', async () => {
    const page = (await get('/v1/incidents?q=distinct_paths&limit=500')).json();
    expect(page.total).toBe(40);
    expect(page.items.every((i: Incident) => i.evidence.signal === 'distinct_paths')).toBe(true);
  });

  it('sorts by score, ascending or descending', async () => {
    const asc = (await get('/v1/incidents?sort=score&limit=3')).json();
    expect(asc.items.map((i: Incident) => i.score)).toEqual([0, 0, 0.01]);
    const desc = (await get('/v1/incidents?sort=-score&limit=1')).json();
    expect(desc.items[0].score).toBe(0.99);
  });

  it('pages with the cursor through every incident once, and ends with next: null', async () => {
    const seen: string[] = [];
    let url = '/v1/incidents?limit=7&sort=-score';
    for (;;) {
      const page = (await get(url)).json();
      seen.push(...page.items.map((i: Incident) => i.id));
      if (!page.next) break;
      url = `/v1/incidents?limit=7&sort=-score&cursor=${page.next}`;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
  });
});

describe('GET /v1/incidents/:id', () => {
  it('answers the incident, or 404 JSON', async () => {
    expect((await get('/v1/incidents/inc-000003')).json()).toEqual(incident(3));
    const missing = await get('/v1/incidents/inc-999999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.type).toBe('not_found');
  });
});

describe('POST /v1/incidents/:id/ack and /resolve', () => {
  const post = (url: string) => h.app.inject({ method: 'POST', url, headers: bearer('responder') });

  it('acknowledges, then resolves, changing only the status', async () => {
    const acked = await post('/v1/incidents/inc-000020/ack');
    expect(acked.statusCode).toBe(200);
    expect(acked.json()).toEqual({ ...incident(20), status: 'acknowledged' });
    expect((await post('/v1/incidents/inc-000020/ack')).statusCode).toBe(200);
    expect((await post('/v1/incidents/inc-000020/resolve')).json().status).toBe('resolved');
    expect((await h.deps.store.get<Incident>('incidents', 'inc-000020'))?.status).toBe('resolved');
  });

  it('refuses to acknowledge a resolved incident with 409', async () => {
    await post('/v1/incidents/inc-000021/resolve');
    const res = await post('/v1/incidents/inc-000021/ack');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.type).toBe('conflict');
  });

  it('answers 404 for an unknown incident', async () => {
    expect((await post('/v1/incidents/nope/resolve')).statusCode).toBe(404);
  });

  it('audits each change: who, what, when, from where', async () => {
    await h.app.inject({
      method: 'POST',
      url: '/v1/incidents/inc-000030/ack',
      headers: bearer('responder'),
      remoteAddress: '192.0.2.44',
    });
    const { items } = await h.deps.store.search('actions', {
      filters: { incidentId: 'inc-000030' },
      limit: 5,
    });
    expect(items).toEqual([
      expect.objectContaining({
        type: 'status_change',
        actor: 'api:responder-1',
        at: '2026-12-01T12:00:00.000Z',
        status: 'succeeded',
        subject: incident(30).subject,
        detail: expect.objectContaining({
          from: 'open',
          to: 'acknowledged',
          clientIp: '192.0.2.44',
          route: '/v1/incidents/:id/ack',
          statusCode: 200,
        }),
      }),
    ]);
  });
});
