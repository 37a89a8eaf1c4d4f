/**
 * Exponentially weighted mean and variance of one signal per window: two numbers per entity, so a
 * million entities fit in memory. Updated once per closed window, never per event.
 */
export interface Ewma {
  mean: number;
  variance: number;
  /** Windows folded in, capped: how much history the baseline rests on. */
  n: number;
}

export function newEwma(): Ewma {
  return { mean: 0, variance: 0, n: 0 };
}

const MAX_N = 10_000;

export function ewmaUpdate(e: Ewma, x: number, alpha: number): void {
  if (e.n === 0) {
    e.mean = x;
    e.variance = 0;
  } else {
    const diff = x - e.mean;
    const incr = alpha * diff;
    e.mean += incr;
    e.variance = (1 - alpha) * (e.variance + diff * incr);
  }
  e.n = Math.min(MAX_N, e.n + 1);
}

/** Folds `windows` empty windows in at once; after a long silence the baseline is near zero anyway. */
export function ewmaIdle(e: Ewma, windows: number, alpha: number): void {
  const steps = Math.min(windows, 200);
  for (let i = 0; i < steps; i++) ewmaUpdate(e, 0, alpha);
  e.n = Math.min(MAX_N, e.n + (windows - steps));
}

export function ewmaStd(e: Ewma): number {
  return Math.sqrt(Math.max(0, e.variance));
}
