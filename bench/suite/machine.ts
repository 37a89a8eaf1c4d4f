import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { KAFKA_ARTIFACT } from '../../infra/stack/artifacts.js';

export interface Machine {
  cpus: number;
  model: string;
  memory_gb: number;
  free_memory_gb_at_start: number;
  node: string;
  kafka: string;
  opensearch: string;
  load_average_at_start: number[];
  /** In latest.json: the load average each part started under (parts may come from separate runs). */
  load_average_at_start_by_part?: Record<string, number[]>;
  started_at: string;
}

/** What the figures came from. Kafka's version is the local stack's artifact (brokers do not report it). */
export async function machine(opensearchUrl: string): Promise<Machine> {
  const gb = (bytes: number) => Math.round((bytes / 2 ** 30) * 10) / 10;
  let opensearch = 'unknown';
  try {
    const info = (await (await fetch(opensearchUrl)).json()) as { version?: { number?: string } };
    opensearch = info.version?.number ?? opensearch;
  } catch {
    // A figure without the version is still a figure; the table says unknown.
  }
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    memory_gb: gb(totalmem()),
    free_memory_gb_at_start: gb(freemem()),
    node: process.version,
    kafka: KAFKA_ARTIFACT.version,
    opensearch,
    load_average_at_start: loadavg().map((l) => Math.round(l * 100) / 100),
    started_at: new Date().toISOString(),
  };
}
