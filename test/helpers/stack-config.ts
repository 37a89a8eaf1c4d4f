import type { ConfigInput } from '../../schemas/config.js';

/**
 * Configuration for a test on the shared real stack: topics, consumer groups and indices of its own
 * (all named from `prefix`), so tests never see each other's data.
 */
export function stackConfig(
  prefix: string,
  brokers: string,
  opensearchUrl: string | null,
  extra: ConfigInput = {},
): ConfigInput {
  return {
    ...extra,
    kafka: {
      partitions: 3,
      ...extra.kafka,
      brokers: brokers.split(','),
      clientId: prefix,
      topics: Object.fromEntries(
        ['requests', 'requestsByIp', 'findings', 'revocations', 'state', 'dlq'].map((t) => [
          t,
          `${prefix}.${t}`,
        ]),
      ),
    },
    opensearch: opensearchUrl
      ? { replicas: 0, ...extra.opensearch, url: opensearchUrl, indexPrefix: prefix.toLowerCase() }
      : extra.opensearch,
  };
}
