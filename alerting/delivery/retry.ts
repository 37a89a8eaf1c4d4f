/** Exponential back-off with full jitter (AWS architecture blog): a uniform wait in [0, min(max, base·2^n)). */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** A failed delivery, as the dispatcher sees it: whether trying again can help. */
export class DeliveryError extends Error {
  constructor(
    readonly code: 'NOTIFY_FAILED' | 'NOTIFY_TIMEOUT' | 'CIRCUIT_OPEN' | 'UPSTREAM_FAILED',
    message: string,
    readonly retryable: boolean,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** 408, 425, 429 and 5xx are worth retrying; other 4xx mean the request itself is wrong. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Turns an HTTP answer into success or a DeliveryError naming the destination, never its URL (it may hold a secret). */
export function checkResponse(destination: string, status: number): void {
  if (status >= 200 && status < 300) return;
  throw new DeliveryError(
    'NOTIFY_FAILED',
    `${destination} answered HTTP ${status}`,
    isRetryableStatus(status),
    status,
  );
}

/** Network errors and aborts are retryable. */
export function asDeliveryError(destination: string, err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError')
    return new DeliveryError('NOTIFY_TIMEOUT', `${destination} did not answer in time`, true);
  const code = e?.cause?.code ?? e?.code ?? 'network error';
  return new DeliveryError('NOTIFY_FAILED', `${destination} could not be reached (${code})`, true);
}
