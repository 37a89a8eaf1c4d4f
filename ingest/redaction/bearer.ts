import { ALNUM, boundaryBefore, DIGIT, isIn, LOWER, startsWithLower, UPPER } from './chars.js';
import type { Detector, Span } from './types.js';

/** Where a pasted token ends: whitespace, quotes, brackets and list separators. */
function endsToken(c: number): boolean {
  return c <= 32 || c === 34 || c === 39 || c === 96 || c === 44 || c === 59 || c === 60 || c === 62;
}

const MAX_TOKEN = 4096;

/**
 * `Bearer <token>` as pasted from a curl command or a header dump: the word stays, the token becomes
 * `[BEARER_TOKEN]`, up to the next space or quote (RFC 6750 tokens are base64-ish, but whatever was
 * pasted there goes). The token must look like one (eight or more characters with a digit, a symbol or
 * inner capitals), so "bearer of bad news" and "Bearer authentication" are left alone.
 */
export const bearer: Detector = {
  name: 'bearer',
  match(text, i): Span | number {
    if (!boundaryBefore(text, i) || !startsWithLower(text, i, 'bearer')) return i + 1;
    let j = i + 6;
    const spaceEnd = Math.min(text.length, j + 8);
    while (j < spaceEnd && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    if (j === i + 6) return i + 1;
    const start = j;
    // A placeholder from an earlier pass is not a token.
    if (text.charCodeAt(start) === 91 /* [ */) return i + 1;
    const limit = Math.min(text.length, start + MAX_TOKEN);
    let innerUpper = false;
    let lower = false;
    while (j < limit) {
      const c = text.charCodeAt(j);
      if (endsToken(c)) break;
      if (isIn(UPPER, c) && j > start) innerUpper = true;
      else if (isIn(LOWER, c)) lower = true;
      j++;
    }
    // A full stop after the token ends the sentence, not the token.
    while (j > start && text.charCodeAt(j - 1) === 46) j--;
    if (j - start < 8 || !(strong(text, start, j) || (innerUpper && lower))) return i + 1;
    return { start, end: j, type: 'bearer_token' };
  },
};

/** A digit or a symbol in text[start, end). */
function strong(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (isIn(DIGIT, c) || !isIn(ALNUM, c)) return true;
  }
  return false;
}
