import { type LiteralSearch, literalSearch } from './literal-search.js';
import type { Signature } from './pack.js';
import type { View } from './schema.js';

/**
 * Cheap literal screening so most benign text never reaches the regex engine. All prefilter and
 * `requires` literals of a view go into one Aho–Corasick automaton (literal-search.ts): one pass over
 * the text finds every occurrence of every literal, overlapping ones included, in time linear in the
 * text. A signature runs when one of its `prefilter` literals and, if it has them, one of its
 * `requires` literals occur; it then runs on windows of WINDOW characters around its prefilter hits
 * rather than on the whole text.
 */
export interface Prefilter {
  /** Indexes (into the pack's signatures) of this view's signatures without a prefilter. */
  always: readonly number[];
  search: LiteralSearch;
  /** literal index -> indexes of the signatures it screens in as a prefilter literal. */
  owners: readonly (readonly number[])[];
  /** signature index -> literal indexes of its `requires` (absent: no second condition). */
  requires: ReadonlyMap<number, readonly number[]>;
}

/** A candidate signature and where in the text its prefilter literals were found (null: run on the whole text). */
export interface Candidate {
  index: number;
  windows: readonly [number, number][] | null;
}

/**
 * Characters either side of a prefilter hit that the regex sees: as wide as the pack's usual bounded
 * gaps; a match reaching further from its literal is only seen in texts shorter than two windows.
 */
export const WINDOW = 250;

export function buildPrefilter(signatures: readonly Signature[], view: View): Prefilter {
  const always: number[] = [];
  const ids = new Map<string, number>();
  const id = (literal: string) => {
    const at = ids.get(literal);
    if (at !== undefined) return at;
    ids.set(literal, ids.size);
    return ids.size - 1;
  };
  const owners: number[][] = [];
  const requires = new Map<number, number[]>();
  signatures.forEach((s, index) => {
    if (s.view !== view) return;
    if (s.prefilter === null) {
      always.push(index);
      return;
    }
    for (const literal of s.prefilter) {
      const at = id(literal);
      owners[at] = [...(owners[at] ?? []), index];
    }
    if (s.requires !== null) requires.set(index, s.requires.map(id));
  });
  const literals = [...ids.keys()];
  return {
    always,
    search: literalSearch(literals),
    owners: literals.map((_, i) => owners[i] ?? []),
    requires,
  };
}

function windows(positions: number[], length: number): [number, number][] {
  positions.sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const p of positions) {
    const start = Math.max(0, p - WINDOW);
    const end = Math.min(length, p + WINDOW);
    const last = out[out.length - 1];
    if (last !== undefined && start <= last[1]) last[1] = end;
    else out.push([start, end]);
  }
  return out;
}

/** The signatures of this prefilter's view that pass on `text`, in pack order. */
export function candidates(
  prefilter: Prefilter,
  signatures: readonly Signature[],
  text: string,
): Candidate[] {
  const found = new Map<number, number[]>();
  prefilter.search.find(text, (literal, start) => {
    const at = found.get(literal);
    if (at === undefined) found.set(literal, [start]);
    else at.push(start);
  });
  // Only the signatures owning a literal that occurred are visited, not the whole pack.
  const hitsOf = new Map<number, number[]>();
  for (const [literal, at] of found)
    for (const index of prefilter.owners[literal] ?? []) {
      const positions = hitsOf.get(index);
      if (positions === undefined) hitsOf.set(index, [...at]);
      else positions.push(...at);
    }
  const out: Candidate[] = prefilter.always.map((index) => ({ index, windows: null }));
  for (const [index, positions] of hitsOf) {
    const s = signatures[index] as Signature;
    const required = prefilter.requires.get(index);
    if (required !== undefined && !required.some((l) => found.has(l))) continue;
    if (s.prefix) out.push({ index, windows: [[0, Math.min(text.length, 2 * WINDOW)]] });
    else {
      const whole = s.anchored || text.length <= 2 * WINDOW;
      out.push({ index, windows: whole ? null : windows(positions, text.length) });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}
