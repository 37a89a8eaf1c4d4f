import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../infra/clock.js';
import { CircuitBreaker } from './circuit-breaker.js';

describe('circuit breaker', () => {
  it('opens after consecutive failures, lets one trial through after the cool-down, closes on success', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker(clock, 3, 10_000);
    b.failure();
    b.failure();
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    clock.advance(9_999);
    expect(b.allow()).toBe(false);
    clock.advance(1);
    expect(b.state).toBe('half_open');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false); // one trial at a time
    b.success();
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
  });

  it('reopens for a full cool-down when the trial fails', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker(clock, 1, 1_000);
    b.failure();
    clock.advance(1_000);
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    clock.advance(999);
    expect(b.allow()).toBe(false);
  });

  it('a success resets the count of consecutive failures', () => {
    const b = new CircuitBreaker(new ManualClock(), 2, 1_000);
    b.failure();
    b.success();
    b.failure();
    expect(b.state).toBe('closed');
  });
});
