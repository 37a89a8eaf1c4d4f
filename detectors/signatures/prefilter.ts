import type { Signature } from './pack.js';
import type { View } from './schema.js';

/**
 * Cheap literal screening so most benign text never reaches the regex engine (re2js is linear but
 * slow: tens of microseconds per kilobyte). All prefilter literals of a view are joined into one
 * trie-shaped regex of escaped literals: no quantifiers, so matching costs at most (text length ×
 * longest literal), linear in the text. Matching restarts one character after each hit so overlapping
 * literals are all seen; a hit also counts for every literal contained in it. A signature runs when one
 * of its `prefilter` literals and, if it has them, one of its `requires` literals occur; it then runs
 * on windows of WINDOW characters around its prefilter hits rather than on the whole text.
 */
export interface Prefilter {
  /** Indexes (into the pack's signatures) of this view's signatures without a prefilter. */
  always: readonly number[];
  literals: RegExp | null;
  /** literal -> the literals it contains (itself included). */
  contains: ReadonlyMap<string, readonly string[]>;
  /** prefilter literal -> indexes of the signatures it screens in. */
  owners: ReadonlyMap<string, readonly number[]>;
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

function escapeChar(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

interface TrieNode {
  children: Map<string, TrieNode>;
  end: boolean;
}

/**
 * The literals as one regex shaped like a trie ("ign(?:or(?:e|ing))"), so the engine tests one
 * character class per text position instead of every literal. Children come before the end-of-literal
 * branch, so the longest literal at a position is the one reported.
 */
function trieRegex(literals: readonly string[]): string {
  const root: TrieNode = { children: new Map(), end: false };
  for (const literal of literals) {
    let node = root;
    for (const ch of literal) {
      let next = node.children.get(ch);
      if (next === undefined) {
        next = { children: new Map(), end: false };
        node.children.set(ch, next);
      }
      node = next;
    }
    node.end = true;
  }
  const emit = (node: TrieNode): string => {
    const branches = [...node.children].map(([ch, child]) => escapeChar(ch) + emit(child));
    if (branches.length === 0) return '';
    if (node.end) branches.push('');
    return branches.length === 1 ? (branches[0] as string) : `(?:${branches.join('|')})`;
  };
  return emit(root);
}

export function buildPrefilter(signatures: readonly Signature[], view: View): Prefilter {
  const always: number[] = [];
  const owners = new Map<string, number[]>();
  const all = new Set<string>();
  signatures.forEach((s, index) => {
    if (s.view !== view) return;
    if (s.prefilter === null) {
      always.push(index);
      return;
    }
    for (const literal of s.prefilter) owners.set(literal, [...(owners.get(literal) ?? []), index]);
    for (const literal of [...s.prefilter, ...(s.requires ?? [])]) all.add(literal);
  });
  const literals = [...all].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const contains = new Map<string, string[]>();
  for (const literal of literals)
    contains.set(
      literal,
      literals.filter((inner) => literal.includes(inner)),
    );
  return {
    always,
    literals: literals.length ? new RegExp(trieRegex(literals), 'g') : null,
    contains,
    owners,
  };
}

/** Where each literal occurs in `text`. */
function occurrences(prefilter: Prefilter, text: string): Map<string, number[]> {
  const found = new Map<string, number[]>();
  const re = prefilter.literals;
  if (re === null) return found;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    for (const literal of prefilter.contains.get(m[0]) ?? []) {
      const at = found.get(literal);
      if (at === undefined) found.set(literal, [m.index]);
      else at.push(m.index);
    }
    re.lastIndex = m.index + 1;
  }
  return found;
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
  const found = occurrences(prefilter, text);
  // Only the signatures owning a literal that occurred are visited, not the whole pack.
  const hitsOf = new Map<number, number[]>();
  for (const [literal, at] of found)
    for (const index of prefilter.owners.get(literal) ?? []) {
      const positions = hitsOf.get(index);
      if (positions === undefined) hitsOf.set(index, [...at]);
      else positions.push(...at);
    }
  const out: Candidate[] = prefilter.always.map((index) => ({ index, windows: null }));
  for (const [index, positions] of hitsOf) {
    const s = signatures[index] as Signature;
    if (s.requires !== null && !s.requires.some((l) => found.has(l))) continue;
    if (s.prefix) out.push({ index, windows: [[0, Math.min(text.length, 2 * WINDOW)]] });
    else {
      const whole = s.anchored || text.length <= 2 * WINDOW;
      out.push({ index, windows: whole ? null : windows(positions, text.length) });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}
