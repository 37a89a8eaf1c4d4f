import { stats } from '../stack.js';

/** A target the issue sets: the median must be at least / at most this. */
export interface Target {
  op: '>=' | '<=';
  value: number;
}

/** One figure of `bench/results/latest.json`: the median of the runs, with their min and max. */
export interface Metric {
  median: number;
  min: number;
  max: number;
  unit: string;
  target?: Target;
}

export type Metrics = Record<string, Metric>;

export function metric(runs: number[], unit: string, target?: Target): Metric {
  if (runs.length === 0) throw new Error(`no runs for a figure in ${unit}`);
  return { ...stats(runs), unit, ...(target ? { target } : {}) };
}

/** null: no target. */
export function met(m: Metric): boolean | null {
  if (!m.target) return null;
  return m.target.op === '>=' ? m.median >= m.target.value : m.median <= m.target.value;
}
