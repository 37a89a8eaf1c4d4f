import { describe, expect, it } from 'vitest';
import { literalSearch } from './literal-search.js';

/** Every (literal, start) occurrence found by indexOf, the obvious quadratic way. */
function naive(literals: readonly string[], text: string): string[] {
  const out: string[] = [];
  literals.forEach((literal, index) => {
    for (let at = text.indexOf(literal); at !== -1; at = text.indexOf(literal, at + 1))
      out.push(`${index}@${at}`);
  });
  return out.sort();
}

function found(literals: readonly string[], text: string): string[] {
  const out: string[] = [];
  literalSearch(literals).find(text, (literal, start) => out.push(`${literal}@${start}`));
  return out.sort();
}

describe('literalSearch', () => {
  it('finds overlapping, nested and repeated literals', () => {
    const literals = ['he', 'she', 'his', 'hers', 'e', 'ignore', 'ignore all', 'gno'];
    const text = 'ushers ignore all; she said his hershe';
    expect(found(literals, text)).toEqual(naive(literals, text));
    expect(found(literals, text)).toContain('5@7');
  });

  it('agrees with indexOf on random texts over a small alphabet', () => {
    // A small alphabet makes suffix/failure links do real work.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const word = (max: number) => Array.from({ length: 1 + random(max) }, () => 'abc'[random(3)]).join('');
    for (let round = 0; round < 200; round++) {
      const literals = [...new Set(Array.from({ length: 1 + random(8) }, () => word(4)))];
      const text = word(60);
      expect(found(literals, text)).toEqual(naive(literals, text));
    }
  });

  it('reads UTF-16 code units, so non-Latin and astral literals are found', () => {
    const literals = ['忽略', '🔓', 'contraseña'];
    expect(found(literals, 'x 忽略之前 [🔓JAILBREAK] tu contraseña')).toEqual(
      naive(literals, 'x 忽略之前 [🔓JAILBREAK] tu contraseña'),
    );
  });

  it('costs one pass: a long hostile text of near-misses is scanned quickly', () => {
    const search = literalSearch([`${'a'.repeat(50)}b`, 'aab', 'ab']);
    let hits = 0;
    const started = performance.now();
    search.find('a'.repeat(1_000_000), () => hits++);
    expect(hits).toBe(0);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
