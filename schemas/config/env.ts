import { z } from 'zod';

export type EnvType = 'string' | 'int' | 'bool' | 'list' | 'json';

/** How one GATEHOUND_* variable maps onto the configuration. */
export interface EnvSetting {
  path: readonly string[];
  type: EnvType;
  /** Secrets may also be read from `<NAME>_FILE`, and their values never appear in an error or a log. */
  secret?: boolean;
}

export type EnvTable = Record<string, EnvSetting>;

export const port = z.number().int().min(1).max(65_535);
export const hostPort = z.string().regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'expected host:port');
export const httpUrl = z.url({ protocol: /^https?$/ });

/** The port of a role's /metrics, /healthz and /readyz (infra/admin-server.ts); off unless set. */
export const adminPort = (where: string) =>
  port.nullable().default(null).describe(`serves /metrics, /healthz and /readyz for ${where}; null: off`);
