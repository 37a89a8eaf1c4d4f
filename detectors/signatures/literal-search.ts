/**
 * Multi-literal substring search (Aho–Corasick): one pass over the text finds every occurrence of
 * every literal, overlapping ones included. Each character costs one transition plus amortised
 * failure steps, and each occurrence is reported once: time linear in the text plus the matches,
 * whatever the literals. The automaton works on UTF-16 code units, like `String.prototype.includes`.
 */
export interface LiteralSearch {
  /** The literals, indexed as in `find`'s callback. */
  literals: readonly string[];
  /** Calls `found(literal index, start offset)` for every occurrence, in order of their end. */
  find(text: string, found: (literal: number, start: number) => void): void;
}

const ASCII = 128;

export function literalSearch(literals: readonly string[]): LiteralSearch {
  const next: Map<number, number>[] = [new Map()];
  const own: number[][] = [[]];
  for (const [index, literal] of literals.entries()) {
    let state = 0;
    for (let i = 0; i < literal.length; i++) {
      const code = literal.charCodeAt(i);
      const states = next[state] as Map<number, number>;
      let to = states.get(code);
      if (to === undefined) {
        to = next.length;
        next.push(new Map());
        own.push([]);
        states.set(code, to);
      }
      state = to;
    }
    if (literal.length > 0) (own[state] as number[]).push(index);
  }
  // Breadth-first, so a state's failure target (a shorter suffix) is complete before the state.
  const fail = new Int32Array(next.length);
  const out: (readonly number[])[] = own.map((o) => o);
  const queue: number[] = [...(next[0] as Map<number, number>).values()];
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head] as number;
    for (const [code, to] of next[state] as Map<number, number>) {
      let f = fail[state] as number;
      while (f !== 0 && !(next[f] as Map<number, number>).has(code)) f = fail[f] as number;
      const target = (next[f] as Map<number, number>).get(code);
      fail[to] = target !== undefined && target !== to ? target : 0;
      const inherited = out[fail[to] as number] as readonly number[];
      if (inherited.length > 0) out[to] = [...(out[to] as readonly number[]), ...inherited];
      queue.push(to);
    }
  }
  // ASCII transitions resolved through the failure links into a dense table: one read per character
  // for the common case; other code units walk the failure links.
  const delta = new Int32Array(next.length * ASCII);
  for (const state of [0, ...queue])
    for (let code = 0; code < ASCII; code++) {
      const to = (next[state] as Map<number, number>).get(code);
      delta[state * ASCII + code] =
        to ?? (state === 0 ? 0 : (delta[(fail[state] as number) * ASCII + code] as number));
    }
  const lengths = literals.map((l) => l.length);
  return {
    literals,
    find(text, found) {
      let state = 0;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code < ASCII) state = delta[state * ASCII + code] as number;
        else {
          let to = (next[state] as Map<number, number>).get(code);
          while (to === undefined && state !== 0) {
            state = fail[state] as number;
            to = (next[state] as Map<number, number>).get(code);
          }
          state = to ?? 0;
        }
        const hits = out[state] as readonly number[];
        for (let k = 0; k < hits.length; k++) {
          const literal = hits[k] as number;
          found(literal, i + 1 - (lengths[literal] as number));
        }
      }
    },
  };
}
