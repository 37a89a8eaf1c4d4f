import type { Batch } from '../infra/bus/index.js';
import type { Clock } from '../infra/clock.js';
import type { DeadLetterInput, DeadLetterWriter } from '../infra/dead-letter.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import type { Store } from '../infra/store/index.js';
import type { ActionRef } from '../schemas/action.js';
import { Finding } from '../schemas/finding.js';
import type { Incident } from '../schemas/incident.js';
import { decodeJson } from '../schemas/validate.js';
import { actionRef, makeAction, mergeRefs } from './actions.js';
import { type Change, correlate, incidentKey, mergeChanges } from './correlate.js';
import { type IncidentBook, incidentPatch } from './incident-store.js';
import type { ResponderMetrics } from './metrics.js';
import type { Notifications } from './notifications.js';
import type { Plan } from './policy/evaluate.js';
import { type RevocationWriter, revokeActionId } from './revocation/writer.js';
import type { SeenFindings } from './seen-findings.js';

export interface FindingsHandlerDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  dlq: DeadLetterWriter;
  book: IncidentBook;
  seen: SeenFindings;
  writer: RevocationWriter;
  notifications: Notifications;
  plan: (incident: Incident) => Plan;
  quietMs: number;
  metrics: ResponderMetrics;
  runtimeMetrics: Metrics;
}

interface Touched {
  before: Incident | null;
  incident: Incident;
  change: Change;
}

const WRITE_PARALLELISM = 48;

/**
 * A batch of findings, end to end: validate (bad ones dead-lettered), skip those already folded, fold
 * the rest into incidents (correlate.ts, pure), write incidents, carry out the policy's revokes, write the
 * findings, and only then queue the notifications. Offsets are committed when `handle` resolves.
 */
export class FindingsHandler {
  /** Event-time watermark: how far the findings have got, so quiet periods hold during a replay too. */
  readonly watermark = { eventMs: Number.NEGATIVE_INFINITY, seenAtMs: 0 };

  constructor(private readonly d: FindingsHandlerDeps) {}

  /** The event time quiet periods are judged against: a silent stream by the wall clock. */
  quietNow(): number {
    const wall = this.d.clock.now();
    return wall - this.watermark.seenAtMs > this.d.quietMs ? wall : Math.min(wall, this.watermark.eventMs);
  }

  /** Carries out the plan's revoke (once per incident) and records an allowlist skip; returns the new refs. */
  private async revokeIfPlanned(t: Touched, p: Plan): Promise<ActionRef[]> {
    const { incident } = t;
    const known = this.d.book.byId(incident.id)?.actions ?? incident.actions;
    const added: ActionRef[] = [];
    if (p.revoke && !known.some((a) => a.id === revokeActionId(incident.id))) {
      const { action, created } = await this.d.writer.revoke(incident, p.revoke);
      added.push(actionRef(action));
      const what = incident.subject.kind === 'key' ? 'key revoked' : 'address blocked';
      if (created) {
        this.d.metrics.actions.inc({ type: 'revoke', status: action.status });
        if (action.status === 'succeeded') t.change.notes.push(`${what} for ${action.detail.duration}`);
        if (action.status === 'dry_run')
          t.change.notes.push(`dry run: would be ${what} for ${action.detail.duration}`);
      }
    }
    const skipId = `${incident.id}.revoke-allowlisted`;
    if (p.allowlisted && !known.some((a) => a.id === skipId)) {
      const action = makeAction({
        id: skipId,
        type: 'revoke',
        at: new Date(this.d.clock.now()).toISOString(),
        actor: 'policy:allowlist',
        incidentId: incident.id,
        subject: incident.subject,
        status: 'skipped',
        detail: { reason: 'allowlisted', entry: p.allowlisted.entry, note: p.allowlisted.note },
      });
      await this.d.store.put('actions', [{ id: action.id, doc: action }]);
      added.push(actionRef(action));
      t.change.notes.push('not revoked: allowlisted');
    }
    for (const ref of added) await this.d.book.appendAction(incident.id, ref);
    return added;
  }

