import { z } from 'zod';
import { IpRange, KeyId, Timestamp } from './common.js';

export const REVOCATION_SCHEMA = 'gatehound.revocation.v1';

export const RevocationSubject = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('key'), id: KeyId }),
  z.strictObject({ kind: z.literal('ip'), id: IpRange }),
]);
export type RevocationSubject = z.infer<typeof RevocationSubject>;

/**
 * A record on the compacted revocations topic. The Kafka key is `key:<keyId>` or `ip:<address or CIDR>`;
 * a tombstone (null value) under that key reinstates the subject.
 */
export const Revocation = z
  .strictObject({
    schema: z.literal(REVOCATION_SCHEMA),
    subject: RevocationSubject,
    reason: z.string().min(1).max(512),
    incidentId: z.string().max(128).nullable(),
    actor: z.string().min(1).max(128).describe('policy:<rule> or the API token name'),
    createdAt: Timestamp,
    expiresAt: Timestamp.nullable().describe('null: until reinstated'),
  })
  .describe('gatehound Revocation v1');
export type Revocation = z.infer<typeof Revocation>;

export function revocationKey(subject: RevocationSubject): string {
  return `${subject.kind}:${subject.id}`;
}

/** Reads a topic key back into a subject; null when the key is not one of ours. */
export function parseRevocationKey(key: string): RevocationSubject | null {
  const parsed = RevocationSubject.safeParse({
    kind: key.slice(0, key.indexOf(':')),
    id: key.slice(key.indexOf(':') + 1),
  });
  return parsed.success ? parsed.data : null;
}
