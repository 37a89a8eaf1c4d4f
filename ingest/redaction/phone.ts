import { ALNUM, DIGIT, isIn } from './chars.js';
import { type DigitGroups, readDigitGroups } from './digit-groups.js';
import type { Detector, Span } from './types.js';

const PLUS = 43;
const OPEN = 40;

/**
 * Phone numbers in the shapes people write:
 * - international: `+` and 8–15 digits in any grouping ("+44 20 7946 0958", "+14155550100")
 * - North American: (415) 555-0100, 415-555-0100, 415.555.0100, 1-800-555-0199 (area code and
 *   exchange start with 2–9)
 * - national with a trunk 0: "020 7946 0958", "06 12 34 56 78", "030-1234-5678" (10–12 digits in 3+
 *   groups of 2–5)
 * A bare run of digits without a `+` is any number (an order id, a timestamp) and is left alone.
 */
export const phone: Detector = {
  name: 'phone',
  match(text, i): Span | number {
    if (i > 0) {
      const prev = text.charCodeAt(i - 1);
      if (isIn(ALNUM, prev) || prev === PLUS || prev === 46 /* . */) return i + 1;
    }
    const c = text.charCodeAt(i);
    let j = i;
    if (c === PLUS || c === OPEN) {
      j++;
      if (c === PLUS && text.charCodeAt(j) === OPEN) j++;
    }
    if (!isIn(DIGIT, text.charCodeAt(j))) return i + 1;
    const g = readDigitGroups(text, j);
    const k = c === PLUS ? international(g) : Math.max(northAmerican(g), trunk(g));
    if (k === 0) return i + 1;
    const end = g.end(k - 1);
    if (end < text.length && isIn(ALNUM, text.charCodeAt(end))) return i + 1;
    return { start: i, end, type: 'phone' };
  },
};

/** Groups (counted from the first) of the longest prefix with 8–15 digits, or 0. */
function international(g: DigitGroups): number {
  for (let k = g.groupCount; k >= 1; k--) {
    const n = g.digitsIn(k);
    if (n >= 8 && n <= 15) return k;
  }
  return 0;
}

function northAmerican(g: DigitGroups): number {
  if (g.shape(3, 3, 4)) return g.digit(0) >= 2 && g.digit(3) >= 2 ? 3 : 0;
  if (g.shape(1, 3, 3, 4) && g.digit(0) === 1) return g.digit(1) >= 2 && g.digit(4) >= 2 ? 4 : 0;
  return 0;
}

function trunk(g: DigitGroups): number {
  if (g.digit(0) !== 0) return 0;
  for (let k = g.groupCount; k >= 3; k--) {
    const n = g.digitsIn(k);
    if (n < 10 || n > 12) continue;
    let ok = true;
    for (let q = 0; q < k; q++) if (g.lengths[q]! < 2 || g.lengths[q]! > 5) ok = false;
    if (ok) return k;
  }
  return 0;
}
