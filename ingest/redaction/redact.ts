import { apiKey, apiKeyMayStartAt } from './api-keys.js';
import { bearer } from './bearer.js';
import { newPass } from './digit-groups.js';
import { email } from './email.js';
import { highEntropy } from './high-entropy.js';
import { ip } from './ip.js';
import { jwt } from './jwt.js';
import { nationalId } from './national-id.js';
import { paymentCard } from './payment-card.js';
import { phone } from './phone.js';
import { privateKey } from './private-key.js';
import { secretAssignment } from './secret-assignment.js';
import { type Detector, PLACEHOLDERS, type RedactionType } from './types.js';
import { urlPassword } from './url-password.js';

/** Every detector, in priority order: where two could match at one position the earlier wins. */
export const DETECTORS: readonly Detector[] = [
  privateKey,
  urlPassword,
  bearer,
  jwt,
  apiKey,
  email,
  paymentCard,
  nationalId,
  ip,
  phone,
  secretAssignment,
  highEntropy,
];

/** The detectors tried at an anchor, as bits over DETECTORS' indices (the lowest first, as priority goes). */
const at = (...detectors: Detector[]) => detectors.reduce((set, d) => set | bit(d), 0);
const bit = (d: Detector) => 1 << DETECTORS.indexOf(d);

/** Tried at the start of a word of letters (most words never get here: see `plainWord`). */
const AT_LETTER_WORD = at(bearer, jwt, apiKey, nationalId, ip);
/** Tried at the start of a word with digits. */
const AT_NUMBER_WORD = at(jwt, apiKey, paymentCard, nationalId, ip, phone, highEntropy);
const AT_DASH = at(privateKey);
const AT_COLON = at(urlPassword, ip, secretAssignment);
const AT_EQUALS = at(secretAssignment);
const AT_AT = at(email);
const AT_PHONE_PREFIX = at(phone);
const BEARER = bit(bearer);
const JWT = bit(jwt);
const API_KEY = bit(apiKey);
const CARD = bit(paymentCard);
const NATIONAL_ID = bit(nationalId);
const IP = bit(ip);
const PHONE = bit(phone);
const HIGH_ENTROPY = bit(highEntropy);
const URL_PASSWORD = bit(urlPassword);

export type RedactionCounts = Partial<Record<RedactionType, number>>;

export interface Redacted {
  text: string;
  /** Placeholders inserted, per type; types with none are absent. */
  counts: RedactionCounts;
}

// One class table over every UTF-16 code unit, so the hot loops read one byte per character.
const WORD = 1;
const DIGIT = 2;
const ANCHOR = 4;
const UPPER = 8;
const HEX = 16;
/** A letter outside a–f/A–F. */
const NON_HEX = 32;
/** base64's characters outside words: + / = _ - */
const B64_SYMBOL = 64;
const LETTER = 128;
const CLS = new Uint8Array(65_536);
for (let c = 48; c <= 57; c++) CLS[c] = WORD | DIGIT | HEX;
for (let c = 65; c <= 90; c++) CLS[c] = WORD | LETTER | UPPER | (c <= 70 ? HEX : NON_HEX);
for (let c = 97; c <= 122; c++) CLS[c] = WORD | LETTER | (c <= 102 ? HEX : NON_HEX);
for (const ch of '-:=@+(') CLS[ch.charCodeAt(0)] = ANCHOR;
for (const ch of '+/=_-') CLS[ch.charCodeAt(0)]! |= B64_SYMBOL;

const FAILED: Redacted = { text: '[REDACTION_FAILED]', counts: {} };

/**
 * Replaces personal data and secrets in `text` with typed placeholders ([EMAIL], [API_KEY], …) and
 * counts them. One left-to-right pass over the text: words are read once, each detector is asked only
 * where it can anchor and never re-reads what it rejected, so the time is linear in the length of the
 * text, whatever the text (no regular expression runs here, so none can backtrack). Never throws:
 * should a detector ever fail, the whole text is withheld rather than returned unredacted.
 */
