import { ALNUM, DIGIT, HEX, isIn } from './chars.js';
import type { Detector, Span } from './types.js';

const DOT = 46;
const COLON = 58;
const PERCENT = 37;

/** End of a dotted-quad IPv4 address at `i` (each part 0–255), or -1. Reads at most 16 characters. */
export function ipv4End(text: string, i: number): number {
  let j = i;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (text.charCodeAt(j) !== DOT) return -1;
      j++;
    }
    // Each character read once; past the end charCodeAt gives NaN, which is no digit.
    let value = 0;
    let digits = 0;
    for (let c = text.charCodeAt(j); c >= 48 && c <= 57; c = text.charCodeAt(++j)) {
      if (++digits > 3) return -1;
      value = value * 10 + (c - 48);
    }
    if (digits === 0 || value > 255) return -1;
  }
  return j;
}

/** True when an address ending at `end` is followed by something that makes it part of a longer token. */
function continues(text: string, end: number): boolean {
  if (end >= text.length) return false;
  const c = text.charCodeAt(end);
  if (isIn(ALNUM, c) || c === 95 /* _ */) return true;
  // "1.2.3.4.5" (an OID or a version) and "fe80::1:" are not addresses; a full stop after one is.
  if ((c === DOT || c === COLON) && end + 1 < text.length && isIn(HEX, text.charCodeAt(end + 1))) return true;
  return false;
}

/**
 * IPv6 at `i`: hex groups of up to four digits separated by colons, at most one "::", eight groups
 * without it, an optional trailing IPv4 and zone. Returns the end, or -1. Reads at most ~60 characters.
 */
export function ipv6End(text: string, i: number): number {
  let j = i;
  let groups = 0;
  let compressed = false;
  let digits = false;
  if (text.charCodeAt(j) === COLON) {
    if (text.charCodeAt(j + 1) !== COLON) return -1;
    compressed = true;
    j += 2;
  }
  for (;;) {
    const start = j;
    while (j < text.length && j - start < 4 && isIn(HEX, text.charCodeAt(j))) {
      if (isIn(DIGIT, text.charCodeAt(j))) digits = true;
      j++;
    }
    if (j === start) {
      // Nothing after a separator: allowed only right after "::".
      if (!(compressed && text.charCodeAt(j - 1) === COLON && text.charCodeAt(j - 2) === COLON)) return -1;
      break;
    }
    if (j < text.length && isIn(HEX, text.charCodeAt(j))) return -1;
    // An embedded IPv4 ends the address: ::ffff:192.0.2.1 (a full stop after the last group does not).
    if (j < text.length && text.charCodeAt(j) === DOT && isIn(DIGIT, text.charCodeAt(j + 1))) {
      const v4 = ipv4End(text, start);
      if (v4 < 0 || groups > 6) return -1;
      groups += 2;
      j = v4;
      break;
    }
    groups++;
    if (groups > 8) return -1;
    if (j + 1 < text.length && text.charCodeAt(j) === COLON && text.charCodeAt(j + 1) === COLON) {
      if (compressed) return -1;
      compressed = true;
      j += 2;
      continue;
    }
    if (
      j < text.length &&
      text.charCodeAt(j) === COLON &&
      j + 1 < text.length &&
      isIn(HEX, text.charCodeAt(j + 1))
    ) {
      j++;
      continue;
    }
    break;
  }
  if (compressed ? groups > 7 : groups !== 8) return -1;
  // "a::b" and "add::cafe" are code far more often than addresses: ask for a digit or the full form.
  if (!digits && groups < 8) return -1;
  if (groups === 0 && !digits) return -1;
  if (j < text.length && text.charCodeAt(j) === PERCENT) {
    let k = j + 1;
    while (k < text.length && k - j <= 16 && isIn(ALNUM, text.charCodeAt(k))) k++;
    if (k > j + 1) j = k;
  }
  return j;
}

/** IPv4 and IPv6 addresses in text. */
export const ip: Detector = {
  name: 'ip',
  match(text, i): Span | number {
    const prev = i === 0 ? 0 : text.charCodeAt(i - 1);
    if (isIn(ALNUM, prev) || prev === DOT || prev === 95 /* _ */) return i + 1;
    if (isIn(DIGIT, text.charCodeAt(i))) {
      const end = ipv4End(text, i);
      if (end > 0 && !continues(text, end)) return { start: i, end, type: 'ip' };
    }
    // Inside "a:b:c" a later group is not the start of an address ("host:8080" neither).
    if (prev === COLON) return i + 1;
    const end6 = ipv6End(text, i);
    if (end6 > 0 && !continues(text, end6)) return { start: i, end: end6, type: 'ip' };
    return i + 1;
  },
};
