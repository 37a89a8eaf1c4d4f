/**
 * Wall-clock time, injected. Scoring never reads it (detectors run on event time); it is for
 * timeouts, expiries and retries, and tests replace it with a ManualClock instead of sleeping.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class ManualClock implements Clock {
  constructor(private t = Date.parse('2026-01-01T00:00:00Z')) {}
  now(): number {
    return this.t;
  }
  set(ms: number | string): void {
    this.t = typeof ms === 'string' ? Date.parse(ms) : ms;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
