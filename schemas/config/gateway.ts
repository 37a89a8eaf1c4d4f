import { z } from 'zod';
import { type EnvTable, httpUrl, port } from './env.js';

/** The ingest side: proxy, Fastify plugin and log replay. */
export const GatewayConfig = z.strictObject({
  id: z.string().min(1).max(128).nullable().default(null).describe('null: the host name'),
  upstreamUrl: httpUrl.nullable().default(null),
  proxyPort: port.default(8080),
});

export const GATEWAY_ENV: EnvTable = {
  GATEHOUND_GATEWAY_ID: { path: ['gateway', 'id'], type: 'string' },
  GATEHOUND_UPSTREAM_URL: { path: ['gateway', 'upstreamUrl'], type: 'string' },
  GATEHOUND_PROXY_PORT: { path: ['gateway', 'proxyPort'], type: 'int' },
};
