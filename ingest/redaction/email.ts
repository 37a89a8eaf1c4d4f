import { ALPHA, EMAIL_LOCAL, HOST, isIn, runEnd } from './chars.js';
import type { Detector, Span } from './types.js';

const DOT = 46;
const DASH = 45;

/**
 * E-mail addresses, found at their `@`: the local part before it and a host name after it with at
 * least one dot and an alphabetic top-level label of two or more letters (`a@b.co`; not
 * `user@localhost`, `@handle` or `a@b.c`). Each `@` reads back only to the previous character that
 * cannot be in a local part (another `@` is one), so the reads never overlap.
 */
export const email: Detector = {
  name: 'email',
  match(text, at, floor): Span | number {
    let start = at;
    while (start > floor && isIn(EMAIL_LOCAL, text.charCodeAt(start - 1))) start--;
    while (start < at && text.charCodeAt(start) === DOT) start++;
    if (start === at) return at + 1;
    const end = hostEnd(text, at + 1);
    return end < 0 ? at + 1 : { start, end, type: 'email' };
  },
};

/** End of a valid host name starting at `i` (at least two labels, alphabetic TLD), or -1. */
export function hostEnd(text: string, i: number): number {
  let end = runEnd(text, i, HOST, i + 255);
  // A sentence may end right after the address: "write to a@b.com."
  while (end > i && (text.charCodeAt(end - 1) === DOT || text.charCodeAt(end - 1) === DASH)) end--;
  // One pass over the labels; the last one, the TLD, is checked as it is read.
  let labels = 0;
  let labelStart = i;
  let alphabetic = true;
  for (let k = i; k <= end; k++) {
    const c = k === end ? DOT : text.charCodeAt(k);
    if (c !== DOT) {
      if (!isIn(ALPHA, c)) alphabetic = false;
      continue;
    }
    const len = k - labelStart;
    if (len === 0 || len > 63) return -1;
    if (text.charCodeAt(labelStart) === DASH || text.charCodeAt(k - 1) === DASH) return -1;
    labels++;
    if (k === end) break;
    labelStart = k + 1;
    alphabetic = true;
  }
  return labels >= 2 && alphabetic && end - labelStart >= 2 ? end : -1;
}
