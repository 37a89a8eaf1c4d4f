import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiKey } from './api-keys.js';
import { bearer } from './bearer.js';
import { email } from './email.js';
import { highEntropy, shortRunEnd } from './high-entropy.js';
import { ip } from './ip.js';
import { jwt } from './jwt.js';
import { nationalId } from './national-id.js';
import { paymentCard } from './payment-card.js';
import { phone } from './phone.js';
import { privateKey } from './private-key.js';
import { DETECTORS, mayMatchAtSymbol, mayMatchAtWord, shortNumber } from './redact.js';
import { secretAssignment } from './secret-assignment.js';
import type { Detector } from './types.js';
import { urlPassword } from './url-password.js';

const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Numbers in groups, in the shapes of cards, ids and phone numbers, with their separators. */
const grouped = fc
  .tuple(
    fc.constantFrom(
      [4, 4, 4, 4],
      [4, 6, 5],
      [3, 2, 4],
      [3, 3, 3],
      [4, 4, 4],
      [3, 3, 3, 2],
      [3, 3, 4],
      [1, 3, 3, 4],
    ),
    fc.constantFrom(' ', '-', '.', ') ', '  '),
    fc.boolean(),
  )
  .chain(([lengths, sep, trunk]) =>
    fc
      .tuple(...lengths.map(digits))
      .map((g) => (trunk ? `0${g.join(sep).slice(1)}` : g.join(sep)))
      .map((n) => (lengths.length === 4 && lengths[3] === 2 ? n.replace(/(.*)\./, '$1-') : n)),
  );
/** Spanish DNI and NIE numbers with their check letter, and UK NINOs. */
const ids = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.constantFrom('', '-', ' '))
    .map(([n, sep]) => `${String(n).padStart(8, '0')}${sep}${DNI_LETTERS[n % 23]}`),
  fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 9_999_999 }))
    .map(([x, n]) => `${'XYZ'[x]}${String(n).padStart(7, '0')}${DNI_LETTERS[(x * 10_000_000 + n) % 23]}`),
  fc
    .tuple(
      fc.constantFrom('AB', 'JG', 'ce', 'PR'),
      digits(6),
      fc.constantFrom('A', 'B', 'C', 'D'),
      fc.boolean(),
    )
    .map(([p, d, s, spaced]) => (spaced ? `${p} ${d.match(/../g)!.join(' ')} ${s}` : `${p}${d}${s}`)),
);

/** Pieces of what detectors look for, so that random joins of them often come close to a match. */
const piece = fc.oneof(
  grouped,
  ids,
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom(
    ...[
      ' ',
      '  ',
      '\t',
      '\n',
      '-',
      '--',
      '-----BEGIN PRIVATE KEY-----',
      ':',
      '::',
      '://',
      '@',
      '.',
      '..-',
      '=',
      ':=',
    ]
      .concat([
        '_',
        '/',
        '+',
        '+(',
        '(',
        ')',
        '"',
        "'",
        '[',
        'eyJ',
        'eyJhbGciOiJIUzI1NiJ9',
        'Bearer',
        'bearer',
      ])
      .concat([
        'sk-',
        'sk_live_',
        'ghp_',
        'xoxb-',
        'AIza',
        'SG.',
        'AKIA',
        'github_pat_',
        'hf_',
        'x',
        'X',
        'Z',
      ])
      .concat([
        'AB',
        'QQ',
        'fe80',
        'ffff',
        'db8',
        '2001',
        'a',
        'ab',
        'abc',
        'password',
        'DB_PASSWORD',
        'token',
      ])
      .concat([
        'https',
        'user',
        'example',
        'com',
        '0',
        '00',
        '020',
        '1',
        '12',
        '123',
        '4111',
        '12345678',
        'T',
        // A DNI's letter may be one that upper-cases to it: 00000015-S.
        '00000015',
        'ſ',
      ]),
  ),
  fc.integer({ min: 0, max: 99_999_999 }).map(String),
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...'abcdefABCDEF0123456789'), minLength: 1, maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...'aZ9_-+/=.'), minLength: 1, maxLength: 30 }),
  // Letters as random as a key's, so that a joined short number makes a high-entropy token.
  fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    minLength: 20,
    maxLength: 24,
  }),
);
const text = fc.array(piece, { maxLength: 30 }).map((p) => p.join(''));

