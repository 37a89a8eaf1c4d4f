import { createHash, createHmac } from 'node:crypto';
import type { RequestEvent } from '../schemas/request-event.js';

/** Where a request carries its API key, in the order they are read. */
export const KEY_HEADERS = ['authorization', 'x-api-key', 'api-key'] as const;

type HeaderValue = string | string[] | undefined;
export type HeaderBag = Readonly<Record<string, HeaderValue>>;

export type KeyRefMode = 'none' | 'sha256';

const KEY_CACHE_SIZE = 10_000;

/**
 * The raw key a request presents: `Authorization: Bearer …`, else `x-api-key`, else `api-key`.
 * Only ever passed to `keyIdentity`; it is never stored, logged or sent.
 */
export function rawKeyFrom(headers: HeaderBag, extraHeaders: readonly string[] = []): string | null {
  const auth = first(headers.authorization);
  if (auth !== undefined) {
    const bearer = bearerToken(auth);
    if (bearer) return bearer;
  }
  for (const name of ['x-api-key', 'api-key', ...extraHeaders]) {
    const value = first(headers[name])?.trim();
    if (value) return value;
  }
  return null;
}

/** The token of an `Authorization: Bearer <token>` value, or null. */
export function bearerToken(value: string): string | null {
  const v = value.trim();
  if (v.length < 7 || v.slice(0, 6).toLowerCase() !== 'bearer' || (v[6] !== ' ' && v[6] !== '\t'))
    return null;
  const token = v.slice(7).trim();
  return token === '' ? null : token;
}

/** keyId = hex(HMAC-SHA256(GATEHOUND_KEY_ID_SECRET, rawKey)).slice(0, 32), as operators compute it. */
export function keyId(secret: string, rawKey: string): string {
  return createHmac('sha256', secret).update(rawKey, 'utf8').digest('hex').slice(0, 32);
}

/** The event's `key` field: the id and, when configured, the upstream's own reference. */
export function keyIdentity(
  secret: string,
  rawKey: string | null,
  refMode: KeyRefMode = 'none',
): RequestEvent['key'] {
  if (rawKey === null) return null;
  const id = keyId(secret, rawKey);
  return refMode === 'sha256'
    ? { id, ref: createHash('sha256').update(rawKey, 'utf8').digest('hex') }
    : { id };
}

/** Reads the key from request headers and returns only its identity: the raw key does not escape. */
export class KeyIdentifier {
  constructor(
    private readonly secret: string,
    private readonly refMode: KeyRefMode = 'none',
    private readonly extraHeaders: readonly string[] = [],
  ) {}

  /**
   * The HMAC of the keys seen lately, so a busy key is hashed once, not per request. The raw keys are
   * only ever Map keys in this process's memory, as they already are in every request it handles.
   */
  private readonly cache = new Map<string, NonNullable<RequestEvent['key']>>();

  identify(headers: HeaderBag): RequestEvent['key'] {
    const raw = rawKeyFrom(headers, this.extraHeaders);
    if (raw === null) return null;
    let identity = this.cache.get(raw);
    if (identity === undefined) {
      identity = keyIdentity(this.secret, raw, this.refMode)!;
      if (this.cache.size >= KEY_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(raw, identity);
    }
    return identity;
  }

  /** For log formats that record the header value itself (`Bearer …` or the bare key). */
  identifyValue(value: string | null | undefined): RequestEvent['key'] {
    if (value === null || value === undefined) return null;
    const v = value.trim();
    if (v === '' || v === '-') return null;
    return keyIdentity(this.secret, bearerToken(v) ?? v, this.refMode);
  }
}

function first(v: HeaderValue): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
