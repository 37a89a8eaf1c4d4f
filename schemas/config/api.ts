import { z } from 'zod';
import { type EnvTable, port } from './env.js';

export const ApiRole = z.enum(['viewer', 'responder', 'admin']);
export type ApiRole = z.infer<typeof ApiRole>;

export const ApiToken = z.strictObject({
  name: z.string().min(1).max(64),
  role: ApiRole,
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'expected the hex SHA-256 of the token (64 lowercase hex characters)'),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const ApiConfig = z.strictObject({
  port: port.default(8081),
  host: z.string().min(1).default('127.0.0.1'),
  tokens: z.array(ApiToken).default([]),
});

export const API_ENV: EnvTable = {
  GATEHOUND_API_PORT: { path: ['api', 'port'], type: 'int' },
  GATEHOUND_API_HOST: { path: ['api', 'host'], type: 'string' },
  GATEHOUND_API_TOKENS: { path: ['api', 'tokens'], type: 'json', secret: true },
};