export function redact(text: string): Redacted {
  try {
    return scan(text);
  } catch {
    return FAILED;
  }
}

function scan(text: string): Redacted {
  newPass();
  const n = text.length;
  const next = new Int32Array(DETECTORS.length);
  let out = '';
  let last = 0;
  let counts: RedactionCounts | null = null;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const cls = CLS[c]!;
    if (cls === 0) {
      i++;
      continue;
    }
    let candidates: number;
    let resume = i + 1;
    if ((cls & WORD) !== 0) {
      // A word is read once; nothing starts inside one, since every detector wants a boundary before it.
      let j = i + 1;
      let flags = cls;
      while (j < n) {
        const d = CLS[text.charCodeAt(j)]!;
        if ((d & WORD) === 0) break;
        flags |= d;
        j++;
      }
      resume = j;
      if ((flags & DIGIT) === 0) {
        if (plainWord(text, i, j, flags)) {
          i = j;
          continue;
        }
        candidates = AT_LETTER_WORD & mayMatchAtWord(text, i, j, true, (flags & NON_HEX) === 0);
      } else {
        if (j - i < 8 && (flags & LETTER) === 0 && shortNumber(text, j)) {
          i = j;
          continue;
        }
        candidates =
          AT_NUMBER_WORD & mayMatchAtWord(text, i, j, (flags & LETTER) !== 0, (flags & NON_HEX) === 0);
      }
    } else candidates = mayMatchAtSymbol(text, i, c);
    let matched = false;
    for (let set = candidates; set !== 0; set &= set - 1) {
      const d = 31 - Math.clz32(set & -set);
      if (next[d]! > i) continue;
      const r = DETECTORS[d]!.match(text, i, last);
      if (typeof r === 'number') {
        next[d] = r > i ? r : i + 1;
        continue;
      }
      // A span must lie in what is not yet settled; anything else is a bug, and the text is withheld.
      if (!(r.start >= last && r.start <= r.end && r.end <= n))
        throw new Error(`bad span from ${DETECTORS[d]!.name}`);
      out += text.slice(last, r.start) + PLACEHOLDERS[r.type];
      counts ??= {};
      counts[r.type] = (counts[r.type] ?? 0) + 1;
      last = r.end;
      i = r.end > i ? r.end : i + 1;
      matched = true;
      break;
    }
    if (!matched) i = resume;
  }
  if (counts === null) return { text, counts: {} };
  return { text: out + text.slice(last), counts };
}

/**
 * The detectors that can match at the word text[i, j) of letters and digits, given whether it has
 * letters and whether it is all hex digits, as a bit set over DETECTORS' indices. Each test repeats
 * a refusal the detector itself makes from the word's first characters, length and the character
 * after it, so skipping the others changes no result (a property test holds every match to pass its
 * test); most words then ask one detector or none instead of five or seven.
 */
export function mayMatchAtWord(text: string, i: number, j: number, letters: boolean, hex: boolean): number {
  const len = j - i;
  const first = text.charCodeAt(i);
  const after = text.charCodeAt(j);
  let set = 0;
  if (len === 6 && (first | 32) === 98 /* b */) set |= BEARER;
  if (first === 101 /* e */ && text.startsWith('eyJ', i)) set |= JWT;
  if (apiKeyMayStartAt(text, i)) set |= API_KEY;
  if ((CLS[first]! & DIGIT) !== 0) {
    // Cards, the numeric ids and phone numbers are groups of digits: a word of them, whole.
    if (!letters) {
      if (len === 4 || len >= 13) set |= CARD;
      if (len === 3 || len === 4 || len === 8) set |= NATIONAL_ID;
      if (len === 1 || len === 3 || (first === 48 && len <= 5)) set |= PHONE;
    } else if (len > 8 && leadingDigits(text, i, 9) === 8) set |= NATIONAL_ID; // a DNI: 12345678Z
  } else if (first === 88 || first === 89 || first === 90 || (CLS[text.charCodeAt(i + 1)]! & UPPER) !== 0)
    set |= NATIONAL_ID; // a NIE (X1234567L) or a UK NINO (AB123456C)
  // An address's first part is the whole word (up to four hex digits), then "." or ":".
  if (len <= 4 && hex && (after === 46 || after === 58)) set |= IP;
  // A high-entropy token is 20 characters or more, counting base64 symbols joined on either side.
  if (len >= 20 || (CLS[text.charCodeAt(i - 1)]! & B64_SYMBOL) !== 0 || (CLS[after]! & B64_SYMBOL) !== 0)
    set |= HIGH_ENTROPY;
  return set;
}

