import { createHmac } from 'node:crypto';

/** `whsec_a whsec_b` → the raw key bytes of each, newest first (several during a secret rotation). */
export function secretKeys(secrets: string): Buffer[] {
  return secrets
    .split(/[ ,]+/)
    .filter(Boolean)
    .map((s) => Buffer.from(s.startsWith('whsec_') ? s.slice('whsec_'.length) : s, 'base64'));
}

/**
 * Standard Webhooks headers: `webhook-signature` is `v1,<base64 HMAC-SHA256(key, id.timestamp.body)>`,
 * one per key, space-separated, so receivers holding either the old or the new secret verify.
 */
export function signedHeaders(keys: readonly Buffer[], id: string, timestampSec: number, body: string) {
  const content = `${id}.${timestampSec}.${body}`;
  const signatures = keys.map((k) => `v1,${createHmac('sha256', k).update(content).digest('base64')}`);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': signatures.join(' '),
  };
}
