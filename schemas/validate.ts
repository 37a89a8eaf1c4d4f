import type { z } from 'zod';

export type Decoded<T> =
  | { ok: true; value: T }
  | { ok: false; code: 'EVENT_UNPARSABLE' | 'EVENT_INVALID'; reason: string };

/** "http.status: expected number, received string; ts: Invalid ISO datetime", capped so a hostile input cannot bloat it. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], max = 5): string {
  const parts = issues
    .slice(0, max)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
  if (issues.length > max) parts.push(`… and ${issues.length - max} more`);
  return parts.join('; ');
}

/** Parses and validates one message body; never throws, whatever the bytes. */
export function decodeJson<T>(schema: z.ZodType<T>, raw: Buffer | string | null): Decoded<T> {
  if (raw === null) return { ok: false, code: 'EVENT_UNPARSABLE', reason: 'empty message' };
  let data: unknown;
  try {
    data = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (err) {
    return {
      ok: false,
      code: 'EVENT_UNPARSABLE',
      reason: `not valid JSON: ${(err as Error).message.slice(0, 200)}`,
    };
  }
  const parsed = schema.safeParse(data);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, code: 'EVENT_INVALID', reason: describeIssues(parsed.error.issues) };
}
