import type { AdapterConfig } from '../../../schemas/config/alerting.js';
import type { Destination } from '../../delivery/dispatcher.js';
import { withoutTrailingSlashes } from '../../url.js';
import { call, needKeyRef, type UpstreamCall } from './adapter.js';

type LiteLlmConfig = Extract<AdapterConfig, { kind: 'litellm' }>;

/** LiteLLM proxy: `POST /key/block` / `/key/unblock` with `{"key": "<sha256 hex of the key>"}` (key.ref). */
export function liteLlmAdapter(config: LiteLlmConfig): Destination<UpstreamCall> {
  const base = withoutTrailingSlashes(config.url);
  return {
    name: config.name,
    async send(c, signal) {
      const key = needKeyRef(config.name, c);
      await call(
        config.name,
        `${base}/key/${c.op === 'revoke' ? 'block' : 'unblock'}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${config.token}` },
          body: JSON.stringify({ key }),
        },
        signal,
      );
    },
  };
}
