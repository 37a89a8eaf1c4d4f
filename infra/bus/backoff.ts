const RETRY_MS = [100, 500, 1000, 2000, 5000];

/** How long to wait before retrying a failed batch handler for the given attempt (0-based). */
export function retryDelayMs(attempt: number): number {
  return RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]!;
}
