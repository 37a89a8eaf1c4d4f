import { isGatehoundError } from '../infra/errors.js';

const DELAYS_MS = [500, 1000, 2000, 5000];

export interface SendRetryOptions {
  /** Past this much time without a successful send, the last error is thrown. */
  giveUpAfterMs: number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
}

/** Errors that say the bus is away for now, rather than that the records are wrong. */
function transient(err: unknown): boolean {
  return isGatehoundError(err) && (err.code === 'BUS_SEND_FAILED' || err.code === 'BUS_UNAVAILABLE');
}

/**
 * Sends until the bus takes it: a broker that restarts mid-replay costs a wait, not the run. The
 * send is repeated whole, so records of a batch that failed half-way may land twice (at least once;
 * consumers collapse them by id).
 */
export async function sendWithRetry(send: () => Promise<void>, o: SendRetryOptions): Promise<void> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const started = now();
  for (let attempt = 0; ; attempt++) {
    try {
      await send();
      return;
    } catch (err) {
      if (!transient(err) || now() - started >= o.giveUpAfterMs) throw err;
      const delay = DELAYS_MS[Math.min(attempt, DELAYS_MS.length - 1)]!;
      o.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
