import type { AdapterConfig } from '../../../schemas/config/alerting.js';
import type { Destination } from '../../delivery/dispatcher.js';
import { withoutTrailingSlashes } from '../../url.js';
import { call, needKeyRef, type UpstreamCall } from './adapter.js';

type KongConfig = Extract<AdapterConfig, { kind: 'kong' }>;

/**
 * Kong key-auth: deletes the credential (`DELETE /key-auths/{id}`), key.ref being the credential id.
 * Kong cannot re-create a deleted credential without the raw key, so reinstatement is the operator's.
 */
export function kongAdapter(config: KongConfig): Destination<UpstreamCall> {
  const base = withoutTrailingSlashes(config.url);
  return {
    name: config.name,
    async send(c, signal) {
      if (c.op !== 'revoke') return;
      const id = needKeyRef(config.name, c);
      await call(
        config.name,
        `${base}/key-auths/${encodeURIComponent(id)}`,
        { method: 'DELETE', headers: config.token ? { 'kong-admin-token': config.token } : {} },
        signal,
      );
    },
  };
}
