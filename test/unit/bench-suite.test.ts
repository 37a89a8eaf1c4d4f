import { describe, expect, it } from 'vitest';
import { percentile, stats } from '../../bench/stack.js';
import { met, metric } from '../../bench/suite/metric.js';
import { formatTable } from '../../bench/suite/table.js';

describe('bench suite figures', () => {
  it('a metric is the median of the runs with their min and max, in the shape latest.json holds', () => {
    expect(metric([3, 1, 2], 'events/s')).toEqual({ median: 2, min: 1, max: 3, unit: 'events/s' });
    expect(metric([5], 'ms', { op: '<=', value: 1000 })).toEqual({
      median: 5,
      min: 5,
      max: 5,
      unit: 'ms',
      target: { op: '<=', value: 1000 },
    });
    expect(() => metric([], 'ms')).toThrow();
  });

  it('a target is met by the median, in its direction; no target is neither', () => {
    expect(met(metric([40_000, 60_000, 55_000], 'events/s', { op: '>=', value: 50_000 }))).toBe(true);
    expect(met(metric([900, 1200, 1100], 'ms', { op: '<=', value: 1000 }))).toBe(false);
    expect(met(metric([1], 'x'))).toBeNull();
  });

  it('percentiles are nearest-rank and stats do not reorder their input', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(stats(xs)).toEqual({ median: 51, min: 1, max: 100 });
    expect(xs[0]).toBe(100);
  });

  it('the table has one row per figure with its target and whether it is met', () => {
    const table = formatTable({
      e2e_eps: metric([40_000, 42_000, 41_000], 'events/s', { op: '>=', value: 50_000 }),
      bytes_per_entity: metric([600, 610, 620], 'bytes', { op: '<=', value: 1024 }),
      e2e_findings: metric([265], 'findings'),
    }).split('\n');
    expect(table[0]).toMatch(/^figure\s+median\s+min\s+max\s+unit\s+target\s+met$/);
    expect(table[1]).toMatch(/^e2e_eps\s+41,000\s+40,000\s+42,000\s+events\/s\s+>= 50,000\s+NO$/);
    expect(table[2]).toMatch(/^bytes_per_entity\s+610\s+600\s+620\s+bytes\s+<= 1,024\s+yes$/);
    expect(table[3]).toMatch(/^e2e_findings\s+265\s+265\s+265\s+findings$/);
  });
});
