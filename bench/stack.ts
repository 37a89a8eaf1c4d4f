import { stackUp } from '../infra/stack/index.js';

/**
 * The real stack a benchmark runs on: the one named by GATEHOUND_KAFKA_BROKERS and
 * GATEHOUND_OPENSEARCH_URL, or the local one `gatehound stack up` starts (left running afterwards,
 * so runs in a row do not pay for start-up; `gatehound stack down` stops it).
 */
export async function benchStack(): Promise<{ kafkaBrokers: string[]; opensearchUrl: string }> {
  const brokers = process.env.GATEHOUND_KAFKA_BROKERS;
  const url = process.env.GATEHOUND_OPENSEARCH_URL;
  if (brokers && url) return { kafkaBrokers: brokers.split(','), opensearchUrl: url };
  const info = await stackUp({ log: (line) => process.stderr.write(`${line}\n`) });
  return { kafkaBrokers: info.kafkaBrokers.split(','), opensearchUrl: info.opensearchUrl };
}

export function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]! };
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: number[], p: number): number {
  return [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)]!;
}
