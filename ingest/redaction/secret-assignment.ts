import { apiKey } from './api-keys.js';
import { ALNUM, DIGIT, isIn, TOKEN } from './chars.js';
import { jwt } from './jwt.js';
import { isSecretAssignmentName, secretNameMayEndAt } from './secret-names.js';
import type { Detector, Span } from './types.js';

const MAX_NAME = 64;
const MAX_VALUE = 512;
const QUOTE = 34;
const APOS = 39;

/**
 * The value of a secret-named assignment: `DB_PASSWORD=hunter2`, `export OPENAI_API_KEY="…"`,
 * `"client_secret": "…"`, `password: hunter2`, found at the `:` or `=`. The name stays, the value
 * becomes `[SECRET]`. After a bare colon (prose: "Token: see below") the value must hold a digit or a
 * symbol and six characters to count. Values an API-key or JWT detector recognises are left to them.
 */
export const secretAssignment: Detector = {
  name: 'secret-assignment',
  match(text, op, floor): Span | number {
    // Back from the ":" or "=" over spaces, a closing quote and the name.
    let k = op;
    while (k > floor && k > op - 4 && text.charCodeAt(k - 1) === 32) k--;
    if (k > floor && (text.charCodeAt(k - 1) === QUOTE || text.charCodeAt(k - 1) === APOS)) k--;
    const nameEnd = k;
    if (k === floor || !secretNameMayEndAt(text, k)) return op + 1;
    while (k > floor && nameEnd - k <= MAX_NAME && isIn(TOKEN, text.charCodeAt(k - 1))) k--;
    if (k === nameEnd || nameEnd - k > MAX_NAME || (k > 0 && isIn(TOKEN, text.charCodeAt(k - 1))))
      return op + 1;
    if (!isSecretAssignmentName(text, k, nameEnd)) return op + 1;
    let j = op + 1;
    let equals = text.charCodeAt(op) === 61;
    if (!equals && text.charCodeAt(j) === 61 /* := */) {
      equals = true;
      j++;
    }
    while (text.charCodeAt(j) === 32) j++;
    const q = text.charCodeAt(j);
    const quoted = q === QUOTE || q === APOS;
    if (quoted) j++;
    const start = j;
    const limit = Math.min(text.length, start + MAX_VALUE);
    let strong = false;
    while (j < limit) {
      const c = text.charCodeAt(j);
      if (
        quoted
          ? c === q || c === 10 || c === 13
          : c <= 32 || c === 44 || c === 59 || c === QUOTE || c === APOS
      )
        break;
      if (isIn(DIGIT, c) || !isIn(ALNUM, c)) strong = true;
      j++;
    }
    if (j === start || placeholder(text, start, j)) return op + 1;
    if (!equals && !quoted && (!strong || j - start < 6)) return op + 1;
    // A value a specific detector recognises is left to it, so it is counted under its own type.
    if (
      typeof apiKey.match(text, start, start) !== 'number' ||
      typeof jwt.match(text, start, start) !== 'number'
    )
      return op + 1;
    return { start, end: j, type: 'secret' };
  },
};

/** Placeholders and references are not secrets: [SECRET], <password>, ${TOKEN}, $TOKEN, {{ token }}, ***. */
function placeholder(text: string, start: number, end: number): boolean {
  const first = text.charCodeAt(start);
  const last = text.charCodeAt(end - 1);
  if (first === 91 /* [ */) return last === 93;
  if (first === 60 /* < */) return last === 62;
  if (first === 123 /* { */) return last === 125;
  if (first === 36 /* $ */) {
    if (text.charCodeAt(start + 1) === 123) return last === 125;
    for (let k = start + 1; k < end; k++) if (!isIn(TOKEN, text.charCodeAt(k))) return false;
    return end - start > 1;
  }
  for (let k = start; k < end; k++) if (text.charCodeAt(k) !== 42 /* * */) return false;
  return true;
}
