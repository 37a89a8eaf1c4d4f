import { describe, expect, it } from 'vitest';
import { backoffMs, checkResponse, DeliveryError, isRetryableStatus } from './retry.js';

describe('retry', () => {
  it('backs off exponentially with full jitter, capped', () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffMs(n, 500, 30_000, () => 0.999999))).toEqual([
      499, 999, 1999, 3999, 29_999,
    ]);
    expect(backoffMs(5, 500, 30_000, () => 0)).toBe(0);
    expect(backoffMs(1_000, 500, 30_000, () => 0.5)).toBe(15_000);
  });

  it('retries 408, 425, 429 and 5xx, not other client errors', () => {
    expect([408, 425, 429, 500, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 410].some(isRetryableStatus)).toBe(false);
  });

  it('names the destination, never its URL', () => {
    const err = (() => {
      try {
        checkResponse('slack', 500);
      } catch (e) {
        return e as DeliveryError;
      }
    })();
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({
      code: 'NOTIFY_FAILED',
      retryable: true,
      status: 500,
      message: 'slack answered HTTP 500',
    });
    expect(() => checkResponse('slack', 204)).not.toThrow();
  });
});
