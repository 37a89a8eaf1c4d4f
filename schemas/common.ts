import { z } from 'zod';

/** Event time, always with an explicit offset so replays from other time zones stay comparable. */
export const Timestamp = z.iso.datetime({ offset: true }).describe('ISO-8601 date-time with offset');

export const KeyId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex characters')
  .describe('hex(HMAC-SHA256(GATEHOUND_KEY_ID_SECRET, rawKey)).slice(0, 32)');

export const IpAddress = z.union([z.ipv4().max(15), z.ipv6().max(45)]).describe('IPv4 or IPv6 address');

export const IpRange = z
  .union([z.ipv4().max(15), z.ipv6().max(45), z.cidrv4().max(18), z.cidrv6().max(49)])
  .describe('an address or a CIDR range');

export const SubjectKind = z.enum(['key', 'ip']);

export const Subject = z
  .strictObject({
    kind: SubjectKind,
    id: z.string().min(1).max(64),
  })
  .describe('who a finding is about: an API key (by keyId) or a client address');
export type Subject = z.infer<typeof Subject>;

export const Severity = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** The four detectors; an incident's type is the detector of its findings. */
export const DetectorName = z.enum(['volume_spike', 'probing', 'auth_failure_burst', 'injection']);
export type DetectorName = z.infer<typeof DetectorName>;
