import { describe, expect, it } from 'vitest';
import type { Incident } from '../../schemas/incident.js';
import { Allowlist } from '../allowlist.js';
import { openIncident } from '../correlate.js';
import { finding } from '../testdata/findings.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { revocationDurationMs } from './escalation.js';
import { channelsOf, evaluate } from './evaluate.js';
import { Policy } from './schema.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const KEY = '0123456789abcdef0123456789abcdef';
const HOUR = 3_600_000;

function incident(overrides: Partial<Incident> = {}): Incident {
  return { ...openIncident(finding()), ...overrides };
}

const builtIn = (i: Incident) => evaluate(DEFAULT_POLICY, new Allowlist(DEFAULT_POLICY.allowlist), i, NOW);

describe('built-in policy', () => {
  it('revokes a key on a critical incident for 1 hour, escalating ×4 up to 7 days, and notifies', () => {
    const plan = builtIn(incident({ severity: 'critical' }));
    expect(plan.revoke).toEqual({
      rule: 'revoke-critical-keys',
      baseMs: HOUR,
      escalation: { factor: 4, windowMs: 30 * 24 * HOUR, maxMs: 7 * 24 * HOUR },
      dryRun: false,
    });
    expect(channelsOf(plan, ['slack', 'webhook'])).toEqual({ live: ['slack', 'webhook'], dryRun: [] });
  });

  it('notifies but does not revoke a key on a high incident', () => {
    const plan = builtIn(incident({ severity: 'high' }));
    expect(plan.revoke).toBeNull();
    expect(plan.notify).toHaveLength(1);
  });

  it('does nothing for a low incident', () => {
    const plan = builtIn(incident({ severity: 'low' }));
    expect(plan).toEqual({ matched: [], notify: [], revoke: null, allowlisted: null });
  });

  it('blocks an ip for 15 minutes on a high probing or auth-failure incident', () => {
    for (const type of ['probing', 'auth_failure_burst'] as const) {
      const plan = builtIn(incident({ type, severity: 'high', subject: { kind: 'ip', id: '203.0.113.7' } }));
      expect(plan.revoke).toMatchObject({ rule: 'block-abusive-ips', baseMs: 15 * 60_000 });
    }
  });

  it('must not block an ip for a volume spike or a medium probing incident, nor a key for probing-high', () => {
    const ip = { kind: 'ip' as const, id: '203.0.113.7' };
    expect(builtIn(incident({ type: 'volume_spike', severity: 'critical', subject: ip })).revoke).toBeNull();
    expect(builtIn(incident({ type: 'probing', severity: 'medium', subject: ip })).revoke).toBeNull();
    expect(builtIn(incident({ type: 'probing', severity: 'high' })).revoke).toBeNull();
  });
});

describe('escalation arithmetic', () => {
  const e = { factor: 4, windowMs: 30 * 24 * HOUR, maxMs: 7 * 24 * HOUR };
  it('is base × factor^repeats, capped at the maximum', () => {
    expect([0, 1, 2, 3, 4, 50].map((n) => revocationDurationMs(HOUR, n, e) / HOUR)).toEqual([
      1, 4, 16, 64, 168, 168,
    ]);
    expect(revocationDurationMs(15 * 60_000, 2, e)).toBe(4 * HOUR);
    expect(revocationDurationMs(HOUR, 3, null)).toBe(HOUR);
  });
});

describe('policy files', () => {
  const policy = Policy.parse({
    allowlist: {
      keys: [{ id: KEY, note: 'load test key' }],
      ips: [{ range: '10.0.0.0/8' }, { range: '198.51.100.0/24', expiresAt: '2026-11-30T11:00:00Z' }],
    },
    rules: [
      { name: 'quiet-volume', match: { type: ['volume_spike'] }, actions: ['none'], final: true },
      { name: 'page', match: { minScore: 0.8 }, actions: [{ notify: { channels: ['oncall'] } }] },
      {
        name: 'try-revoke',
        match: { severity: ['critical'] },
        actions: [{ revoke: { duration: '2h' } }],
        dryRun: true,
      },
    ],
  });
  const evaluateFile = (i: Incident) => evaluate(policy, new Allowlist(policy.allowlist), i, NOW);

  it('stops at a final rule: "none" silences', () => {
    const plan = evaluateFile(incident({ type: 'volume_spike', severity: 'critical', score: 1 }));
    expect(plan).toMatchObject({ matched: ['quiet-volume'], notify: [], revoke: null });
  });

  it('matches on score and names channels', () => {
    expect(channelsOf(evaluateFile(incident({ score: 0.85 })), ['oncall', 'slack']).live).toEqual(['oncall']);
    expect(evaluateFile(incident({ score: 0.5 })).notify).toEqual([]);
  });

  it('marks a dry-run rule’s revoke as dry run', () => {
    const other = { kind: 'key' as const, id: 'f'.repeat(32) };
    expect(evaluateFile(incident({ severity: 'critical', subject: other })).revoke).toMatchObject({
      dryRun: true,
      baseMs: 2 * HOUR,
    });
  });

  it('never revokes an allowlisted key, but still notifies', () => {
    const plan = evaluateFile(incident({ severity: 'critical', score: 0.9 }));
    expect(plan.revoke).toBeNull();
    expect(plan.allowlisted).toEqual({ kind: 'key', entry: KEY, note: 'load test key' });
    expect(plan.notify).toHaveLength(1);
  });

  it('allowlists ip ranges until their expiry', () => {
    const ip = (id: string) => incident({ severity: 'critical', subject: { kind: 'ip', id } });
    expect(evaluateFile(ip('10.1.2.3')).allowlisted).toMatchObject({ entry: '10.0.0.0/8' });
    expect(evaluateFile(ip('198.51.100.9')).allowlisted).toBeNull(); // expired an hour ago
    expect(evaluateFile(ip('198.51.100.9')).revoke).not.toBeNull();
  });
});
