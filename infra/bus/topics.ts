import type { Config } from '../../schemas/config.js';

export type TopicRole = keyof Config['kafka']['topics'];

export interface TopicSpec {
  role: TopicRole;
  name: string;
  partitions: number;
  /** Kafka topic-level configuration. */
  config: Record<string, string>;
}

const DAY_MS = 86_400_000;

/**
 * The design's topics and their settings: revocations and detector state are compacted so the latest
 * record per key survives forever; the dead-letter topic keeps bad input longer for investigation.
 */
export function topicSpecs(kafka: Config['kafka']): TopicSpec[] {
  const { topics, partitions } = kafka;
  return [
    { role: 'requests', name: topics.requests, partitions, config: { 'retention.ms': String(7 * DAY_MS) } },
    {
      role: 'requestsByIp',
      name: topics.requestsByIp,
      partitions,
      config: { 'retention.ms': String(DAY_MS) },
    },
    { role: 'findings', name: topics.findings, partitions, config: { 'retention.ms': String(30 * DAY_MS) } },
    {
      role: 'revocations',
      name: topics.revocations,
      partitions: 1,
      config: {
        'cleanup.policy': 'compact',
        'min.cleanable.dirty.ratio': '0.1',
        'delete.retention.ms': String(DAY_MS),
      },
    },
    {
      role: 'state',
      name: topics.state,
      partitions,
      config: { 'cleanup.policy': 'compact', 'delete.retention.ms': String(DAY_MS) },
    },
    { role: 'dlq', name: topics.dlq, partitions: 1, config: { 'retention.ms': String(30 * DAY_MS) } },
  ];
}

export function isCompacted(spec: TopicSpec): boolean {
  return spec.config['cleanup.policy'] === 'compact';
}
