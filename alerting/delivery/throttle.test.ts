import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../infra/clock.js';
import { Throttle } from './throttle.js';

const MIN = 60_000;

describe('throttle and digest', () => {
  it('sends the first message at once, folds later ones into one digest per period', () => {
    const clock = new ManualClock();
    const t = new Throttle<string[]>(clock, 10 * MIN, (a, b) => [...a, ...b]);
    expect(t.offer('inc-1', ['opened'])).toEqual(['opened']);
    clock.advance(MIN);
    expect(t.offer('inc-1', ['+1 finding'])).toBeNull();
    clock.advance(MIN);
    expect(t.offer('inc-1', ['severity high → critical'])).toBeNull();
    expect(t.due()).toEqual([]);
    clock.advance(8 * MIN - 1);
    expect(t.due()).toEqual([]);
    clock.advance(1);
    expect(t.due()).toEqual([{ key: 'inc-1', item: ['+1 finding', 'severity high → critical'] }]);
    expect(t.due()).toEqual([]);
    expect(t.pendingCount).toBe(0);
  });

  it('throttles each incident on its own', () => {
    const clock = new ManualClock();
    const t = new Throttle<number>(clock, 10 * MIN, (a, b) => a + b);
    expect(t.offer('a', 1)).toBe(1);
    expect(t.offer('b', 1)).toBe(1);
    expect(t.offer('a', 1)).toBeNull();
  });

  it('sends at once when the period has passed, with anything pending folded in', () => {
    const clock = new ManualClock();
    const t = new Throttle<number>(clock, 10 * MIN, (a, b) => a + b);
    t.offer('a', 1);
    t.offer('a', 2);
    clock.advance(10 * MIN);
    expect(t.offer('a', 3)).toBe(5);
    expect(t.due()).toEqual([]);
  });

  it('keeps the period across a restart from the last recorded message', () => {
    const clock = new ManualClock();
    const t = new Throttle<number>(clock, 10 * MIN, (a, b) => a + b);
    t.restore('a', clock.now() - 4 * MIN);
    expect(t.hasSent('a')).toBe(true);
    expect(t.offer('a', 1)).toBeNull();
    clock.advance(6 * MIN);
    expect(t.due()).toEqual([{ key: 'a', item: 1 }]);
  });
});
