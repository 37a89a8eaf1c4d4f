import { z } from 'zod';
import { Subject, Timestamp } from './common.js';

export const ACTION_SCHEMA = 'gatehound.action.v1';

export const ActionType = z.enum(['notify', 'revoke', 'reinstate', 'upstream', 'status_change', 'audit']);
export type ActionType = z.infer<typeof ActionType>;

export const ActionStatus = z.enum(['succeeded', 'failed', 'dead_lettered', 'dry_run', 'skipped']);

/**
 * Everything gatehound or a person did: notifications, revocations, upstream admin calls,
 * incident status changes and audited API calls. Written to the actions index.
 */
export const Action = z
  .strictObject({
    schema: z.literal(ACTION_SCHEMA),
    id: z.string().min(1).max(128),
    type: ActionType,
    at: Timestamp,
    actor: z.string().min(1).max(128).describe('policy:<rule>, api:<token name> or system:<job>'),
    incidentId: z.string().max(128).nullable(),
    subject: Subject.nullable(),
    status: ActionStatus,
    detail: z
      .record(z.string(), z.union([z.string().max(2048), z.number(), z.boolean(), z.null()]))
      .describe('channel, attempts, error code, expiry, route, client address ... (never a secret)'),
  })
  .describe('gatehound Action v1');
export type Action = z.infer<typeof Action>;

/** The short form of an action embedded in an incident. */
export const ActionRef = z.strictObject({
  id: z.string().min(1).max(128),
  type: ActionType,
  at: Timestamp,
  status: ActionStatus,
  actor: z.string().min(1).max(128),
});
export type ActionRef = z.infer<typeof ActionRef>;
