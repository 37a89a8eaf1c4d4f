import type { Machine } from './machine.js';
import type { Metrics } from './metric.js';
import type { Stack } from './run-config.js';

/** What every part of the suite is run with. */
export interface SuiteContext {
  stack: Stack;
  machine: Machine;
  runs: number;
  /** Events per throughput run (BENCH_EVENTS). */
  events: number;
  /** Figures of the parts run so far: ratios to the raw limit read them. */
  metrics: Metrics;
}

export type Part = (ctx: SuiteContext) => Promise<Metrics>;

export const progress = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `ctx.runs` runs of one measurement, in order. A failed run is reported and left out of the figures
 * rather than ending the suite; `failed` says how many there were.
 */
export async function repeat<T>(
  ctx: SuiteContext,
  label: string,
  run: (r: number) => Promise<T>,
): Promise<{ results: T[]; failed: number }> {
  const results: T[] = [];
  let failed = 0;
  for (let r = 0; r < ctx.runs; r++) {
    try {
      results.push(await run(r));
      progress(`${label} run ${r + 1}: ${JSON.stringify(results.at(-1))}`);
    } catch (err) {
      failed++;
      progress(`${label} run ${r + 1} FAILED: ${(err as Error).message}`);
    }
  }
  if (results.length === 0) throw new Error(`every ${label} run failed`);
  return { results, failed };
}
