import { type Severity, severityRank } from '../../schemas/common.js';
import type { Incident } from '../../schemas/incident.js';
import type { Allowlist, AllowMatch } from '../allowlist.js';
import type { EscalationRule } from './escalation.js';
import type { Policy, Rule } from './schema.js';

export interface NotifyPlan {
  rule: string;
  /** null: every configured channel. */
  channels: string[] | null;
  dryRun: boolean;
}

export interface RevokePlan {
  rule: string;
  baseMs: number;
  escalation: EscalationRule | null;
  dryRun: boolean;
}

export interface Plan {
  matched: string[];
  notify: NotifyPlan[];
  /** The first matching rule's revoke; null when none applies. */
  revoke: RevokePlan | null;
  /** Set when a revoke was planned but the subject is allowlisted: the revoke is then dropped. */
  allowlisted: AllowMatch | null;
}

export function ruleMatches(rule: Rule, incident: Incident): boolean {
  const m = rule.match;
  if (m.type && !m.type.includes(incident.type)) return false;
  if (m.severity && !m.severity.includes(incident.severity)) return false;
  if (m.minSeverity && severityRank(incident.severity) < severityRank(m.minSeverity as Severity))
    return false;
  if (m.minScore !== undefined && incident.score < m.minScore) return false;
  if (m.subjectKind && m.subjectKind !== incident.subject.kind) return false;
  if (m.subjectIds && !m.subjectIds.includes(incident.subject.id)) return false;
  return true;
}

/** What the policy wants done about an incident as it stands now. Pure: the responder carries it out. */
export function evaluate(policy: Policy, allowlist: Allowlist, incident: Incident, nowMs: number): Plan {
  const plan: Plan = { matched: [], notify: [], revoke: null, allowlisted: null };
  for (const rule of policy.rules) {
    if (!ruleMatches(rule, incident)) continue;
    plan.matched.push(rule.name);
    for (const action of rule.actions) {
      if (action.notify) {
        plan.notify.push({ rule: rule.name, channels: action.notify.channels, dryRun: rule.dryRun });
      } else if (action.revoke && !plan.revoke) {
        const e = action.revoke.escalation;
        plan.revoke = {
          rule: rule.name,
          baseMs: action.revoke.duration,
          escalation: e && { factor: e.factor, windowMs: e.window, maxMs: e.max },
          dryRun: rule.dryRun,
        };
      }
    }
    if (rule.final) break;
  }
  if (plan.revoke) {
    plan.allowlisted = allowlist.match(incident.subject, nowMs);
    if (plan.allowlisted) plan.revoke = null;
  }
  return plan;
}

/** Channel names a plan notifies, resolved against the configured channels; dry-run ones apart. */
export function channelsOf(plan: Plan, all: readonly string[]): { live: string[]; dryRun: string[] } {
  const live = new Set<string>();
  const dry = new Set<string>();
  for (const n of plan.notify) for (const c of n.channels ?? all) (n.dryRun ? dry : live).add(c);
  for (const c of live) dry.delete(c);
  return { live: [...live], dryRun: [...dry] };
}
