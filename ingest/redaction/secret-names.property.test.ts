import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EXACT,
  isSecretAssignmentName,
  isSecretName,
  PROSE_WORDS,
  SUFFIXES,
  secretNameMayEndAt,
} from './secret-names.js';

/** The names as defined: an exact name, lowercased, or longer than a suffix it ends with. */
function definedSecret(name: string, prose: readonly string[]): boolean {
  const n = name.toLowerCase();
  if (prose.includes(n)) return false;
  return EXACT.includes(n) || SUFFIXES.some((s) => n.length > s.length && n.endsWith(s));
}

const piece = fc.oneof(
  fc.constantFrom(...EXACT, ...SUFFIXES, ...PROSE_WORDS),
  fc.constantFrom(...EXACT, ...SUFFIXES).map((w) => w.toUpperCase()),
  fc.constantFrom(...EXACT, ...SUFFIXES).map((w) => w.slice(1)),
  fc.string({
    unit: fc.constantFrom(...'aAkKzZ09_-.', '\u212a' /* the Kelvin sign, lower-cased to k */),
    maxLength: 3,
  }),
);
const name = fc.array(piece, { maxLength: 3 }).map((p) => p.join(''));
const tokenName = name.map((n) => n.replace(/[^A-Za-z0-9_-]/g, ''));

describe('the secret-name trie', () => {
  it('agrees with the lists for query names, whatever their case or characters', () => {
    fc.assert(
      fc.property(name, (n) => {
        expect(isSecretName(n), n).toBe(definedSecret(n, []));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with the lists for a name inside a text, prose words left out', () => {
    fc.assert(
      fc.property(tokenName, fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), (n, before, after) => {
        const text = before + n + after;
        expect(isSecretAssignmentName(text, before.length, before.length + n.length), n).toBe(
          definedSecret(n, PROSE_WORDS),
        );
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuses where a name ends only when no secret name can end there', () => {
    fc.assert(
      fc.property(tokenName, fc.string({ maxLength: 4 }), (n, before) => {
        const text = before + n;
        if (isSecretName(n)) expect(secretNameMayEndAt(text, text.length), n).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });
});
