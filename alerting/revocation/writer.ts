import type { Bus } from '../../infra/bus/index.js';
import type { Clock } from '../../infra/clock.js';
import { revocationMessage } from '../../infra/revocations.js';
import type { Store } from '../../infra/store/index.js';
import type { Action } from '../../schemas/action.js';
import type { Incident } from '../../schemas/incident.js';
import { REVOCATION_SCHEMA, type Revocation, RevocationSubject } from '../../schemas/revocation.js';
import { makeAction } from '../actions.js';
import type { Dispatcher } from '../delivery/dispatcher.js';
import { evidenceLine } from '../notifiers/notice.js';
import { formatDuration } from '../policy/duration.js';
import { revocationDurationMs } from '../policy/escalation.js';
import type { RevokePlan } from '../policy/evaluate.js';
import type { UpstreamCall } from './adapters/index.js';

/** One revocation per incident: the action id is the dedup key a replay or a second responder finds. */
export function revokeActionId(incidentId: string): string {
  return `${incidentId}.revoke`;
}

export interface RevocationWriterDeps {
  bus: Bus;
  store: Store;
  clock: Clock;
  topic: string;
  /** Upstream admin APIs; null when none is configured. */
  upstream: Dispatcher<UpstreamCall> | null;
}

/**
 * Carries out a planned revoke: escalates from the subject's earlier revocations (actions index), writes
 * the record to the compacted topic, records the action, and hands the upstream calls to the dispatcher.
 */
export class RevocationWriter {
  constructor(private readonly deps: RevocationWriterDeps) {}

  /** `created` is false when an earlier run (a redelivery, another responder) already did it. */
  async revoke(incident: Incident, plan: RevokePlan): Promise<{ action: Action; created: boolean }> {
    const { store, clock } = this.deps;
    const id = revokeActionId(incident.id);
    const existing = await store.get<Action>('actions', id);
    if (existing) return { action: existing, created: false };
    const now = clock.now();
    const at = new Date(now).toISOString();
    const base = { id, type: 'revoke' as const, at, actor: `policy:${plan.rule}` };
    const subject = RevocationSubject.safeParse(incident.subject);
    if (!subject.success) {
      return this.record(
        makeAction({
          ...base,
          incidentId: incident.id,
          subject: incident.subject,
          status: 'failed',
          detail: { reason: `subject cannot be revoked: ${subject.error.issues[0]?.message ?? 'invalid'}` },
        }),
      );
    }
    const repeats = plan.escalation ? await this.repeats(incident, now - plan.escalation.windowMs) : 0;
    const durationMs = revocationDurationMs(plan.baseMs, repeats, plan.escalation);
    const revocation: Revocation = {
      schema: REVOCATION_SCHEMA,
      subject: subject.data,
      reason: `${incident.severity} ${incident.type}: ${evidenceLine(incident)}`.slice(0, 512),
      incidentId: incident.id,
      actor: base.actor,
      createdAt: at,
      expiresAt: new Date(now + durationMs).toISOString(),
    };
    const keyRef = incident.evidence.details?.keyRef;
    const detail = {
      // key.ref is the upstream's own reference (e.g. LiteLLM's SHA-256 of the key), needed to unblock it.
      keyRef: typeof keyRef === 'string' ? keyRef : null,
      duration: formatDuration(durationMs),
      durationMs,
      repeats,
      expiresAt: revocation.expiresAt,
      rule: plan.rule,
    };
    if (plan.dryRun) {
      return this.record(
        makeAction({
          ...base,
          incidentId: incident.id,
          subject: incident.subject,
          status: 'dry_run',
          detail: { ...detail, wouldRevoke: true },
        }),
      );
    }
    await this.deps.bus.send(this.deps.topic, [revocationMessage(revocation)]);
    const done = await this.record(
      makeAction({
        ...base,
        incidentId: incident.id,
        subject: incident.subject,
        status: 'succeeded',
        detail,
      }),
    );
    const upstream = this.deps.upstream;
    if (upstream) {
      for (const name of upstream.destinations)
        upstream.enqueue(name, {
          id: `${id}.${name}`,
          op: 'revoke',
          revocation,
          keyRef: detail.keyRef,
        });
    }
    return done;
  }

  /** Earlier revocations of this subject inside the escalation window (the repeat-offender count). */
  private async repeats(incident: Incident, sinceMs: number): Promise<number> {
    const res = await this.deps.store.search('actions', {
      filters: {
        type: 'revoke',
        status: 'succeeded',
        'subject.kind': incident.subject.kind,
        'subject.id': incident.subject.id,
      },
      ranges: [{ field: 'at', gte: new Date(sinceMs).toISOString() }],
      limit: 1,
    });
    return res.total;
  }

  private async record(action: Action): Promise<{ action: Action; created: boolean }> {
    await this.deps.store.put('actions', [{ id: action.id, doc: action }]);
    return { action, created: true };
  }
}
