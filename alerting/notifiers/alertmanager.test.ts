import { describe, expect, it } from 'vitest';
import { openIncident } from '../correlate.js';
import { finding } from '../testdata/findings.js';
import { alertmanagerPayload } from './alertmanager.js';
import type { Notice } from './notice.js';

const incident = { ...openIncident(finding({ severity: 'high' })), id: 'inc-1' };
const notice = (kind: Notice['kind']): Notice => ({
  id: 'n1',
  kind,
  at: '2026-11-30T12:05:00Z',
  incident,
  change: {
    opened: kind === 'opened',
    resolved: kind === 'resolved',
    severityFrom: null,
    findingsAdded: 1,
    notes: [],
  },
  links: { api: 'https://api.test/v1/incidents/inc-1', dashboards: null },
});

describe('Alertmanager webhook payload v4', () => {
  it('has every field a v4 receiver reads', () => {
    const p = alertmanagerPayload(notice('opened'), 'webhook');
    expect(p).toMatchObject({
      version: '4',
      groupKey: '{}:{incident="inc-1"}',
      status: 'firing',
      receiver: 'webhook',
      groupLabels: { incident: 'inc-1' },
      commonLabels: { alertname: 'gatehound_auth_failure_burst', severity: 'high', subject_kind: 'key' },
      externalURL: 'https://api.test',
    });
    expect(p.alerts).toHaveLength(1);
    expect(p.alerts[0]).toMatchObject({
      status: 'firing',
      startsAt: incident.detectedAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'https://api.test/v1/incidents/inc-1',
    });
    expect(p.alerts[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('says resolved, with an end time, when the incident resolves; the fingerprint stays', () => {
    const firing = alertmanagerPayload(notice('opened'), 'webhook');
    const resolved = alertmanagerPayload(notice('resolved'), 'webhook');
    expect(resolved.status).toBe('resolved');
    expect(resolved.alerts[0]).toMatchObject({ status: 'resolved', endsAt: incident.lastSeen });
    expect(resolved.alerts[0]!.fingerprint).toBe(firing.alerts[0]!.fingerprint);
  });
});
