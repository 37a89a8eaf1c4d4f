import { z } from 'zod';
import { IpRange, KeyId, Timestamp } from '../schemas/common.js';
import { REVOCATION_SCHEMA, type Revocation } from '../schemas/revocation.js';
import { ApiError } from './errors.js';
import { IncidentId } from './params.js';
import { canonicalSubject } from './subjects.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const Ttl = z
  .string()
  .regex(/^[1-9][0-9]{0,3}[smhd]$/, 'expected a duration such as 15m, 2h or 7d')
  .describe('how long the revocation lasts, e.g. 15m, 2h, 7d');

const key = { keyId: KeyId };
const ip = { ip: IpRange.describe('an address or a CIDR range') };
const common = { reason: z.string().min(1).max(512), incidentId: IncidentId.optional() };
const until = { expiresAt: Timestamp.optional().describe('must be in the future; omit for no expiry') };
const lasting = { ttl: Ttl };

/** `POST /v1/revocations`: a key or an address, and at most one of expiresAt / ttl — four closed shapes. */
export const RevocationRequest = z.union([
  z.strictObject({ ...key, ...common, ...until }),
  z.strictObject({ ...key, ...common, ...lasting }),
  z.strictObject({ ...ip, ...common, ...until }),
  z.strictObject({ ...ip, ...common, ...lasting }),
]);
export type RevocationRequest = z.infer<typeof RevocationRequest>;

/** The Revocation a request stands for, made by `actor` at `now`; a past expiresAt is a 400. */
export function toRevocation(body: RevocationRequest, actor: string, now: number): Revocation {
  return {
    schema: REVOCATION_SCHEMA,
    subject: canonicalSubject(
      'keyId' in body ? { kind: 'key', id: body.keyId } : { kind: 'ip', id: body.ip },
    ),
    reason: body.reason,
    incidentId: body.incidentId ?? null,
    actor,
    createdAt: new Date(now).toISOString(),
    expiresAt: expiry(body, now),
  };
}

function expiry(body: RevocationRequest, now: number): string | null {
  if ('ttl' in body) {
    const unit = body.ttl.slice(-1) as keyof typeof UNIT_MS;
    return new Date(now + Number(body.ttl.slice(0, -1)) * UNIT_MS[unit]).toISOString();
  }
  if (!body.expiresAt) return null;
  // Publishing an already-expired record would replace a live one: a reinstatement in disguise.
  if (Date.parse(body.expiresAt) <= now) {
    throw new ApiError('invalid_request', 'invalid request: expiresAt: must be in the future', [
      { in: 'body', field: 'expiresAt', message: 'must be in the future' },
    ]);
  }
  return new Date(body.expiresAt).toISOString();
}
