import type { Revocation } from '../../../schemas/revocation.js';
import { DeliveryError } from '../../delivery/retry.js';

/** One call to an upstream admin API, retried by the dispatcher; the outcome becomes an `upstream` action. */
export interface UpstreamCall {
  id: string;
  op: 'revoke' | 'reinstate';
  revocation: Revocation;
  /** The upstream's own reference of the key (key.ref, e.g. LiteLLM's SHA-256), when known. */
  keyRef: string | null;
}

export function needKeyRef(adapter: string, call: UpstreamCall): string {
  if (call.revocation.subject.kind !== 'key')
    throw new DeliveryError(
      'UPSTREAM_FAILED',
      `${adapter} revokes keys only, not ${call.revocation.subject.kind} subjects`,
      false,
    );
  if (!call.keyRef)
    throw new DeliveryError(
      'UPSTREAM_FAILED',
      `${adapter} needs the key's upstream reference: configure the gateway to add key.ref so findings carry evidence.details.keyRef`,
      false,
    );
  return call.keyRef;
}

/** fetch that maps a non-2xx answer or a network error to a DeliveryError naming the adapter, never the URL. */
export async function call(
  adapter: string,
  url: string,
  init: RequestInit,
  signal: AbortSignal,
): Promise<void> {
  let status: number;
  try {
    const res = await fetch(url, { ...init, signal, redirect: 'error' });
    status = res.status;
    await res.body?.cancel();
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    if (e.name === 'AbortError') throw err;
    throw new DeliveryError(
      'UPSTREAM_FAILED',
      `${adapter} could not be reached (${e.cause?.code ?? 'network error'})`,
      true,
    );
  }
  if (status >= 200 && status < 300) return;
  const retryable = status === 408 || status === 429 || status >= 500;
  throw new DeliveryError('UPSTREAM_FAILED', `${adapter} answered HTTP ${status}`, retryable, status);
}
