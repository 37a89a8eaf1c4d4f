import { ALPHA, B64, DIGIT, HEX, isIn, runEnd } from './chars.js';
import type { Detector, Span } from './types.js';

const MIN_LENGTH = 20;
const MIN_HEX_LENGTH = 32;
const counts = new Uint16Array(128);

/** Shannon entropy in bits per character of text[start, end). */
export function entropy(text: string, start: number, end: number): number {
  for (let k = start; k < end; k++) counts[text.charCodeAt(k)]!++;
  let h = 0;
  const n = end - start;
  for (let k = start; k < end; k++) {
    const code = text.charCodeAt(k);
    const c = counts[code]!;
    if (c === 0) continue;
    const p = c / n;
    h -= p * Math.log2(p);
    counts[code] = 0;
  }
  return h;
}

const UUID_GROUPS = [8, 4, 4, 4, 12];

function isUuid(text: string, start: number, end: number): boolean {
  if (end - start !== 36) return false;
  let k = start;
  for (let g = 0; g < 5; g++) {
    for (let n = 0; n < UUID_GROUPS[g]!; n++, k++) if (!isIn(HEX, text.charCodeAt(k))) return false;
    if (g < 4 && text.charCodeAt(k++) !== 45) return false;
  }
  return true;
}

/**
 * Identifiers read as words: camelCase humps (a capital followed by two lowercase letters) for most of
 * the capitals, or a long lowercase run when there are none, and few digits. Random text has a hump
 * for about one capital in six and short lowercase runs.
 */
function wordlike(text: string, start: number, end: number, digits: number): boolean {
  if (digits * 4 >= end - start) return false;
  let upper = 0;
  let humps = 0;
  let lowerRun = 0;
  let longestLowerRun = 0;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c >= 65 && c <= 90) {
      upper++;
      if (isLower(text.charCodeAt(k + 1)) && isLower(text.charCodeAt(k + 2)) && k + 2 < end) humps++;
    }
    if (isLower(c)) {
      lowerRun++;
      if (lowerRun > longestLowerRun) longestLowerRun = lowerRun;
    } else lowerRun = 0;
  }
  return upper === 0 ? longestLowerRun >= 5 : humps * 2 >= upper;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/**
 * For a word ending at j in a base64 run that began at `start` (or at the floor): where the run
 * ends when it is shorter than any token, else -1. The detector refuses every word of such a run
 * and returns that end + 1; this reads no further than a token's least length past `start`.
 */
export function shortRunEnd(text: string, start: number, j: number): number {
  const limit = start + MIN_LENGTH;
  let k = j;
  while (k < limit && isIn(B64, text.charCodeAt(k))) k++;
  return k < limit ? k : -1;
}

/**
 * Random-looking tokens nothing more specific caught: base64/base64url/hex runs of 20+ characters
 * (hex: 32+) with letters and digits whose entropy is near that of random text of that length.
 * Identifiers (camelCase, snake_case), paths and long words stay: they have fewer distinct characters
 * or read as words. UUIDs and base64-encoded JSON stay too.
 */
export const highEntropy: Detector = {
  name: 'high-entropy',
  match(text, i, floor): Span | number {
    // Anchored at a word with a digit; the token may have started earlier ("abc-def123…").
    let start = i;
    while (start > floor && isIn(B64, text.charCodeAt(start - 1))) start--;
    const end = runEnd(text, i, B64);
    let core = end;
    while (core > start && text.charCodeAt(core - 1) === 61 /* = */) core--;
    const n = core - start;
    if (n < MIN_LENGTH) return end + 1;
    let digits = 0;
    let letters = 0;
    let hexOnly = true;
    for (let k = start; k < core; k++) {
      const c = text.charCodeAt(k);
      if (isIn(DIGIT, c)) digits++;
      else if (isIn(ALPHA, c)) letters++;
      if (!isIn(HEX, c) && c !== 45) hexOnly = false;
    }
    if (digits === 0 || letters === 0 || isUuid(text, start, core)) return end + 1;
    // base64 of JSON ("eyJ…") is data, not a secret; a whole JWT is the JWT detector's.
    if (text.startsWith('eyJ', start)) return end + 1;
    if (!hexOnly && wordlike(text, start, core, digits)) return end + 1;
    const h = entropy(text, start, core);
    const threshold = hexOnly
      ? n >= MIN_HEX_LENGTH
        ? 3.0
        : Number.POSITIVE_INFINITY
      : Math.min(4.5, 0.85 * Math.log2(n));
    return h >= threshold ? { start, end, type: 'secret' } : end + 1;
  },
};
