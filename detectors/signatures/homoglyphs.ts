/**
 * Latin look-alikes from Cyrillic and Greek (lower case, after NFKC and case folding), a small subset
 * of Unicode's confusables.txt: the letters an attacker needs to spell English trigger words.
 */
const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  һ: 'h',
  і: 'i',
  ї: 'i',
  ј: 'j',
  к: 'k',
  ӏ: 'l',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  ԛ: 'q',
  ѕ: 's',
  т: 't',
  у: 'y',
  ԝ: 'w',
  х: 'x',
  с: 'c',
  ԁ: 'd',
  ɡ: 'g',
  ү: 'y',
  // Greek
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ϲ: 'c',
  // Latin small capitals and other look-alikes
  ı: 'i',
  ɑ: 'a',
  ʀ: 'r',
  ɢ: 'g',
};

const CONFUSABLE_CHAR = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'g');
const LATIN_LETTER = /[a-z]/;

/**
 * Folds look-alikes only inside words that mix them with Latin letters ("іgnоrе"): a whole word in
 * Cyrillic or Greek is a real word of that language and must stay intact for the multilingual
 * signatures. Returns the input itself when nothing changed.
 */
export function foldHomoglyphs(text: string): string {
  CONFUSABLE_CHAR.lastIndex = 0;
  if (!CONFUSABLE_CHAR.test(text)) return text;
  return text.replace(/[^\s]+/g, (word) => {
    if (!LATIN_LETTER.test(word)) return word;
    return word.replace(CONFUSABLE_CHAR, (ch) => CONFUSABLES[ch] ?? ch);
  });
}

/** True when some word mixes Latin letters with Cyrillic/Greek look-alikes: a smuggling signal in itself. */
export function hasMixedScriptWord(text: string): boolean {
  CONFUSABLE_CHAR.lastIndex = 0;
  if (!CONFUSABLE_CHAR.test(text)) return false;
  // Split first, then test each word: a single regex spanning "non-space, Latin, non-space" would
  // backtrack quadratically over one long word without Latin letters.
  for (const word of text.match(/[^\s]+/g) ?? []) {
    if (!LATIN_LETTER.test(word)) continue;
    CONFUSABLE_CHAR.lastIndex = 0;
    if (CONFUSABLE_CHAR.test(word)) return true;
  }
  return false;
}
