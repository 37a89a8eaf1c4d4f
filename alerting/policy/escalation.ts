/** How a repeat offender's revocation grows, like fail2ban's incremental bans. */
export interface EscalationRule {
  factor: number;
  windowMs: number;
  maxMs: number;
}

/** base × factor^repeats, capped at max; `repeats` are the earlier revocations within the window. */
export function revocationDurationMs(
  baseMs: number,
  repeats: number,
  escalation: EscalationRule | null,
): number {
  if (!escalation) return baseMs;
  // Computed in steps so a long history cannot overflow to Infinity before the cap applies.
  let ms = baseMs;
  for (let i = 0; i < repeats && ms < escalation.maxMs; i++) ms *= escalation.factor;
  return Math.min(ms, escalation.maxMs);
}
