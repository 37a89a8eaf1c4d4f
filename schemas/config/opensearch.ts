import { z } from 'zod';
import { type EnvTable, httpUrl } from './env.js';

export const OpenSearchConfig = z.strictObject({
  url: httpUrl.nullable().default(null).describe('null: the embedded in-process store'),
  username: z.string().min(1).nullable().default(null).describe('basic-auth user'),
  password: z.string().min(1).nullable().default(null).describe('basic-auth password'),
  caFile: z.string().min(1).nullable().default(null).describe("CA bundle for the cluster's TLS certificate"),
  rejectUnauthorized: z.boolean().default(true).describe("verify the cluster's certificate"),
  indexPrefix: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,40}$/, 'expected a lowercase index prefix')
    .default('gatehound')
    .describe('prefix of every index and template gatehound creates (<prefix>-incidents, …)'),
  shards: z.number().int().min(1).max(64).default(1).describe('primary shards of created indices'),
  replicas: z
    .number()
    .int()
    .min(0)
    .max(8)
    .default(1)
    .describe('replicas of created indices (0 on a single node)'),
});

export const OPENSEARCH_ENV: EnvTable = {
  GATEHOUND_OPENSEARCH_URL: { path: ['opensearch', 'url'], type: 'string' },
  GATEHOUND_OPENSEARCH_USERNAME: { path: ['opensearch', 'username'], type: 'string' },
  GATEHOUND_OPENSEARCH_PASSWORD: { path: ['opensearch', 'password'], type: 'string', secret: true },
  GATEHOUND_OPENSEARCH_CA_FILE: { path: ['opensearch', 'caFile'], type: 'string' },
  GATEHOUND_OPENSEARCH_REJECT_UNAUTHORIZED: { path: ['opensearch', 'rejectUnauthorized'], type: 'bool' },
  GATEHOUND_OPENSEARCH_INDEX_PREFIX: { path: ['opensearch', 'indexPrefix'], type: 'string' },
  GATEHOUND_OPENSEARCH_REPLICAS: { path: ['opensearch', 'replicas'], type: 'int' },
};
