/**
 * Character classes as lookup tables over ASCII: the detectors test a char code with one array read.
 * Anything at or above 128 is in no class.
 */
function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

const LOWER_CHARS = 'abcdefghijklmnopqrstuvwxyz';
const UPPER_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGIT_CHARS = '0123456789';
const ALNUM_CHARS = LOWER_CHARS + UPPER_CHARS + DIGIT_CHARS;

export const DIGIT = table(DIGIT_CHARS);
export const UPPER = table(UPPER_CHARS);
export const LOWER = table(LOWER_CHARS);
export const ALPHA = table(LOWER_CHARS + UPPER_CHARS);
export const ALNUM = table(ALNUM_CHARS);
export const HEX = table(`${DIGIT_CHARS}abcdefABCDEF`);
/** Characters of identifiers and most API keys. */
export const TOKEN = table(`${ALNUM_CHARS}_-`);
/** base64, base64url and the padding. */
export const B64 = table(`${ALNUM_CHARS}+/=_-`);
/** The local part of an e-mail address as people write them. */
export const EMAIL_LOCAL = table(`${ALNUM_CHARS}._%+-_`);
/** Labels of a host name, and the dots between them. */
export const HOST = table(`${ALNUM_CHARS}-.`);
/** Space and tab, the separators inside a phone or card number. */
export const BLANK = table(' \t');
export const WHITESPACE = table(' \t\r\n\f\v');

export function isIn(t: Uint8Array, code: number): boolean {
  return code < 128 && t[code] === 1;
}

/** True when the character before `i` cannot be part of the same word (start of text counts). */
export function boundaryBefore(text: string, i: number, t: Uint8Array = ALNUM): boolean {
  return i === 0 || !isIn(t, text.charCodeAt(i - 1));
}

/** True when position `i` (the first char after a candidate) does not continue it. */
export function boundaryAfter(text: string, i: number, t: Uint8Array = ALNUM): boolean {
  return i >= text.length || !isIn(t, text.charCodeAt(i));
}

/** End of the run of characters of class `t` starting at `i`, reading at most up to `limit`. */
export function runEnd(text: string, i: number, t: Uint8Array, limit = text.length): number {
  const end = Math.min(limit, text.length);
  let j = i;
  while (j < end && isIn(t, text.charCodeAt(j))) j++;
  return j;
}

/** ASCII case-insensitive comparison of `text` at `i` with a lowercase `word`. */
export function startsWithLower(text: string, i: number, word: string): boolean {
  if (i + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) {
    let c = text.charCodeAt(i + k);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}
