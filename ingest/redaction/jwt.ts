import { boundaryAfter, boundaryBefore, runEnd, TOKEN } from './chars.js';
import type { Detector, Span } from './types.js';

const DOT = 46;

/**
 * JSON Web Tokens: three (JWS) or five (JWE) base64url segments joined by dots, the first starting
 * with `eyJ` (the encoding of `{"`). The signature segment may be empty (`alg: none`).
 */
export const jwt: Detector = {
  name: 'jwt',
  match(text, i): Span | number {
    if (!boundaryBefore(text, i, TOKEN)) return runEnd(text, i, TOKEN) + 1;
    if (!text.startsWith('eyJ', i)) return i + 1;
    let end = runEnd(text, i, TOKEN);
    if (end - i < 10) return end + 1;
    let segments = 1;
    while (segments < 5 && end < text.length && text.charCodeAt(end) === DOT) {
      const next = runEnd(text, end + 1, TOKEN);
      // Segments after the second may be empty ("header.payload." is an unsigned token).
      if (next === end + 1 && segments < 2) break;
      segments++;
      end = next;
    }
    if (segments !== 3 && segments !== 5) return end + 1;
    if (!boundaryAfter(text, end, TOKEN)) return end + 1;
    return { start: i, end, type: 'jwt' };
  },
};
