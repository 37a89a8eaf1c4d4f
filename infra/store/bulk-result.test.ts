import { describe, expect, it } from 'vitest';
import { backoffMs, classifyBulkItems } from './bulk-result.js';

describe('classifyBulkItems', () => {
  it('retries what the cluster could not take now, rejects what the document got wrong', () => {
    const outcomes = classifyBulkItems([
      { index: { status: 201 } },
      { index: { status: 200 } },
      { index: { status: 429, error: { type: 'es_rejected_execution_exception' } } },
      { index: { status: 503, error: { type: 'unavailable_shards_exception' } } },
      { index: { status: 400, error: { type: 'strict_dynamic_mapping_exception' } } },
      { index: { status: 409, error: { type: 'version_conflict_engine_exception' } } },
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['ok', 'ok', 'retry', 'retry', 'reject', 'reject']);
    expect(outcomes[4]!.reason).toBe('strict_dynamic_mapping_exception');
  });
});

describe('backoffMs', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    expect(backoffMs(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffMs(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffMs(20, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffMs(3, 100, 10_000, () => 0)).toBe(0);
  });
});
