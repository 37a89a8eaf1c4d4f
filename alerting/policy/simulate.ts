import type { Finding } from '../../schemas/finding.js';
import type { Incident } from '../../schemas/incident.js';
import { Allowlist } from '../allowlist.js';
import { correlate, incidentKey } from '../correlate.js';
import { formatDuration } from './duration.js';
import { revocationDurationMs } from './escalation.js';
import { channelsOf, evaluate } from './evaluate.js';
import type { Policy } from './schema.js';

export interface SimulatedRow {
  findingId: string;
  incidentId: string;
  incident: 'opened' | 'joined';
  severity: Incident['severity'];
  /** What this finding would set off, in words: "notify slack, webhook", "revoke key … for 4h", … */
  actions: string[];
}

/**
 * `gatehound policy test`: runs findings through correlation and the policy as the responder would
 * (no store, no clock: revocations escalate from the earlier ones in the same input), and says what
 * each finding would trigger. Throttling is not simulated: a notify is shown when a rule first matches.
 */
export function simulatePolicy(
  policy: Policy,
  findings: readonly Finding[],
  channels: readonly string[],
  quietMs: number,
): SimulatedRow[] {
  const allowlist = new Allowlist(policy.allowlist);
  const current = new Map<string, Incident>();
  const notified = new Set<string>();
  const revoked = new Set<string>();
  const history = new Map<string, number[]>();
  return findings.map((f) => {
    const key = incidentKey(f);
    const { incident, change } = correlate(current.get(key) ?? null, f, quietMs);
    current.set(key, incident);
    const now = Date.parse(f.detectedAt);
    const plan = evaluate(policy, allowlist, incident, now);
    const actions: string[] = [];
    const { live, dryRun } = channelsOf(plan, channels);
    if (plan.notify.length && !notified.has(incident.id)) {
      notified.add(incident.id);
      if (live.length) actions.push(`notify ${live.join(', ')}`);
      if (dryRun.length) actions.push(`dry run: would notify ${dryRun.join(', ')}`);
      if (!live.length && !dryRun.length) actions.push('notify: no channel configured');
    }
    if (plan.revoke && !revoked.has(incident.id)) {
      revoked.add(incident.id);
      const subject = `${incident.subject.kind}:${incident.subject.id}`;
      const window = plan.revoke.escalation?.windowMs ?? 0;
      const past = (history.get(subject) ?? []).filter((t) => now - t <= window);
      const ms = revocationDurationMs(plan.revoke.baseMs, past.length, plan.revoke.escalation);
      const verb = incident.subject.kind === 'key' ? 'revoke' : 'block';
      const text = `${verb} ${subject} for ${formatDuration(ms)}${past.length ? ` (repeat ${past.length})` : ''} [${plan.revoke.rule}]`;
      actions.push(plan.revoke.dryRun ? `dry run: would ${text}` : text);
      if (!plan.revoke.dryRun) history.set(subject, [...past, now]);
    }
    if (plan.allowlisted && !revoked.has(incident.id)) {
      revoked.add(incident.id);
      actions.push(`not revoked: allowlisted (${plan.allowlisted.entry})`);
    }
    return {
      findingId: f.id,
      incidentId: incident.id,
      incident: change.opened ? 'opened' : 'joined',
      severity: incident.severity,
      actions,
    };
  });
}
