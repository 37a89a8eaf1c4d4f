import type { Incident } from '../schemas/incident.js';
import { actionRef, makeAction } from './actions.js';
import { type Change, mergeChanges } from './correlate.js';
import { Dispatcher, type Outcome } from './delivery/dispatcher.js';
import { Throttle } from './delivery/throttle.js';
import type { OutcomeDeps } from './deps.js';
import {
  incidentLinks,
  type LinkBases,
  type Notice,
  type Notifier,
  noticeId,
  noticeKind,
} from './notifiers/notice.js';
import type { Summary } from './notifiers/summary.js';
import { gatehoundPayload } from './notifiers/webhook.js';
import { channelsOf, type Plan } from './policy/evaluate.js';

export interface NotificationsDeps extends OutcomeDeps {
  notifiers: Notifier[];
  throttleMs: number;
  links: LinkBases;
  /** The policy's current plan for an incident (when a digest falls due, the incident may have changed). */
  plan: (incident: Incident) => Plan;
}

type Delivery = (Notice | Summary) & { rule: string };

/**
 * Policy → messages: one per incident per throttle period (later changes folded into a digest), fanned
 * out to each channel's own queue; every outcome is recorded as a notify action on the incident.
 */
export class Notifications {
  readonly dispatcher: Dispatcher<Delivery>;
  private readonly throttle: Throttle<Change>;
  private readonly channels: string[];

  constructor(private readonly deps: NotificationsDeps) {
    this.channels = deps.notifiers.map((n) => n.name);
    this.throttle = new Throttle(deps.clock, deps.throttleMs, mergeChanges);
    this.dispatcher = new Dispatcher<Delivery>(
      deps.notifiers,
      deps.delivery,
      deps.clock,
      (o) => this.record(o),
      deps.wait,
    );
  }

  /** After a restart: the last message sent about this incident starts its throttle period. */
  restore(incident: Incident): void {
    const last = incident.actions.filter((a) => a.type === 'notify').at(-1);
    if (last) this.throttle.restore(incident.id, Date.parse(last.at));
  }

  offer(incident: Incident, change: Change, plan: Plan): void {
    const { live, dryRun } = channelsOf(plan, this.channels);
    if (live.length === 0 && dryRun.length === 0) return;
    const first =
      !this.throttle.hasSent(incident.id) &&
      !incident.actions.some((a) => a.type === 'notify') &&
      !change.resolved;
    const send = this.throttle.offer(incident.id, change);
    if (send)
      this.emit(incident, send, plan, first).catch((err: unknown) =>
        this.deps.log.error({ err, incidentId: incident.id }, 'could not queue a notification'),
      );
  }

  /** Sends the digests whose throttle period has ended; called every second and by tests. */
  async flush(): Promise<void> {
    for (const { key, item } of this.throttle.due()) {
      const incident = this.deps.book.byId(key) ?? (await this.deps.store.get<Incident>('incidents', key));
      if (incident) await this.emit(incident, item, this.deps.plan(incident), false);
    }
  }

  /** The daily digest to every channel that takes it, once per day (the action id is the dedup key). */
  async sendSummary(summary: Summary): Promise<number> {
    const targets = this.deps.notifiers.filter((n) => n.summaries).map((n) => n.name);
    let queued = 0;
    for (const channel of targets) {
      if (await this.deps.store.get('actions', `${summary.id}.${channel}`)) continue;
      this.dispatcher.enqueue(channel, { ...summary, rule: 'daily-digest' });
      queued++;
    }
    return queued;
  }

  idle(): Promise<void> {
    return this.dispatcher.idle();
  }

  stop(): Promise<void> {
    return this.dispatcher.stop();
  }

  private async emit(incident: Incident, change: Change, plan: Plan, first: boolean): Promise<void> {
    const { live, dryRun } = channelsOf(plan, this.channels);
    const kind = noticeKind(change, first);
    const rule = plan.notify.find((n) => !n.dryRun)?.rule ?? plan.notify[0]?.rule ?? 'policy';
    const notice: Delivery = {
      id: noticeId(incident, kind),
      kind,
      at: new Date(this.deps.clock.now()).toISOString(),
      incident,
      change,
      links: incidentLinks(incident.id, this.deps.links),
      rule,
    };
    for (const channel of live) this.dispatcher.enqueue(channel, notice);
    for (const channel of dryRun) {
      await this.record({
        destination: channel,
        item: notice,
        status: 'dry_run',
        attempts: 0,
        code: null,
        reason: null,
      });
    }
  }

  private async record(o: Outcome<Delivery> | (Omit<Outcome<Delivery>, 'status'> & { status: 'dry_run' })) {
    const n = o.item;
    const incident = n.kind === 'summary' ? null : n.incident;
    const action = makeAction({
      id: `${n.id}.${o.destination}`,
      type: 'notify',
      at: new Date(this.deps.clock.now()).toISOString(),
      actor: n.kind === 'summary' ? 'system:daily-digest' : `policy:${n.rule}`,
      incidentId: incident?.id ?? null,
      subject: incident?.subject ?? null,
      status: o.status,
      detail: {
        channel: o.destination,
        kind: n.kind,
        noticeId: n.id,
        attempts: o.attempts,
        code: o.code,
        error: o.reason,
      },
    });
    this.deps.metrics.notifications.inc({ channel: o.destination, status: o.status });
    try {
      if (o.status === 'dead_lettered') {
        this.deps.log.warn(
          { channel: o.destination, noticeId: n.id, code: o.code, attempts: o.attempts },
          'notification dead-lettered',
        );
        await this.deps.dlq.write([
          {
            code: o.code ?? 'NOTIFY_FAILED',
            reason: `${o.destination}: ${o.reason ?? 'not delivered'}`,
            payload: JSON.stringify(gatehoundPayload(n)),
            source: {},
          },
        ]);
      }
      await this.deps.store.put('actions', [{ id: action.id, doc: action }]);
      if (incident) await this.deps.book.appendAction(incident.id, actionRef(action));
    } catch (err) {
      this.deps.log.error({ err, actionId: action.id }, 'could not record a notification outcome');
    }
  }
}
