import type { Clock } from '../../infra/clock.js';
import type { Store } from '../../infra/store/index.js';
import type { Incident } from '../../schemas/incident.js';
import { actionRef, makeAction } from '../actions.js';
import { NO_CHANGE } from '../correlate.js';
import type { IncidentBook } from '../incident-store.js';
import type { Notifications } from '../notifications.js';
import type { Plan } from '../policy/evaluate.js';

export interface ResolveQuietDeps {
  store: Store;
  clock: Clock;
  book: IncidentBook;
  notifications: Notifications;
  plan: (incident: Incident) => Plan;
  quietMs: number;
  /** The event time quiet periods are judged against (see the responder's watermark). */
  quietNow: () => number;
}

/**
 * Resolves open incidents without a finding for the quiet period. Acknowledged ones are left alone: a
 * person is on them. Safe with two responders: the status write and the action id are the same twice.
 */
export async function resolveQuiet(deps: ResolveQuietDeps): Promise<number> {
  const cutoff = deps.quietNow() - deps.quietMs;
  const res = await deps.store.search<Incident>('incidents', {
    filters: { status: 'open' },
    ranges: [{ field: 'lastSeen', lt: new Date(cutoff).toISOString() }],
    sort: [{ field: 'lastSeen', order: 'asc' }],
    limit: 500,
  });
  let resolved = 0;
  for (const found of res.items) {
    // Search trails writes by up to a refresh; our cache may know of a later finding.
    const cached = deps.book.byId(found.id);
    const incident = cached ?? found;
    if (Date.parse(incident.lastSeen) >= cutoff || incident.status !== 'open') continue;
    const action = makeAction({
      id: `${incident.id}.resolved`,
      type: 'status_change',
      at: new Date(deps.clock.now()).toISOString(),
      actor: 'system:resolve-quiet',
      incidentId: incident.id,
      subject: incident.subject,
      status: 'succeeded',
      detail: { from: 'open', to: 'resolved', quietMs: deps.quietMs },
    });
    await deps.store.update('incidents', incident.id, { status: 'resolved' });
    await deps.store.put('actions', [{ id: action.id, doc: action }]);
    const after = { ...incident, status: 'resolved' as const };
    if (cached) deps.book.save(after);
    await deps.book.appendAction(incident.id, actionRef(action));
    deps.notifications.offer(after, { ...NO_CHANGE, resolved: true }, deps.plan(after));
    resolved++;
  }
  return resolved;
}
