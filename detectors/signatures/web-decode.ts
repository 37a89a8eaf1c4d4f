/**
 * Decoding of web-attack fields: percent-encoding (repeatedly: double encoding is a classic filter
 * bypass), HTML character references, overlong UTF-8 spellings of "." "/" "\", and SQL comments used
 * as whitespace. Bounded: at most MAX_URL_ROUNDS percent-decoding passes.
 */

const MAX_URL_ROUNDS = 3;
const PERCENT = /%([0-9a-f]{2})|%u([0-9a-f]{4})/gi;
const ENTITY = /&(?:#x([0-9a-f]{1,6})|#([0-9]{1,7})|([a-z]{2,8}));?/gi;
const NAMED: Record<string, string> = {
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  amp: '&',
  colon: ':',
  tab: '\t',
  newline: '\n',
  lpar: '(',
  rpar: ')',
  sol: '/',
  bsol: '\\',
  period: '.',
  num: '#',
  semi: ';',
  equals: '=',
  nbsp: ' ',
  grave: '`',
  lsqb: '[',
  rsqb: ']',
  lcub: '{',
  rcub: '}',
};
/** Overlong and alternative spellings of traversal characters once percent-decoded to Latin-1. */
const OVERLONG: [RegExp, string][] = [
  [/\xc0\xae|\xe0\x80\xae|\xf0\x80\x80\xae|\xc0\x2e/g, '.'],
  // biome-ignore lint/suspicious/noControlCharactersInRegex: overlong UTF-8 bytes read as Latin-1, not control characters in text
  [/\xc0\xaf|\xe0\x80\xaf|\xc0\x2f|\xf0\x80\x80\xaf|\xf8\x80\x80\x80\xaf|\xc1\x1c|\xc1\x9c|\xc1\xaf/g, '/'],
  [/\xc0\x5c|\xc1\x9c/g, '\\'],
  // Division slash, fraction slash, full-width solidus and the IIS %u spellings %uEFC8 / %uF025.
  [/[\u2215\u2044\uff0f\uefc8\uf025]/g, '/'],
  [/[\u2216\uff3c]/g, '\\'],
];

function codePoint(n: number): string {
  return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '';
}

export function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(PERCENT, (_m, hex?: string, wide?: string) =>
    String.fromCharCode(Number.parseInt((hex ?? wide) as string, 16)),
  );
}

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (m, hex?: string, dec?: string, name?: string) => {
    if (hex !== undefined) return codePoint(Number.parseInt(hex, 16));
    if (dec !== undefined) return codePoint(Number.parseInt(dec, 10));
    return NAMED[(name as string).toLowerCase()] ?? m;
  });
}

/** Replaces each closed C-style comment by a space with one forward scan (no regex: an unclosed "/*" must not cost a rescan per occurrence). */
export function blankComments(text: string): string {
  let start = text.indexOf('/*');
  if (start < 0) return text;
  let out = '';
  let from = 0;
  while (start >= 0) {
    const end = text.indexOf('*/', start + 2);
    if (end < 0) break;
    out += `${text.slice(from, start)} `;
    from = end + 2;
    start = text.indexOf('/*', from);
  }
  return out + text.slice(from);
}

/** The view the web-attack signatures read (before lower-casing and NFKC, which the caller applies). */
export function decodeWeb(text: string): string {
  let t = text;
  for (let round = 0; round < MAX_URL_ROUNDS; round++) {
    const next = decodeEntities(percentDecode(t.replace(/\+/g, ' ')));
    if (next === t) break;
    t = next;
  }
  for (const [from, to] of OVERLONG) t = t.replace(from, to);
  return blankComments(t);
}
