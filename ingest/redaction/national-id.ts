import { ALNUM, boundaryAfter, DIGIT, isIn, UPPER } from './chars.js';
import { readDigitGroups, scanDigits } from './digit-groups.js';
import type { Detector, Span } from './types.js';

/**
 * National identity numbers with a checkable shape, written the way their owners write them:
 * - US Social Security Number: 123-45-6789 or 123 45 6789 (area not 000, 666 or 9xx; group and serial not zero)
 * - Canadian Social Insurance Number: 046-454-286 or 046 454 286, Luhn-valid (none start with 8)
 * - Brazilian CPF: 123.456.789-09 with both check digits
 * - Indian Aadhaar: 1234 5678 9012 or with dashes, first digit 2–9, Verhoeff check digit
 * - Spanish DNI 12345678Z and NIE X1234567L, with the check letter
 * - UK National Insurance number: AB123456C or AB 12 34 56 C, with the excluded prefixes
 * Bare runs of nine or eleven digits are left alone: without their separators they are any number.
 */
export const nationalId: Detector = {
  name: 'national-id',
  match(text, i): Span | number {
    if (i > 0 && isIn(ALNUM, text.charCodeAt(i - 1))) return i + 1;
    const c = text.charCodeAt(i);
    const end = isIn(DIGIT, c) ? numeric(text, i) : lettered(text, i);
    return end < 0 ? i + 1 : { start: i, end, type: 'national_id' };
  },
};

function numeric(text: string, i: number): number {
  const g = readDigitGroups(text, i);
  if (g.groupCount === 0) return -1;
  // Each shape is a prefix of the groups; what follows must not continue it.
  const after = (k: number) => {
    const end = g.end(k - 1);
    return end >= text.length || !isIn(ALNUM, text.charCodeAt(end)) ? end : -1;
  };
  if (g.shape(8)) {
    const dni = dniEnd(text, g.end(0), Number(g.digits(8)));
    if (dni > 0) return dni;
  }
  if (
    g.shape(3, 3, 3, 2) &&
    g.separator(1) + g.separator(2) + g.separator(3) === '..-' &&
    validCpf(g.digits(11))
  )
    return after(4);
  if (g.groupCount < 3 || !g.singleSeparators(3)) return -1;
  if (g.shape(3, 2, 4) && validSsn(g.digits(9))) return after(3);
  if (g.shape(3, 3, 3) && g.digit(0) !== 8 && g.luhnValid(9)) return after(3);
  if (g.shape(4, 4, 4) && g.digit(0) >= 2 && verhoeffValid(g.digits(12))) return after(3);
  return -1;
}

function lettered(text: string, i: number): number {
  const c = text.charCodeAt(i);
  // NIE: X/Y/Z + 7 digits + letter; its number is the digits with the letter's index in front.
  if (c === 88 || c === 89 || c === 90) {
    const end = scanDigits(text, i + 1, 8);
    if (end - (i + 1) === 7) return dniEnd(text, end, (c - 88) * 10_000_000 + Number(text.slice(i + 1, end)));
  }
  return ninoEnd(text, i);
}

export function validSsn(d: string): boolean {
  const area = Number(d.slice(0, 3));
  return area !== 0 && area !== 666 && area < 900 && d.slice(3, 5) !== '00' && d.slice(5) !== '0000';
}

function validCpf(d: string): boolean {
  if (/^(\d)\1{10}$/.test(d)) return false;
  const check = (n: number) => {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += (d.charCodeAt(k) - 48) * (n + 1 - k);
    const r = (sum * 10) % 11;
    return (r === 10 ? 0 : r) === d.charCodeAt(n) - 48;
  };
  return check(9) && check(10);
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

export function verhoeffValid(d: string): boolean {
  let c = 0;
  for (let k = 0; k < d.length; k++)
    c = VERHOEFF_D[c]![VERHOEFF_P[k % 8]![d.charCodeAt(d.length - 1 - k) - 48]!]!;
  return c === 0;
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** After the number of a DNI/NIE: an optional dash or space, then the check letter. */
function dniEnd(text: string, j: number, n: number): number {
  let k = j;
  if (text[k] === '-' || text[k] === ' ') k++;
  const letter = text[k];
  if (letter === undefined || letter.toUpperCase() !== DNI_LETTERS[n % 23]) return -1;
  return boundaryAfter(text, k + 1) ? k + 1 : -1;
}

const NINO_FIRST_BAD = 'DFIQUV';
const NINO_SECOND_BAD = 'DFIOQUV';
const NINO_PREFIX_BAD = ['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'];

function ninoEnd(text: string, i: number): number {
  const a = text[i];
  const b = text[i + 1];
  if (!a || !b || !isIn(UPPER, b.charCodeAt(0))) return -1;
  if (NINO_FIRST_BAD.includes(a) || NINO_SECOND_BAD.includes(b) || NINO_PREFIX_BAD.includes(a + b)) return -1;
  let k = i + 2;
  let spaced = false;
  for (let pair = 0; pair < 3; pair++) {
    if (text[k] === ' ' && (pair === 0 || spaced)) {
      spaced = true;
      k++;
    } else if (spaced) return -1;
    if (!isIn(DIGIT, text.charCodeAt(k)) || !isIn(DIGIT, text.charCodeAt(k + 1))) return -1;
    k += 2;
  }
  if (spaced && text[k] === ' ') k++;
  const suffix = text[k];
  if (suffix === undefined || !'ABCD'.includes(suffix)) return -1;
  return boundaryAfter(text, k + 1) ? k + 1 : -1;
}
