import type { Clock } from '../../infra/clock.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * One per destination: after `failures` consecutive failures calls fail fast for `cooldownMs`,
 * then one trial call decides whether the destination is back.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(
    private readonly clock: Clock,
    private readonly failures: number,
    private readonly cooldownMs: number,
  ) {}

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.clock.now() - this.openedAt >= this.cooldownMs ? 'half_open' : 'open';
  }

  /** May a call go out now? In half-open state only one trial at a time. */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  success(): void {
    this.consecutive = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  failure(): void {
    this.trialInFlight = false;
    this.consecutive++;
    if (this.openedAt !== null || this.consecutive >= this.failures) this.openedAt = this.clock.now();
  }
}
