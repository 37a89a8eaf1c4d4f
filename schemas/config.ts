import { z } from 'zod';
import { ALERTING_ENV, AlertingConfig } from './config/alerting.js';
import { API_ENV, ApiConfig } from './config/api.js';
import { DETECTORS_ENV, DetectorsConfig } from './config/detectors.js';
import type { EnvTable } from './config/env.js';
import { GATEWAY_ENV, GatewayConfig } from './config/gateway.js';
import { KAFKA_ENV, KafkaConfig } from './config/kafka.js';
import { OPENSEARCH_ENV, OpenSearchConfig } from './config/opensearch.js';

export { ApiRole, ApiToken } from './config/api.js';
export type { EnvSetting, EnvTable, EnvType } from './config/env.js';

/**
 * The whole configuration, parsed once at start-up. One section per stage, each in its own file with
 * the environment variables that set it. Every section is strict: unknown keys are errors.
 */
export const Config = z
  .strictObject({
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('pino log level'),
    keyIdSecret: z
      .string()
      .min(16, 'expected at least 16 characters')
      .nullable()
      .default(null)
      .describe('HMAC secret of key ids; required by gateways, the same on all of them'),
    kafka: KafkaConfig.prefault({}),
    opensearch: OpenSearchConfig.prefault({}),
    gateway: GatewayConfig.prefault({}),
    detectors: DetectorsConfig.prefault({}),
    alerting: AlertingConfig.prefault({}),
    api: ApiConfig.prefault({}),
  })
  .describe('gatehound configuration');

export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;

/** Every GATEHOUND_* variable the program reads. Anything else with the prefix is a typo and stops start-up. */
export const ENV_SETTINGS: EnvTable = {
  GATEHOUND_LOG_LEVEL: { path: ['logLevel'], type: 'string' },
  GATEHOUND_KEY_ID_SECRET: { path: ['keyIdSecret'], type: 'string', secret: true },
  ...KAFKA_ENV,
  ...OPENSEARCH_ENV,
  ...GATEWAY_ENV,
  ...DETECTORS_ENV,
  ...ALERTING_ENV,
  ...API_ENV,
};
