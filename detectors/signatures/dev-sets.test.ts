import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import { scan, THRESHOLD } from './scan.js';
import { ANY_TEXT_PLACES } from './schema.js';

/**
 * The pack on the labelled development sets (../shared/data, see its SOURCES.md), scanned as every
 * place of a request. Floors are the levels this pack reaches; the project's target (TPR >= 0.90 at
 * FPR <= 0.01) is met on the web-attack set and not yet on the injection set.
 */
const FLOORS = {
  'injection-dev.jsonl': { tpr: 0.78, fpr: 0.01 },
  'web-attacks-dev.jsonl': { tpr: 0.9, fpr: 0.01 },
};

describe('the pack on the development sets', () => {
  for (const [name, floor] of Object.entries(FLOORS)) {
    const url = new URL(`../../../shared/data/${name}`, import.meta.url);
    it(`${name}: TPR >= ${floor.tpr}, FPR <= ${floor.fpr}`, () => {
      const records = fs
        .readFileSync(url, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { text: string; label: 0 | 1; category: string });
      const { overall } = evaluate(
        records.map((r) => ({
          label: r.label,
          category: r.category,
          flagged: scan(r.text, ANY_TEXT_PLACES).score >= THRESHOLD,
        })),
      );
      expect(overall.tpr).toBeGreaterThanOrEqual(floor.tpr);
      expect(overall.fpr).toBeLessThanOrEqual(floor.fpr);
    }, 300_000);
  }
});
