import { decodeSegments } from './decode.js';
import { gibberishScore } from './gibberish.js';
import { hasMixedScriptWord } from './homoglyphs.js';
import { normalizePrompt, normalizeWeb } from './normalize.js';
import { builtinPack, type Pack } from './pack.js';
import { candidates } from './prefilter.js';
import { type View, Where } from './schema.js';

export interface Hit {
  id: string;
  category: string;
  weight: number;
}

export interface ScanResult {
  /** 0..1: 1 - Π(1 - weight) over the hits. */
  score: number;
  hits: Hit[];
}

/**
 * Verdict threshold: a text is an attack when its score reaches it. Chosen on the development sets
 * (see README.md): the lowest value that keeps the false-positive rate at or below 0.01 on both.
 */
export const THRESHOLD = 0.5;

/** Longer texts are scanned on their first MAX_SCAN characters: the gateway truncates prompts anyway, and this bounds the cost of one event. */
const MAX_SCAN = 16_384;

/**
 * Invisible characters inside a word, or tag characters anywhere: smuggling. ZWNJ and ZWJ are left
 * out, since Persian and Indic scripts use them between letters, and emoji sequences use ZWJ.
 */
const SMUGGLING = /\p{L}[\u200b\u2060-\u2064\ufeff\u180e]+\p{L}|\udb40[\udc00-\udc7f]/u;

/** Features that are computed, not matched; they enter the score like signatures. */
const FEATURES = {
  gibberish: { id: 'feature:gibberish-suffix', category: 'adversarial-suffix', weight: 1 },
  mixedScript: { id: 'feature:mixed-script-word', category: 'encoded-obfuscated', weight: 0.4 },
  decoded: { id: 'feature:decoded-payload', category: 'encoded-obfuscated', weight: 0.6 },
  invisible: { id: 'feature:invisible-characters', category: 'encoded-obfuscated', weight: 0.3 },
} as const;

function matchView(
  pack: Pack,
  view: View,
  text: string,
  where: ReadonlySet<Where>,
  hits: Map<string, Hit>,
): void {
  for (const { index, windows } of candidates(pack.prefilters[view], pack.signatures, text)) {
    const s = pack.signatures[index];
    if (s === undefined || hits.has(s.id) || ![...s.where].some((w) => where.has(w))) continue;
    const matched =
      windows === null ? s.test(text) : windows.some(([from, to]) => s.test(text.slice(from, to)));
    if (matched) hits.set(s.id, { id: s.id, category: s.category, weight: s.weight });
  }
}

function combine(hits: Iterable<Hit>): number {
  let keep = 1;
  for (const h of hits) keep *= 1 - h.weight;
  return 1 - keep;
}

const viewsByPlace = new WeakMap<Pack, Map<Where, ReadonlySet<View>>>();

/** Whether some signature reads `view` at one of these places: a user agent's need no prompt view. */
function viewUsed(pack: Pack, view: View, places: ReadonlySet<Where>): boolean {
  let byPlace = viewsByPlace.get(pack);
  if (!byPlace) {
    // Once per pack: the views its signatures read, by place.
    byPlace = new Map(
      Where.options.map((w) => [
        w,
        new Set(pack.signatures.filter((s) => s.where.has(w)).map((s) => s.view)),
      ]),
    );
    viewsByPlace.set(pack, byPlace);
  }
  for (const w of places) if (byPlace.get(w)?.has(view)) return true;
  return false;
}

/**
 * Scores one text seen at `where` (one place, or several when the caller does not know). Pure and
 * deterministic: the same text and pack give the same result.
 */
export function scan(text: string, where: Where | readonly Where[], pack: Pack = builtinPack()): ScanResult {
  const places: ReadonlySet<Where> = new Set(typeof where === 'string' ? [where] : where);
  const input = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  const hits = new Map<string, Hit>();

  const promptView = viewUsed(pack, 'prompt', places);
  const prompt = promptView || places.has('prompt') ? normalizePrompt(input) : '';
  if (promptView) matchView(pack, 'prompt', prompt, places, hits);
  if (viewUsed(pack, 'web', places)) matchView(pack, 'web', normalizeWeb(input), places, hits);

  if (places.has('prompt')) {
    // A payload the model is asked to decode is read as what it decodes to.
    const before = hits.size;
    for (const segment of decodeSegments(input, prompt))
      matchView(pack, 'prompt', normalizePrompt(segment.text), places, hits);
    if (hits.size > before) hits.set(FEATURES.decoded.id, { ...FEATURES.decoded });
    if (hasMixedScriptWord(prompt)) hits.set(FEATURES.mixedScript.id, { ...FEATURES.mixedScript });
    if (SMUGGLING.test(input)) hits.set(FEATURES.invisible.id, { ...FEATURES.invisible });
    const gibberish = gibberishScore(input);
    if (gibberish > 0)
      hits.set(FEATURES.gibberish.id, {
        ...FEATURES.gibberish,
        weight: FEATURES.gibberish.weight * gibberish,
      });
  }
  const list = [...hits.values()];
  return { score: combine(list), hits: list };
}
