import { createHash } from 'node:crypto';
import type { DetectorName, Subject } from '../schemas/common.js';

/**
 * Detector + subject + window (+ scope, when one window can say two different things about a subject):
 * a replay or a redelivery produces the same id, so stores and the responder see one finding.
 */
export function findingId(
  detector: DetectorName,
  subject: Subject,
  windowStart: number,
  scope: string,
): string {
  const digest = createHash('sha256')
    .update(`${detector}\u0000${subject.kind}\u0000${subject.id}\u0000${windowStart}\u0000${scope}`)
    .digest('hex');
  return `f_${digest.slice(0, 32)}`;
}
