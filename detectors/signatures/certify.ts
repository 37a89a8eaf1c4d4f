import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { checkSync as CheckSync } from 'recheck';

/**
 * Certification of a pack pattern for V8's backtracking RegExp engine.
 *
 * The pack's language is RE2 syntax (re2js parses every pattern and rejects backreferences and
 * lookaround). re2js matches in linear time but slowly; V8's own engine is about 100x faster but
 * backtracks, so a pattern runs there only once `recheck` (a ReDoS checker based on automata
 * theory) has shown that backtracking over it is linear in the text:
 *
 * 1. the pattern is spelled as a JS RegExp (flags `iu`) that means the same thing on the
 *    normalised views (see `toJsSource`); a pattern that cannot be spelled so stays on re2js;
 * 2. recheck's automaton checker (never its fuzzer, whose "safe" only means "no attack found")
 *    must answer `safe` with complexity `constant` or `linear`, or `safe` for a pattern without
 *    unbounded repetition (each start position then costs a bounded number of steps);
 * 3. when that check times out (bounded repeats are expanded into large automata), the pattern is
 *    checked again with every bounded repeat `{m,n}` relaxed to `{m,}`: the relaxed pattern
 *    explores a superset of the original's backtracking paths, so `linear` for it is `linear` for
 *    the original too.
 *
 * Anything else (vulnerable, unknown, timeout) runs on re2js: still linear, only slower.
 */

export const JS_FLAGS = 'iu';
/** Characters JS accepts escaped in `u` mode outside a class; `-` is accepted inside one too. */
const SYNTAX = new Set('^$\\.*+?()[]{}|/');

/** `v8`: the whole pattern runs on V8; `mixed`: the top-level alternatives in `v8Alternatives` do, the rest on re2js. */
export type Engine = 'v8' | 'mixed' | 're2';

export interface Verdict {
  engine: Engine;
  /** Why: recheck's complexity summary for certified patterns, the reason otherwise. */
  reason: string;
  /** With `mixed`: indexes (into `splitAlternatives(pattern)`) of the alternatives certified for V8. */
  v8Alternatives?: number[];
}

/**
 * The top-level alternatives of a pattern ("a|b(c|d)" -> ["a", "b(c|d)"]). A text has a match of the
 * whole pattern exactly when it has a match of one alternative, so alternatives can be certified and
 * run apart: a large alternation that recheck cannot decide in time often splits into parts it can.
 */
export function splitAlternatives(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      out.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  out.push(pattern.slice(start));
  return out;
}

/** Identifies one pattern text; the certificate of the built-in pack is keyed by it. */
export function patternHash(pattern: string): string {
  return createHash('sha256').update(pattern).digest('hex').slice(0, 24);
}

function unicodeEscape(ch: string): string {
  return `\\u{${(ch.codePointAt(0) as number).toString(16)}}`;
}

/**
 * The RE2 pattern as a JS RegExp source with the same meaning on the normalised views, or null.
 * Escaped punctuation that RE2 allows and JS's `u` mode rejects (`\'`, `\"`, `\-` outside a class)
 * is spelled as a `\u{…}` escape; an RE2-only construct (`\pL`, `\z`, `\Q…\E`, `(?i)`, POSIX classes,
 * `\x{…}`, a class opening with `]`) does not compile in `u` mode, so such a pattern gets null. Where
 * the two engines differ on text that the views never contain (`\s` beyond ASCII whitespace, `.`
 * on `\r` and U+2028/9: the views collapse all of them to spaces), the spelling is kept; a
 * differential test runs both engines over the development sets.
 */
export function toJsSource(pattern: string): string | null {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      const next = pattern.codePointAt(i + 1);
      if (next === undefined) return null;
      const nextCh = String.fromCodePoint(next);
      i += nextCh.length;
      if (/[A-Za-z0-9]/.test(nextCh) || SYNTAX.has(nextCh) || (inClass && nextCh === '-')) out += ch + nextCh;
      else out += unicodeEscape(nextCh);
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      inClass = true;
      const open = pattern[i + 1] === '^' ? 2 : 1;
      // RE2 reads "[]a]" as a class holding "]"; JS reads "[]" as the empty class.
      if (pattern[i + open] === ']') return null;
      out += pattern.slice(i, i + open);
      i += open - 1;
      continue;
    }
    out += ch;
  }
  try {
    new RegExp(out, JS_FLAGS);
  } catch {
    return null;
  }
  return out;
}

