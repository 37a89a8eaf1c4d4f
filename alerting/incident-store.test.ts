import { describe, expect, it } from 'vitest';
import { ManualClock } from '../infra/clock.js';
import { MemoryStore } from '../infra/store/index.js';
import { fold, openIncident } from './correlate.js';
import { IncidentBook, incidentPatch } from './incident-store.js';
import { finding } from './testdata/findings.js';

describe('incident writes', () => {
  it('patches only the fields correlation changed, never status or actions', () => {
    const before = {
      ...openIncident(finding({ id: 'a', severity: 'high' })),
      status: 'acknowledged' as const,
    };
    const after = fold(
      before,
      finding({ id: 'b', severity: 'high', score: 0.5, detectedAt: '2026-11-30T12:05:00.000Z' }),
    );
    expect(incidentPatch(before, after)).toEqual({ lastSeen: '2026-11-30T12:05:00.000Z', findingCount: 2 });
  });

  it('replaces evidence whole, although the store deep-merges objects', async () => {
    const store = new MemoryStore();
    const before = openIncident(
      finding({
        id: 'a',
        evidence: {
          signal: 'hits',
          observed: 3,
          baseline: null,
          threshold: 2,
          signatures: [{ id: 'old', category: 'x', count: 3 }],
          sampleEventIds: [],
          details: { stale: 'from the first finding', kept: 1 },
        },
      }),
    );
    await store.put('incidents', [{ id: before.id, doc: before }]);
    const after = fold(
      before,
      finding({
        id: 'b',
        severity: 'critical',
        evidence: {
          signal: 'hits',
          observed: 9,
          baseline: null,
          threshold: 2,
          sampleEventIds: [],
          details: { kept: 2 },
        },
      }),
    );
    await store.update('incidents', before.id, incidentPatch(before, after));
    const stored = await store.get<typeof before>('incidents', before.id);
    expect(stored!.evidence).toEqual({
      signal: 'hits',
      observed: 9,
      baseline: null,
      threshold: 2,
      signatures: [],
      sampleEventIds: [],
      details: { stale: null, kept: 2 },
    });
  });

  it('serialises action writes of one incident so none is lost', async () => {
    const store = new MemoryStore();
    const incident = openIncident(finding());
    await store.put('incidents', [{ id: incident.id, doc: incident }]);
    const book = new IncidentBook(store, new ManualClock(), { ttlMs: 60_000, maxEntries: 10 });
    book.save(incident);
    const ref = (id: string) => ({
      id,
      type: 'notify' as const,
      at: '2026-11-30T12:00:00.000Z',
      status: 'succeeded' as const,
      actor: 'policy:x',
    });
    await Promise.all(['a', 'b', 'c'].map((id) => book.appendAction(incident.id, ref(id))));
    const stored = await store.get<typeof incident>('incidents', incident.id);
    expect(stored!.actions.map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect(book.byId(incident.id)!.actions.map((a) => a.id)).toEqual(['a', 'b', 'c']);
  });
});
