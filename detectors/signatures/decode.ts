/**
 * Finds encoded segments embedded in a prompt (Base64, hex, binary, \x escapes, ROT13) and decodes
 * them, so the signatures can read what the model would be asked to decode. Bounded: segments are
 * taken from the first MAX_INPUT characters, at most MAX_SEGMENTS of them, each decoded up to
 * MAX_DECODED characters; a decoding that is not mostly printable text is dropped.
 */

const MAX_INPUT = 32_768;
const MAX_SEGMENTS = 16;
const MAX_DECODED = 4_096;

const BASE64 = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const HEX = /\b(?:[0-9a-fA-F]{2}[ :]?){8,}/g;
const ESCAPED_HEX = /(?:\\x[0-9a-fA-F]{2}){6,}/g;
const BINARY = /\b(?:[01]{8} ?){4,}/g;
/** Morse: at least six letters of dots and dashes, words split by " / ". */
const MORSE = /(?:[.-]{1,6}(?: \/ | ))+[.-]{1,6}/g;
const MORSE_LETTERS: Record<string, string> = {
  '.-': 'a',
  '-...': 'b',
  '-.-.': 'c',
  '-..': 'd',
  '.': 'e',
  '..-.': 'f',
  '--.': 'g',
  '....': 'h',
  '..': 'i',
  '.---': 'j',
  '-.-': 'k',
  '.-..': 'l',
  '--': 'm',
  '-.': 'n',
  '---': 'o',
  '.--.': 'p',
  '--.-': 'q',
  '.-.': 'r',
  '...': 's',
  '-': 't',
  '..-': 'u',
  '...-': 'v',
  '.--': 'w',
  '-..-': 'x',
  '-.--': 'y',
  '--..': 'z',
  '-----': '0',
  '.----': '1',
  '..---': '2',
  '...--': '3',
  '....-': '4',
  '.....': '5',
  '-....': '6',
  '--...': '7',
  '---..': '8',
  '----.': '9',
};
/** ROT13 spellings of ignore, instruction, previous, system, prompt, password, disregard, jailbreak. */
const ROT13_TRIGGERS = [
  'vtaber',
  'vafgehpgvba',
  'cerivbhf',
  'flfgrz',
  'cebzcg',
  'cnffjbeq',
  'qvfertneq',
  'wnvyoernx',
];

export interface Decoded {
  scheme: 'base64' | 'hex' | 'binary' | 'morse' | 'rot13';
  text: string;
}

/** Share of characters that are printable ASCII or whitespace: real text decodes to nearly 1, noise does not. */
function printableShare(text: string): number {
  if (text.length === 0) return 0;
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09) printable++;
  }
  return printable / text.length;
}

function plausibleText(text: string): boolean {
  // Letters and spaces: an id or a hash can decode to printable bytes, rarely to words.
  return printableShare(text) >= 0.9 && /[a-z]{3,}/i.test(text) && /\s/.test(text);
}

function decodeBase64(segment: string): string {
  const b64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  return Buffer.from(b64.slice(0, MAX_DECODED * 2), 'base64').toString('latin1');
}

function decodeHexDigits(digits: string): string {
  const clean = digits.replace(/[^0-9a-fA-F]/g, '').slice(0, MAX_DECODED * 2);
  return Buffer.from(clean.length % 2 ? clean.slice(0, -1) : clean, 'hex').toString('latin1');
}

function decodeBinary(bits: string): string {
  const bytes =
    bits
      .replace(/[^01]/g, '')
      .slice(0, MAX_DECODED * 8)
      .match(/[01]{8}/g) ?? [];
  return String.fromCharCode(...bytes.map((b) => Number.parseInt(b, 2)));
}

function decodeMorse(code: string): string {
  return code
    .slice(0, MAX_DECODED * 6)
    .split(' / ')
    .map((word) =>
      word
        .split(' ')
        .map((letter) => MORSE_LETTERS[letter] ?? '?')
        .join(''),
    )
    .join(' ');
}

export function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (ch) => {
    const base = ch <= 'Z' ? 65 : 97;
    return String.fromCharCode(((ch.charCodeAt(0) - base + 13) % 26) + base);
  });
}

/** Decoded segments of `text` that read as text. `lower` is the lower-cased text, used for the ROT13 trigger test. */
export function decodeSegments(text: string, lower: string): Decoded[] {
  const input = text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text;
  const out: Decoded[] = [];
  const collect = (scheme: Decoded['scheme'], re: RegExp, decode: (s: string) => string): void => {
    for (const m of input.matchAll(re)) {
      if (out.length >= MAX_SEGMENTS) return;
      const decoded = decode(m[0]);
      if (plausibleText(decoded)) out.push({ scheme, text: decoded.slice(0, MAX_DECODED) });
    }
  };
  if (/[0-9+/]/.test(input)) collect('base64', BASE64, decodeBase64);
  collect('hex', HEX, decodeHexDigits);
  if (input.includes('\\x')) collect('hex', ESCAPED_HEX, decodeHexDigits);
  if (input.includes('0') && input.includes('1')) collect('binary', BINARY, decodeBinary);
  if (input.includes('.-') || input.includes('-.')) collect('morse', MORSE, decodeMorse);
  if (ROT13_TRIGGERS.some((w) => lower.includes(w)))
    out.push({ scheme: 'rot13', text: rot13(input.slice(0, MAX_DECODED)) });
  return out;
}
