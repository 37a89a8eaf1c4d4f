import type { AdapterConfig } from '../../schemas/config/alerting.js';
import { actionRef, makeAction } from '../actions.js';
import { Dispatcher, type Outcome } from '../delivery/dispatcher.js';
import type { OutcomeDeps } from '../deps.js';
import { createAdapter, type UpstreamCall } from './adapters/index.js';

/**
 * The upstream admin APIs behind one dispatcher (retries, timeouts, a breaker per adapter); every
 * outcome is an `upstream` action on the incident, and a call that finally failed is also dead-lettered.
 */
export function upstreamDispatcher(
  adapters: AdapterConfig[],
  deps: OutcomeDeps,
): Dispatcher<UpstreamCall> | null {
  if (adapters.length === 0) return null;
  const record = async (o: Outcome<UpstreamCall>) => {
    const { revocation, op } = o.item;
    const action = makeAction({
      id: o.item.id,
      type: 'upstream',
      at: new Date(deps.clock.now()).toISOString(),
      actor: revocation.actor,
      incidentId: revocation.incidentId,
      subject: revocation.subject,
      status: o.status,
      detail: { adapter: o.destination, op, attempts: o.attempts, code: o.code, error: o.reason },
    });
    deps.metrics.actions.inc({ type: 'upstream', status: o.status });
    try {
      if (o.status === 'dead_lettered') {
        deps.log.warn(
          { adapter: o.destination, op, code: o.code, incidentId: revocation.incidentId },
          'upstream call failed',
        );
        await deps.dlq.write([
          {
            code: 'UPSTREAM_FAILED',
            reason: `${o.destination} ${op}: ${o.reason ?? 'failed'}`,
            payload: JSON.stringify(revocation),
            source: {},
          },
        ]);
      }
      await deps.store.put('actions', [{ id: action.id, doc: action }]);
      if (action.incidentId) await deps.book.appendAction(action.incidentId, actionRef(action));
    } catch (err) {
      deps.log.error({ err, actionId: action.id }, 'could not record an upstream call outcome');
    }
  };
  return new Dispatcher(adapters.map(createAdapter), deps.delivery, deps.clock, record, deps.wait);
}