const WORD = /[A-Za-z0-9]/;
const bit = (d: Detector) => 1 << DETECTORS.indexOf(d);
const WORD_DETECTORS = [bearer, jwt, apiKey, paymentCard, nationalId, ip, phone, highEntropy];
const SYMBOL_DETECTORS: Record<string, Detector[]> = {
  '-': [privateKey],
  ':': [urlPassword, ip, secretAssignment],
  '=': [secretAssignment],
  '@': [email],
  '+': [phone],
  '(': [phone],
  '/': [phone],
  _: [phone],
};

function matches(d: Detector, s: string, i: number): boolean {
  return typeof d.match(s, i, 0) !== 'number' || typeof d.match(s, i, i) !== 'number';
}

/** Every detector that matches somewhere in `s` is asked there. */
function asksEveryMatch(s: string): void {
  for (let i = 0; i < s.length; i++) {
    if (WORD.test(s[i]!) && (i === 0 || !WORD.test(s[i - 1]!))) {
      let j = i;
      while (j < s.length && WORD.test(s[j]!)) j++;
      const word = s.slice(i, j);
      // A number the scan passes over without asking anything must be one nothing matches at.
      if (/^[0-9]{1,7}$/.test(word) && shortNumber(s, i, j))
        for (const d of WORD_DETECTORS)
          expect(matches(d, s, i), `${d.name} at ${i} of ${JSON.stringify(s)}`).toBe(false);
      const set = mayMatchAtWord(s, i, j, /[A-Za-z]/.test(word), /^[0-9A-Fa-f]+$/.test(word));
      for (const d of WORD_DETECTORS)
        if (matches(d, s, i)) expect(set & bit(d), `${d.name} at ${i} of ${JSON.stringify(s)}`).not.toBe(0);
    }
    for (const d of SYMBOL_DETECTORS[s[i]!] ?? [])
      if (matches(d, s, i))
        expect(
          mayMatchAtSymbol(s, i, s.charCodeAt(i)) & bit(d),
          `${d.name} at ${i} of ${JSON.stringify(s)}`,
        ).not.toBe(0);
  }
}

/**
 * Groups of digits in the lengths the number detectors look for, joined by one separator or by
 * several, among them every one they take, doubled ones and others, then maybe a letter (a DNI's,
 * or ſ, which upper-cases to S): what decides whether a number's next group follows.
 */
const numbers = fc
  .tuple(
    fc.array(fc.constantFrom(1, 2, 3, 4, 5, 6, 7, 8, 13, 16).chain(digits), { minLength: 1, maxLength: 5 }),
    fc.array(
      fc.constantFrom(' ', '-', '.', '(', ')', '+', ':', '/', '_', '=', ') ', ' (', '--', '  ', '.-'),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
    fc.constantFrom('', ' ', '-', 'x', ...DNI_LETTERS, ...DNI_LETTERS.toLowerCase(), 'ſ', 'ı', ' ſ'),
  )
  .map(([groups, seps, tail]) => groups.reduce((s, g, k) => s + seps[k % seps.length] + g) + tail);

describe('the scan asks only the detectors that can match', () => {
  it('never leaves out one that matches, at a word or an anchor symbol', () => {
    fc.assert(fc.property(text, asksEveryMatch), { numRuns: 5000 });
  });

  it('refuses a high-entropy token in a short base64 run just as the detector does', () => {
    const B64 = /[A-Za-z0-9+/=_-]/;
    fc.assert(
      fc.property(text, fc.nat(), (s, f) => {
        for (let i = 0; i < s.length; i++) {
          if (!WORD.test(s[i]!) || (i > 0 && WORD.test(s[i - 1]!))) continue;
          let j = i;
          while (j < s.length && WORD.test(s[j]!)) j++;
          let runStart = i;
          while (runStart > 0 && B64.test(s[runStart - 1]!)) runStart--;
          for (const floor of [0, f % (i + 1), i]) {
            const end = shortRunEnd(s, Math.max(runStart, floor), j);
            if (end >= 0)
              expect(highEntropy.match(s, i, floor), `at ${i} of ${JSON.stringify(s)}`).toBe(end + 1);
          }
        }
      }),
      { numRuns: 5000 },
    );
  });

  // Many runs, since a number's separators and tail combine in many ways; a loaded CI machine needs the time.
  it('never leaves out one that matches at a number, whatever follows its first group', {
    timeout: 60_000,
  }, () => {
    fc.assert(fc.property(numbers, asksEveryMatch), { numRuns: 20_000 });
  });
});