/** As `mayMatchAtWord`, at one of the anchor symbols (- : = @ + ( ). */
export function mayMatchAtSymbol(text: string, i: number, c: number): number {
  const next = text.charCodeAt(i + 1);
  switch (c) {
    case 45: // -
      return next === 45 ? AT_DASH : 0;
    case 58: {
      // ":" starts a password only before one ("scheme://user:pw@"), an address only as "::".
      let set = AT_COLON;
      if (!(next > 32 && next !== 47)) set &= ~URL_PASSWORD;
      if (next !== 58) set &= ~IP;
      return set;
    }
    case 61: // =
      return AT_EQUALS;
    case 64: // @
      return AT_AT;
    default: {
      // "+" or "(" starts a phone number only before its digits: "+44 …", "(415) …", "+(44) …".
      const digitAt = (k: number) => (CLS[text.charCodeAt(k)]! & DIGIT) !== 0;
      return digitAt(i + 1) || (c === 43 && next === 40 && digitAt(i + 2)) ? AT_PHONE_PREFIX : 0;
    }
  }
}

function leadingDigits(text: string, i: number, max: number): number {
  let k = i;
  while (k < i + max && (CLS[text.charCodeAt(k)]! & DIGIT) !== 0) k++;
  return k - i;
}

/**
 * Ordinary prose, skipped without asking any detector: a word of fewer than 20 letters that is not
 * "bearer", not two capitals (a UK National Insurance number starts so), not the start of a JWT, not
 * a key prefix followed by its separator ("sk-", "ghp_", "SG.") and not a hex group before a colon.
 */
function plainWord(text: string, i: number, j: number, flags: number): boolean {
  const len = j - i;
  if (len >= 20) return false;
  const first = text.charCodeAt(i);
  if (
    len === 2 &&
    (flags & UPPER) !== 0 &&
    (CLS[first]! & UPPER) !== 0 &&
    (CLS[text.charCodeAt(i + 1)]! & UPPER) !== 0
  )
    return false;
  if (len === 6 && (first === 66 || first === 98) && text.startsWith('earer', i + 1)) return false;
  if (first === 101 && text.startsWith('eyJ', i)) return false;
  if (j >= text.length) return true;
  const after = text.charCodeAt(j);
  if ((after === 45 || after === 95 || after === 46) && apiKeyMayStartAt(text, i)) return false;
  if (after === 58 && (flags & HEX) !== 0 && len <= 4) return false;
  // Plain words that run into an address ("john.doe@…") are fine: e-mail is found at its "@".
  return true;
}

/**
 * After a run of fewer than eight digits: true unless a separator and another digit follow (cards,
 * ids and phone numbers come in groups), a dot does (IPv4), or a space/dash and a letter do (the
 * check letter of a Spanish DNI).
 */
function shortNumber(text: string, j: number): boolean {
  if (j >= text.length) return true;
  const c = text.charCodeAt(j);
  if ((CLS[c]! & WORD) !== 0) return false;
  // "2001:db8::1"
  if (c === 58) return false;
  if (c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 47) {
    const d = text.charCodeAt(j + 1);
    if ((CLS[d]! & WORD) !== 0 || d === 32 || d === 40) return false;
  }
  return true;
}

/** Adds one redaction's counts into another (for texts redacted in parts). */
export function addCounts(into: RedactionCounts, from: RedactionCounts): RedactionCounts {
  for (const [k, v] of Object.entries(from) as [RedactionType, number][]) into[k] = (into[k] ?? 0) + v;
  return into;
}
