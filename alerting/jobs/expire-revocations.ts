import type { Bus, Subscription } from '../../infra/bus/index.js';
import type { Clock } from '../../infra/clock.js';
import type { Logger } from '../../infra/logger.js';
import { reinstatementMessage } from '../../infra/revocations.js';
import type { Store } from '../../infra/store/index.js';
import type { Action } from '../../schemas/action.js';
import { parseRevocationKey, Revocation, revocationKey } from '../../schemas/revocation.js';
import { decodeJson } from '../../schemas/validate.js';
import { makeAction } from '../actions.js';
import type { Dispatcher } from '../delivery/dispatcher.js';
import type { UpstreamCall } from '../revocation/adapters/index.js';
import { revokeActionId } from '../revocation/writer.js';

/**
 * Writes the tombstone of every revocation whose expiry has passed. Gateways stop enforcing at expiry
 * by themselves; the tombstone keeps the compacted topic and the API's view clean. Two responders
 * writing the same tombstone is harmless, and the action id is the same from both.
 */
export class RevocationExpiry {
  private readonly live = new Map<string, Revocation>();
  private subscription: Subscription | null = null;

  constructor(
    private readonly deps: {
      bus: Bus;
      store: Store;
      clock: Clock;
      log: Logger;
      topic: string;
      upstream: Dispatcher<UpstreamCall> | null;
    },
  ) {}

  async start(): Promise<void> {
    let caughtUp!: () => void;
    const ready = new Promise<void>((r) => {
      caughtUp = r;
    });
    this.subscription = await this.deps.bus.tail({
      topic: this.deps.topic,
      onMessage: (m) => {
        if (m.key === null || !parseRevocationKey(m.key)) return;
        if (m.value === null) {
          this.live.delete(m.key);
          return;
        }
        const decoded = decodeJson(Revocation, m.value);
        if (decoded.ok && decoded.value.expiresAt !== null) this.live.set(m.key, decoded.value);
        else this.live.delete(m.key);
      },
      onCaughtUp: () => caughtUp(),
    });
    await ready;
  }

  /** Tombstones everything expired now; returns how many. */
  async run(): Promise<number> {
    const now = this.deps.clock.now();
    const expired = [...this.live.values()].filter((r) => Date.parse(r.expiresAt!) <= now);
    if (expired.length === 0) return 0;
    await this.deps.bus.send(
      this.deps.topic,
      expired.map((r) => reinstatementMessage(r.subject)),
    );
    const at = new Date(now).toISOString();
    const actions = expired.map((r) =>
      makeAction({
        id: `${revocationKey(r.subject)}.expired.${Date.parse(r.expiresAt!)}`,
        type: 'reinstate',
        at,
        actor: 'system:expire-revocations',
        incidentId: r.incidentId,
        subject: r.subject,
        status: 'succeeded',
        detail: { expiresAt: r.expiresAt, revokedBy: r.actor },
      }),
    );
    await this.deps.store.put(
      'actions',
      actions.map((a) => ({ id: a.id, doc: a })),
    );
    for (const r of expired) {
      this.live.delete(revocationKey(r.subject));
      if (this.deps.upstream) await this.reinstateUpstream(this.deps.upstream, r);
    }
    this.deps.log.info({ count: expired.length }, 'expired revocations reinstated');
    return expired.length;
  }

  private async reinstateUpstream(upstream: Dispatcher<UpstreamCall>, r: Revocation): Promise<void> {
    const revoke = r.incidentId
      ? await this.deps.store.get<Action>('actions', revokeActionId(r.incidentId))
      : null;
    const keyRef = revoke?.detail.keyRef;
    for (const name of upstream.destinations)
      upstream.enqueue(name, {
        id: `${revocationKey(r.subject)}.reinstate.${Date.parse(r.expiresAt!)}.${name}`,
        op: 'reinstate',
        revocation: r,
        keyRef: typeof keyRef === 'string' ? keyRef : null,
      });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }
}
