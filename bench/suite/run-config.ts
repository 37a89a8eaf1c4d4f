import { Config, type ConfigInput } from '../../schemas/config.js';

export interface Stack {
  kafkaBrokers: string[];
  opensearchUrl: string;
}

export interface RunConfig {
  /** What the role processes are given as their config file. */
  input: ConfigInput;
  /** The same, parsed strictly, for the benchmark's own clients. */
  config: Config;
  /** The topics this run created and removes: all but a requests topic shared by several runs. */
  ownTopics: string[];
  /** Consumer groups the roles join: `<clientId>-detect-key`, `-detect-ip`, `-respond`. */
  groups: { key: string; ip: string; respond: string };
}

/** A run's own topics, consumer groups and indices, so runs never meet each other or other tests. */
export function runConfig(
  stack: Stack,
  name: string,
  extra: { client?: string; webhookUrl?: string; webhookSecret?: string; requests?: string } = {},
): RunConfig {
  const prefix = `bench-${name}-${Date.now().toString(36)}`;
  const names = ['requests', 'requestsByIp', 'findings', 'revocations', 'state', 'dlq'];
  const topics: Record<string, string> = Object.fromEntries(names.map((t) => [t, `${prefix}.${t}`]));
  if (extra.requests) topics.requests = extra.requests;
  const input = {
    logLevel: 'warn',
    kafka: {
      brokers: stack.kafkaBrokers,
      clientId: prefix,
      ...(extra.client ? { client: extra.client } : {}),
      topics,
    },
    opensearch: { url: stack.opensearchUrl, indexPrefix: prefix, replicas: 0 },
    alerting: extra.webhookUrl ? { webhookUrl: extra.webhookUrl, webhookSecret: extra.webhookSecret } : {},
  } as ConfigInput;
  return {
    input,
    config: Config.parse(input),
    ownTopics: Object.values(topics).filter((t) => t !== extra.requests),
    groups: { key: `${prefix}-detect-key`, ip: `${prefix}-detect-ip`, respond: `${prefix}-respond` },
  };
}
