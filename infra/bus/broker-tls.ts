import { readFileSync } from 'node:fs';
import type { Config } from '../../schemas/config.js';

/** TLS options for the broker connections, or null for plaintext: `caFile` implies TLS. */
export function brokerTls(config: Config['kafka']): { ca?: string[] } | null {
  if (config.caFile) return { ca: [readFileSync(config.caFile, 'utf8')] };
  return config.ssl ? {} : null;
}
