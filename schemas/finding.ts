import { z } from 'zod';
import { DetectorName, Severity, Subject, Timestamp } from './common.js';

export const FINDING_SCHEMA = 'gatehound.finding.v1';

export const SignatureHit = z.strictObject({
  id: z.string().min(1).max(128),
  category: z.string().min(1).max(64),
  count: z.number().int().positive(),
});
export type SignatureHit = z.infer<typeof SignatureHit>;

/** The numbers that made the decision, so a reader can check it without rerunning the detector. */
export const Evidence = z.strictObject({
  signal: z.string().min(1).max(64).describe('what was measured, e.g. requests_per_minute'),
  observed: z.number(),
  baseline: z.number().nullable().describe('the entity or population baseline; null when none applied'),
  threshold: z.number(),
  signatures: z.array(SignatureHit).max(50).optional(),
  sampleEventIds: z.array(z.string().max(128)).max(20),
  details: z.record(z.string(), z.union([z.number(), z.string().max(512), z.boolean(), z.null()])).optional(),
});
export type Evidence = z.infer<typeof Evidence>;

export const Finding = z
  .strictObject({
    schema: z.literal(FINDING_SCHEMA),
    id: z.string().min(1).max(128).describe('deterministic: detector + subject + window'),
    detector: DetectorName,
    subject: Subject,
    score: z.number().min(0).max(1).describe('confidence that this is abuse, 0..1'),
    severity: Severity,
    window: z.strictObject({ start: Timestamp, end: Timestamp }),
    firstSeen: Timestamp.describe('event time of the first event in the evidence'),
    detectedAt: Timestamp.describe('event time of the event that triggered this finding'),
    evidence: Evidence,
  })
  .describe('gatehound Finding v1: one detector verdict on one subject for one window');
export type Finding = z.infer<typeof Finding>;
