import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';

describe('evaluate', () => {
  it('counts the confusion matrix overall and per category', () => {
    const result = evaluate([
      { label: 1, category: 'sqli', flagged: true },
      { label: 1, category: 'sqli', flagged: true },
      { label: 1, category: 'sqli', flagged: false },
      { label: 0, category: 'benign', flagged: true },
      { label: 0, category: 'benign', flagged: false },
      { label: 0, category: 'benign', flagged: false },
      { label: 0, category: 'benign', flagged: false },
    ]);
    expect(result.overall).toEqual({ tp: 2, fp: 1, tn: 3, fn: 1, tpr: 2 / 3, fpr: 1 / 4 });
    expect(result.categories.sqli).toEqual({ tp: 2, fp: 0, tn: 0, fn: 1, tpr: 2 / 3, fpr: null });
    expect(result.categories.benign).toEqual({ tp: 0, fp: 1, tn: 3, fn: 0, tpr: null, fpr: 1 / 4 });
  });

  it('gives null rates where a row has no positives or no negatives, and names missing categories', () => {
    const result = evaluate([{ label: 1, flagged: false }]);
    expect(result.overall).toEqual({ tp: 0, fp: 0, tn: 0, fn: 1, tpr: 0, fpr: null });
    expect(Object.keys(result.categories)).toEqual(['(none)']);
    expect(evaluate([]).overall).toEqual({ tp: 0, fp: 0, tn: 0, fn: 0, tpr: null, fpr: null });
  });

  it('lists categories in sorted order', () => {
    const result = evaluate([
      { label: 0, category: 'b', flagged: false },
      { label: 1, category: 'a', flagged: true },
    ]);
    expect(Object.keys(result.categories)).toEqual(['a', 'b']);
  });
});
