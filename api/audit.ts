import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../infra/clock.js';
import type { Logger } from '../infra/logger.js';
import type { Store } from '../infra/store/store.js';
import { ACTION_SCHEMA, type Action, type ActionType } from '../schemas/action.js';
import type { Subject } from '../schemas/common.js';

/** What a mutating route tells the auditor about the call, beyond who, when and from where. */
export interface AuditNote {
  type: ActionType;
  incidentId?: string | null;
  subject?: Subject | null;
  detail?: Record<string, string | number | boolean | null>;
}

declare module 'fastify' {
  interface FastifyRequest {
    audit: AuditNote | null;
  }
  interface FastifyContextConfig {
    /** Marks a mutating route: every call to it that got past authentication is audited. */
    audited?: boolean;
  }
}

/**
 * Writes one Action per audited call once its response is known: who (token name), what (route,
 * outcome), when and from where (client address). A failed write is logged in full and counted; it
 * never turns a change that happened into an error.
 */
export function auditor(store: Store, clock: Clock, log: Logger, onFailure: () => void) {
  return async function audit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!request.routeOptions.config.audited || !request.principal) return;
    const action = toAction(request, reply.statusCode, clock);
    try {
      await store.put('actions', [{ id: action.id, doc: action }]);
    } catch (err) {
      onFailure();
      log.error({ err, audit: action }, 'could not write an audit record');
    }
  };
}

export function toAction(request: FastifyRequest, status: number, clock: Clock): Action {
  const note = request.audit;
  const denied = status === 401 || status === 403;
  return {
    schema: ACTION_SCHEMA,
    id: `api-${randomUUID()}`,
    // A denied call is recorded as a plain audit entry: it changed nothing.
    type: note && !denied ? note.type : 'audit',
    at: new Date(clock.now()).toISOString(),
    actor: `api:${request.principal?.name ?? 'anonymous'}`,
    incidentId: note?.incidentId ?? null,
    subject: note?.subject ?? null,
    status: status < 400 ? 'succeeded' : 'failed',
    detail: {
      method: request.method,
      route: request.routeOptions.url ?? request.url.split('?')[0]!.slice(0, 256),
      statusCode: status,
      clientIp: request.ip,
      requestId: request.id,
      ...note?.detail,
    },
  };
}
