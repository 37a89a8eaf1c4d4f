import { foldHomoglyphs } from './homoglyphs.js';
import { decodeWeb } from './web-decode.js';

/**
 * Text normalisation before matching. Signatures are written against these views, in lower case,
 * so an attacker cannot dodge a pattern with case, width, invisible characters or look-alikes.
 * Every step is a single pass (or a bounded number of passes) over the text.
 */

/** Format and control characters that render as nothing: zero-width spaces and joiners, bidi controls, BOM, soft hyphen, variation selectors. */
const INVISIBLE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: a set of single invisible code points, removed one by one
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/g;
/** Variation selectors U+E0100..U+E01EF (astral, so a separate pattern the common case never runs). */
const INVISIBLE_ASTRAL = /\udb40[\udd00-\uddef]/g;
/** Unicode tag characters U+E0020..U+E007E mirror ASCII and are invisible: "ASCII smuggling". */
const TAG_CHAR = /\udb40([\udc20-\udc7e])/g;
const OTHER_TAG_CHAR = /\udb40[\udc00-\udc7f]/g;
/** Runs of spaces collapse to one space and runs holding a line break to one newline, so patterns can anchor on lines. */
// Single spaces are left alone (no replacement work for the common case).
const SPACES = /[^\S\n]{2,}|[^\S\n ]/g;
// Applied after SPACES, so each gap is a single space: no overlapping quantifiers to backtrack over.
const BREAKS = / ?(?:\n ?)+/g;
/** Digits and symbols read as letters inside a word ("1gn0r3"); only words that also hold letters are folded. */
const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};
/** A letter next to a leet character somewhere: the cheap test that skips folding for most text. */
const LEET_ADJACENT = /[a-z][0-9@$]|[0-9@$][a-z]/;
// Bounded quantifiers: at most 30 characters either side, so a hostile run costs a constant per position.
const LEET_RUN = /\b[a-z0-9@$]{0,30}(?:[a-z][0-9@$]|[0-9@$][a-z])[a-z0-9@$]{0,30}/g;

// biome-ignore lint/suspicious/noControlCharactersInRegex: a range test for "anything beyond ASCII"
const NON_ASCII = /[^\u0000-\u007f]/;

function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** Typographic quotes and primes read as ASCII quotes, so "you’re" and "you're" are one spelling. */
const SINGLE_QUOTES = /[\u2018\u2019\u201a\u201b\u2032\u02bc]/g;
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u201f\u2033]/g;

function asciiQuotes(text: string): string {
  return text.replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"');
}

function collapseWhitespace(text: string): string {
  return text.replace(SPACES, ' ').replace(BREAKS, '\n').trim();
}

/** Decodes Unicode tag characters to the ASCII they mirror, in place. */
export function decodeTagCharacters(text: string): string {
  if (!text.includes('\udb40')) return text;
  return text
    .replace(TAG_CHAR, (_m, low: string) => String.fromCharCode(low.charCodeAt(0) - 0xdc00))
    .replace(OTHER_TAG_CHAR, '');
}

export function removeInvisible(text: string): string {
  const t = text.replace(INVISIBLE, '');
  return t.includes('\udb40') ? t.replace(INVISIBLE_ASTRAL, '') : t;
}

export function foldLeetspeak(text: string): string {
  if (!LEET_ADJACENT.test(text)) return text;
  return text.replace(LEET_RUN, (word) => {
    // Three letters at least, so numbers, ordinals and "mp3" stay as they are.
    if (word.replace(/[^a-z]/g, '').length < 3) return word;
    return word.replace(/[013457@$]/g, (ch) => LEET[ch] ?? ch);
  });
}

/** The view the prompt-injection signatures read: NFKC, lower case, invisible characters gone, tag characters decoded, look-alikes and leetspeak folded, whitespace collapsed. */
export function normalizePrompt(text: string): string {
  // ASCII is its own NFKC form and has no invisible characters or look-alikes: skip that work.
  const ascii = isAscii(text);
  let t = ascii
    ? text.toLowerCase()
    : removeInvisible(decodeTagCharacters(text).normalize('NFKC').toLowerCase());
  if (!ascii) t = asciiQuotes(foldHomoglyphs(t));
  t = foldLeetspeak(t);
  return collapseWhitespace(t);
}

/** The view the web-attack signatures read: percent/entity decoding and comment blanking first, then the same folding as prompts (without leetspeak, which would corrupt payload digits). */
export function normalizeWeb(text: string): string {
  const decoded = decodeWeb(text);
  const t = isAscii(decoded)
    ? decoded.toLowerCase()
    : asciiQuotes(removeInvisible(decodeTagCharacters(decoded).normalize('NFKC').toLowerCase()));
  // Only spaces are trimmed: a leading or trailing newline (%0a) is a command separator here.
  return t.replace(SPACES, ' ').replace(BREAKS, '\n').replace(/^ | $/g, '');
}
