import { describe, expect, it } from 'vitest';
import { builtinPack } from './pack.js';
import { scan } from './scan.js';
import { WHERE_PLACES } from './schema.js';

/**
 * Linear time on hostile input: every pattern, and scan() as a whole (normalisation, decoding, the
 * prefilter), over 100 KB strings built to provoke backtracking: long runs of one character, and
 * near-matches repeated so a backtracking engine would retry each of them.
 */
const SIZE = 100_000;
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
const HOSTILE = [
  fill('a'),
  fill(' '),
  fill('\n'),
  fill('<'),
  fill('{'),
  fill("'"),
  fill('%'),
  fill('1$1@'),
  fill('ignore previous '),
  fill('ignore all the previous and '),
  fill("' or 1=1 "),
  fill('../'),
  fill('<script '),
  fill('{{7*'),
  fill(`${'a'.repeat(40)}0`),
  fill('QUJD'),
  fill('\u0430b'),
  fill('\udb40\udc41'),
  fill('({[x'),
  fill('.- '),
  fill('.-.-.-.'),
  fill('- / '),
];
/** Generous: re2js scans about 10-50 MB/s; a quadratic engine would take minutes here. */
const BOUND_MS = 2_000;

describe('linear time on hostile input', () => {
  const pack = builtinPack();

  it('runs every pattern over 100 KB hostile strings within the bound', () => {
    for (const s of pack.signatures)
      for (const text of HOSTILE) {
        const started = performance.now();
        s.regex.test(text);
        s.test(text);
        const ms = performance.now() - started;
        expect(ms, `${s.id} on ${JSON.stringify(text.slice(0, 12))}`).toBeLessThan(BOUND_MS);
      }
  }, 600_000);

  it('scans 100 KB hostile strings end to end within the bound', () => {
    for (const text of HOSTILE) {
      const started = performance.now();
      scan(text, WHERE_PLACES);
      expect(performance.now() - started, JSON.stringify(text.slice(0, 12))).toBeLessThan(BOUND_MS * 5);
    }
  }, 600_000);
});
