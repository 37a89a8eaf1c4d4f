/**
 * Adversarial-suffix feature. Optimised suffixes (GCG and its successors) are token soups appended to a
 * one-line request: words fused with brackets of several kinds, stray backslashes and mid-word case
 * switches ("({[HTMLsvg", "Sure,].[", "\\noindent StepNum"). No phrase list can follow them, so this
 * scores the shape of the text's tail instead. Code and maths also carry symbols, so multi-line text
 * (code), inline `$…$` maths, LaTeX commands, plain tags and ordinary call syntax do not count.
 */

const TAIL_TOKENS = 25;
const TAIL_CHARS = TAIL_TOKENS * 40;
const MAX_LINES = 2;
const MIN_ODD = 2;
const MIN_SYMBOL_KINDS = 4;
const SYMBOL = /[{}[\]\\|^~`<>]/g;
/** Symbol kinds counted across the tail: the brackets plus quotes, parentheses and other operators. */
const KIND = /[{}[\]\\|^~`<>()"$#@*=_%;]/g;
/** Inline and display maths: `$…$`, `\\(…\\)`, `\\[…\\]`. */
const MATH_SPAN = /\$[^$\n]{1,200}\$|\\\([^\n]{1,200}?\\\)|\\\[[^\n]{1,200}?\\\]/g;
const TAG = /^<\/?[a-z][\w-]*>[.,;:!?]?$/i;
const LATEX = /^\\[a-z]+(?:\{[^{}]*\})*[.,;:]?$/i;
/** Call and index syntax, nested one level deep: print(a[i]), x.get('k'), rows[0]. */
const CALL = /^[a-z_][\w.]*[([][\w, .'"[\]()]*[)\]][.,;:!?]?$/i;
/** A capital after two lower-case letters: fused words ("initWith"); brand names match too, so it needs company. */
const CASE_MASH = /[a-z]{2}[A-Z]/;

function odd(token: string): boolean {
  if (token.length < 2 || TAG.test(token) || LATEX.test(token) || CALL.test(token)) return false;
  const symbols = token.match(SYMBOL);
  if (symbols === null) return CASE_MASH.test(token);
  // A fused word needs a run of letters; bare algebra (b^{-2}a) has single-letter names.
  // Without letters it takes three kinds of symbol: "[]" and "{}" are ordinary code.
  return /[a-z]{3}/i.test(token) || new Set(symbols).size >= 3;
}

/**
 * 0..1: 0 unless the tail holds at least MIN_ODD odd tokens and MIN_SYMBOL_KINDS kinds of symbol, then
 * 0.5 rising by 0.1 per further odd token: two fused tokens make a suspicion, five a near certainty.
 */
export function gibberishScore(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && lines <= MAX_LINES; i = text.indexOf('\n', i + 1)) lines++;
  if (lines > MAX_LINES) return 0;
  const tokens = text
    .slice(-TAIL_CHARS)
    .replace(MATH_SPAN, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .slice(-TAIL_TOKENS);
  let count = 0;
  for (const token of tokens) if (odd(token)) count++;
  if (count < MIN_ODD) return 0;
  const kinds = new Set(tokens.join(' ').match(KIND)).size;
  if (kinds < MIN_SYMBOL_KINDS) return 0;
  return Math.min(1, 0.5 + 0.1 * (count - MIN_ODD));
}
