import { normalizePrompt } from '../normalize.js';

/** Feature space of the classifier: hashed buckets, 2^18 of them. */
export const BUCKET_BITS = 18;
const MASK = (1 << BUCKET_BITS) - 1;
/** Texts are featurised on their first MAX_CHARS characters, as the scan reads its first 16 KB. */
const MAX_CHARS = 16_384;
const WORD = /[\p{L}\p{N}]+/gu;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv(h: number, code: number): number {
  return Math.imul(h ^ code, FNV_PRIME);
}

/** One word's hash, salted so unigrams, bigrams and character n-grams land in unrelated buckets. */
function wordHash(word: string, salt: number): number {
  let h = fnv(FNV_OFFSET, salt);
  for (let i = 0; i < word.length; i++) h = fnv(h, word.charCodeAt(i));
  return h;
}

/**
 * The buckets of a text's features on the prompt view: word unigrams and bigrams, and character 3- to
 * 5-grams (these carry scripts without spaces and inflected languages). A feature occurring twice is
 * listed twice: the model weighs counts. One pass per feature family, so the cost is linear in the text.
 */
export function featurize(text: string): Uint32Array {
  const view = normalizePrompt(text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text);
  const words = view.match(WORD) ?? [];
  const out = new Uint32Array(words.length * 2 + Math.max(0, view.length) * 3);
  let n = 0;
  let previous = 0;
  for (const word of words) {
    const h = wordHash(word, 1);
    out[n++] = (h >>> 0) & MASK;
    if (previous !== 0) out[n++] = (fnv(previous, h & 0xffff) ^ (h >>> 16)) & MASK;
    previous = wordHash(word, 2);
  }
  for (let i = 0; i + 3 <= view.length; i++) {
    let h = fnv(FNV_OFFSET, 3);
    for (let k = 0; k < 5 && i + k < view.length; k++) {
      h = fnv(h, view.charCodeAt(i + k));
      if (k >= 2) out[n++] = (h >>> 0) & MASK;
    }
  }
  return out.subarray(0, n);
}