/** Every bounded repeat `{m,n}` (outside classes; with `groupsOnly`, only those of a group) relaxed to `{m,}`. */
export function relaxBoundedRepeats(source: string, groupsOnly = false): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (ch === '\\') {
      out += source.slice(i, i + 2);
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') inClass = true;
    else if (ch === '{') {
      const m = /^\{(\d+),(\d+)\}/.exec(source.slice(i));
      if (m !== null && (!groupsOnly || source[i - 1] === ')')) {
        out += `{${m[1]},}`;
        i += m[0].length - 1;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

type Check = ReturnType<typeof CheckSync>;

// recheck (about 3 MB of JS) is loaded on first use: the built-in pack reads its certificate and
// never needs it, so start-up does not pay for it.
let checkSync: typeof CheckSync | undefined;

function check(source: string, timeoutMs: number): Check {
  checkSync ??= (createRequire(import.meta.url)('recheck') as { checkSync: typeof CheckSync }).checkSync;
  return checkSync(source, JS_FLAGS, { checker: 'automaton', timeout: timeoutMs });
}

function linear(d: Check, allowConstantPattern: boolean): string | null {
  if (d.status !== 'safe' || d.checker !== 'automaton' || d.complexity.isFuzz) return null;
  if (d.complexity.type === 'linear' || d.complexity.type === 'constant') return d.complexity.summary;
  // 'safe' without a complexity: recheck's verdict for a pattern without unbounded repetition.
  return allowConstantPattern ? 'no unbounded repetition' : null;
}

const ALTERNATIVES = 'alternatives ';

/** Decides which engine runs `pattern` (RE2 syntax), alternative by alternative when the whole is not certified. `timeoutMs` bounds each recheck call. */
export function certify(pattern: string, timeoutMs = 10_000): Verdict {
  const whole = certifyOne(pattern, timeoutMs);
  const alternatives = splitAlternatives(pattern);
  if (whole.engine === 'v8' || alternatives.length < 2) return whole;
  const parts = alternatives.map((a) => certifyOne(a, timeoutMs));
  const v8Alternatives = parts.flatMap((v, i) => (v.engine === 'v8' ? [i] : []));
  if (v8Alternatives.length === 0) return whole;
  const reason = `${ALTERNATIVES}${v8Alternatives.length}/${parts.length} on V8; whole: ${whole.reason}`;
  return v8Alternatives.length === parts.length
    ? { engine: 'v8', reason }
    : { engine: 'mixed', reason, v8Alternatives };
}

/**
 * Re-checks a verdict: every part it sends to V8 (the whole pattern, or its alternatives) must be
 * certified by recheck again. Cheaper than `certify`, which first retries the whole pattern.
 */
export function confirm(pattern: string, verdict: Verdict, timeoutMs = 30_000): boolean {
  if (verdict.engine === 're2') return true;
  const byParts = verdict.engine === 'mixed' || verdict.reason.startsWith(ALTERNATIVES);
  if (!byParts) return certifyOne(pattern, timeoutMs).engine === 'v8';
  const alternatives = splitAlternatives(pattern);
  const parts =
    verdict.engine === 'v8' ? alternatives : (verdict.v8Alternatives ?? []).map((i) => alternatives[i]);
  return parts.every((p) => p !== undefined && certifyOne(p, timeoutMs).engine === 'v8');
}

function certifyOne(pattern: string, timeoutMs: number): Verdict {
  const js = toJsSource(pattern);
  if (js === null) return { engine: 're2', reason: 'not expressible as a JS RegExp with the same meaning' };
  const first = check(js, timeoutMs);
  const direct = linear(first, true);
  if (direct !== null) {
    if (first.status === 'safe' && first.complexity.type !== 'safe') return { engine: 'v8', reason: direct };
    // Without unbounded repetition recheck calls any pattern safe, even "(a|a){0,30}" whose constant
    // is 2^30 steps per position: bounded repeats of groups must stay linear when relaxed. Bounded
    // repeats of one character class ("[^.\n]{0,40}") only multiply the constant by their bounds.
    const groups = relaxBoundedRepeats(js, true);
    if (groups === js) return { engine: 'v8', reason: direct };
    const again = linear(check(groups, timeoutMs), true);
    if (again !== null) return { engine: 'v8', reason: `${direct}; repeated groups ${again} when relaxed` };
    return { engine: 're2', reason: 'a bounded repeat of a group is not linear when relaxed' };
  }
  if (first.status === 'vulnerable') return { engine: 're2', reason: `recheck: ${first.complexity.summary}` };
  const relaxed = relaxBoundedRepeats(js);
  if (relaxed !== js) {
    const second = check(relaxed, timeoutMs);
    const via = linear(second, false);
    if (via !== null) return { engine: 'v8', reason: `${via} (bounded repeats relaxed)` };
  }
  const why = first.status === 'unknown' ? first.error.kind : first.status;
  return { engine: 're2', reason: `recheck: ${why}` };
}
