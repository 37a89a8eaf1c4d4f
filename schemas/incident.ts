import { z } from 'zod';
import { ActionRef } from './action.js';
import { DetectorName, Severity, Subject, Timestamp } from './common.js';
import { Evidence } from './finding.js';

export const IncidentStatus = z.enum(['open', 'acknowledged', 'resolved']);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

/** Findings of one type on one subject, grouped while they keep coming. As served by the API. */
export const Incident = z
  .strictObject({
    id: z.string().min(1).max(128),
    type: DetectorName,
    subject: Subject,
    severity: Severity,
    status: IncidentStatus,
    score: z.number().min(0).max(1).describe('highest finding score'),
    firstSeen: Timestamp.describe('event time of the first event in the evidence'),
    lastSeen: Timestamp.describe('event time of the last finding'),
    detectedAt: Timestamp.describe('event time of the event that triggered the first finding'),
    findingCount: z.number().int().positive(),
    evidence: Evidence.describe("the worst finding's evidence"),
    actions: z.array(ActionRef).max(200),
  })
  .describe('gatehound Incident');
export type Incident = z.infer<typeof Incident>;
