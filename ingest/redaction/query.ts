import { addCounts, type RedactionCounts, redact } from './redact.js';
import { isSecretName } from './secret-names.js';

const MASK = '[REDACTED]';

export interface RedactedQuery {
  query: string;
  counts: RedactionCounts;
}

/**
 * A query string (without "?") with the values of secret-named parameters (`key`, `token`,
 * `api_key`, `password`, `signature`, `X-Amz-Signature`, …) replaced by [REDACTED] and every other
 * value redacted like text (an e-mail in `?user=` becomes [EMAIL]). Parameter names and order stay.
 */
export function redactQuery(query: string): RedactedQuery {
  const counts: RedactionCounts = {};
  if (query === '') return { query, counts };
  const parts = query.split('&');
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    if (eq < 0) {
      // A bare value ("?sk-…") is redacted as text.
      const r = redactValue(part);
      parts[p] = r.text;
      addCounts(counts, r.counts);
      continue;
    }
    const value = part.slice(eq + 1);
    if (value !== '' && isSecretName(decode(rawName))) {
      parts[p] = `${rawName}=${MASK}`;
      continue;
    }
    const r = redactValue(value);
    addCounts(counts, r.counts);
    parts[p] = `${rawName}=${r.text}`;
  }
  return { query: parts.join('&'), counts };
}

function redactValue(raw: string): { text: string; counts: RedactionCounts } {
  const decoded = decode(raw);
  const r = redact(decoded);
  // Unchanged values keep their original encoding byte for byte.
  return Object.keys(r.counts).length === 0 ? { text: raw, counts: {} } : r;
}

function decode(s: string): string {
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
