import { describe, expect, it } from 'vitest';
import { CatchUp } from './catch-up.js';

describe('CatchUp', () => {
  it('reports once, after the last record present at subscription time of every non-empty partition', () => {
    let calls = 0;
    const c = new CatchUp(
      [
        { partition: 0, low: 0n, high: 3n },
        { partition: 1, low: 5n, high: 5n },
        { partition: 2, low: 10n, high: 12n },
      ],
      () => calls++,
    );
    c.delivered(0, 2n);
    c.delivered(2, 10n);
    expect(calls).toBe(0);
    c.delivered(2, 11n);
    expect(calls).toBe(1);
    c.delivered(0, 3n);
    c.delivered(2, 12n);
    expect(calls).toBe(1);
  });

  it('reports at once when every partition is empty (compaction may leave low = high)', () => {
    let calls = 0;
    new CatchUp([{ partition: 0, low: 7n, high: 7n }], () => calls++);
    new CatchUp([], () => calls++);
    expect(calls).toBe(2);
  });

  it('counts a partition done when a later offset arrives (compaction removed the last one)', () => {
    let calls = 0;
    const c = new CatchUp([{ partition: 0, low: 0n, high: 4n }], () => calls++);
    c.delivered(0, 9n);
    expect(calls).toBe(1);
  });
});
