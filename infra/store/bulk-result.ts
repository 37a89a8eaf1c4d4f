/**
 * What to do with each item of a bulk response: done, retry (the cluster was busy or a shard moved),
 * or give up (the document itself is wrong: retrying would fail the same way).
 */
export interface BulkItemOutcome {
  index: number;
  outcome: 'ok' | 'retry' | 'reject';
  status: number;
  reason?: string;
}

interface BulkItem {
  status?: number;
  error?: { type?: string; reason?: string | null } | null;
}

export function classifyBulkItems(items: Record<string, BulkItem>[]): BulkItemOutcome[] {
  return items.map((entry, index) => {
    const item = Object.values(entry)[0] ?? {};
    const status = item.status ?? 0;
    if (!item.error && status >= 200 && status < 300) return { index, outcome: 'ok', status };
    const reason = item.error?.type ?? `status ${status}`;
    return { index, outcome: isRetryableStatus(status) ? 'retry' : 'reject', status, reason };
  });
}

/** 429 (queue full), 5xx and 0 (no response) are the cluster's problem, not the document's. */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** Exponential back-off with full jitter, capped. */
export function backoffMs(
  attempt: number,
  baseMs = 100,
  capMs = 10_000,
  random: () => number = Math.random,
): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