  private async persist(touched: Touched[]): Promise<void> {
    const fresh = touched.filter((t) => t.before === null);
    if (fresh.length)
      await this.d.store.put(
        'incidents',
        fresh.map((t) => ({ id: t.incident.id, doc: t.incident })),
      );
    const updates = touched.filter((t) => t.before !== null);
    for (let i = 0; i < updates.length; i += WRITE_PARALLELISM) {
      await Promise.all(
        updates.slice(i, i + WRITE_PARALLELISM).map(async (t) => {
          const patch = incidentPatch(t.before!, t.incident);
          if (Object.keys(patch).length) await this.d.store.update('incidents', t.incident.id, patch);
        }),
      );
    }
  }

  /** One batch of one partition; idempotent, so the bus may retry it. */
  async handle(batch: Batch): Promise<void> {
    const findings: Finding[] = [];
    const dead: DeadLetterInput[] = [];
    for (const m of batch.messages) {
      const decoded = decodeJson(Finding, m.value);
      if (decoded.ok) findings.push(decoded.value);
      else
        dead.push({
          code: decoded.code,
          reason: decoded.reason,
          payload: m.value,
          source: { topic: m.topic, partition: m.partition, offset: m.offset },
        });
    }
    this.d.runtimeMetrics.consumed.inc({ role: 'respond', topic: batch.topic }, batch.messages.length);
    await this.d.dlq.write(dead);
    if (dead.length)
      this.d.log.warn(
        { count: dead.length, topic: batch.topic, partition: batch.partition },
        'invalid findings dead-lettered',
      );
    const fresh = await this.d.seen.filterNew(findings);
    this.d.metrics.findings.inc({ outcome: 'duplicate' }, findings.length - fresh.length);
    await this.d.book.load(fresh);

    // Correlate against a batch-local view; the book changes only once the batch is done, so a batch
    // that fails half-way and is redelivered folds its findings into the same state again, not twice.
    const local = new Map<string, Incident>();
    const touched = new Map<string, Touched>();
    for (const f of fresh) {
      const key = incidentKey(f);
      const current = local.get(key) ?? this.d.book.current(key);
      const { incident, change } = correlate(current, f, this.d.quietMs);
      local.set(key, incident);
      const t = touched.get(incident.id);
      if (t) Object.assign(t, { incident, change: mergeChanges(t.change, change) });
      else touched.set(incident.id, { before: change.opened ? null : current, incident, change });
    }
    const list = [...touched.values()];
    await this.persist(list);
    const plans = new Map<string, Plan>();
    const added = new Map<string, ActionRef[]>();
    for (const t of list) {
      const p = this.d.plan(t.incident);
      plans.set(t.incident.id, p);
      added.set(t.incident.id, await this.revokeIfPlanned(t, p));
    }
    if (findings.length)
      await this.d.store.put(
        'findings',
        findings.map((f) => ({ id: f.id, doc: f })),
      );

    // Done: from here on nothing can fail the batch.
    this.d.seen.mark(fresh);
    for (const t of list) {
      const cached = this.d.book.byId(t.incident.id);
      this.d.book.save({
        ...t.incident,
        actions: mergeRefs(cached?.actions ?? t.incident.actions, added.get(t.incident.id)!),
      });
      if (t.before === null) this.d.metrics.incidents.inc({ type: t.incident.type });
    }
    for (const f of fresh) {
      const at = Date.parse(f.detectedAt);
      if (at > this.watermark.eventMs)
        Object.assign(this.watermark, { eventMs: at, seenAtMs: this.d.clock.now() });
    }
    this.d.metrics.findings.inc({ outcome: 'processed' }, fresh.length);
    for (const t of list)
      this.d.notifications.offer(this.d.book.byId(t.incident.id)!, t.change, plans.get(t.incident.id)!);
  }
}
