import { ALNUM, ALPHA, isIn } from './chars.js';
import type { Detector, Span } from './types.js';

const COLON = 58;
const SLASH = 47;
const AT = 64;
const MAX_USER = 256;
const MAX_PASSWORD = 256;
const MAX_SCHEME = 32;

/** Characters that end the userinfo of a URL (RFC 3986 forbids them unencoded). */
function endsUserinfo(c: number): boolean {
  return (
    c <= 32 ||
    c === SLASH ||
    c === 63 /* ? */ ||
    c === 35 /* # */ ||
    c === AT ||
    c === 34 ||
    c === 60 ||
    c === 62
  );
}

function schemeChar(c: number): boolean {
  return isIn(ALNUM, c) || c === 43 /* + */ || c === 45 /* - */ || c === 46 /* . */;
}

/**
 * The password of `scheme://user:password@host`. Anchored at the colon before the password, so the
 * user part has been scanned by the other detectors already (a token used as a user name is caught
 * as a token); only the password becomes `[PASSWORD]`.
 */
export const urlPassword: Detector = {
  name: 'url-password',
  match(text, i): Span | number {
    // Back over the user part to "//", then the scheme. Both bounded; the user part cannot hold a colon,
    // so two colons never read the same characters.
    let k = i - 1;
    const stop = Math.max(0, i - 1 - MAX_USER);
    while (k >= stop && !endsUserinfo(text.charCodeAt(k)) && text.charCodeAt(k) !== COLON) k--;
    if (
      k < 2 ||
      text.charCodeAt(k) !== SLASH ||
      text.charCodeAt(k - 1) !== SLASH ||
      text.charCodeAt(k - 2) !== COLON
    )
      return i + 1;
    let s = k - 3;
    const schemeStop = Math.max(0, k - 3 - MAX_SCHEME);
    while (s >= schemeStop && schemeChar(text.charCodeAt(s))) s--;
    if (s === k - 3 || !isIn(ALPHA, text.charCodeAt(s + 1))) return i + 1;
    // Forward over the password to the "@" that ends the userinfo.
    const limit = Math.min(text.length, i + 1 + MAX_PASSWORD);
    let j = i + 1;
    while (j < limit && !endsUserinfo(text.charCodeAt(j))) j++;
    if (j === i + 1 || j >= text.length || text.charCodeAt(j) !== AT) return i + 1;
    // A host must follow, or this is not a URL ("ftp://a:b@ " is not worth a placeholder either way).
    if (j + 1 >= text.length || endsUserinfo(text.charCodeAt(j + 1))) return i + 1;
    return { start: i + 1, end: j, type: 'password' };
  },
};
