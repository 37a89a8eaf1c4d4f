import type { Clock } from '../../infra/clock.js';
import type { Store } from '../../infra/store/index.js';
import type { Incident } from '../../schemas/incident.js';
import type { Notifications } from '../notifications.js';
import { summarize } from '../notifiers/summary.js';

const DAY_MS = 86_400_000;
const MAX_INCIDENTS = 10_000;

/**
 * The optional daily digest: incidents seen in the last 24 hours, summed up, to every channel that
 * takes summaries. Nothing is sent on a day without incidents. Its id is the day, so a second run (or a
 * second responder) finds the recorded action and sends nothing more.
 */
export async function dailyDigest(deps: {
  store: Store;
  clock: Clock;
  notifications: Notifications;
}): Promise<number> {
  const now = deps.clock.now();
  const since = new Date(now - DAY_MS).toISOString();
  const incidents: Incident[] = [];
  let after: (string | number)[] | undefined;
  do {
    const page = await deps.store.search<Incident>('incidents', {
      ranges: [{ field: 'lastSeen', gte: since }],
      sort: [{ field: 'lastSeen', order: 'asc' }],
      limit: 500,
      ...(after ? { after } : {}),
    });
    incidents.push(...page.items);
    after = page.next ?? undefined;
  } while (after && incidents.length < MAX_INCIDENTS);
  if (incidents.length === 0) return 0;
  return deps.notifications.sendSummary(summarize(incidents, since, new Date(now).toISOString()));
}
