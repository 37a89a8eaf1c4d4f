import { apiKey, apiKeyMayStartWith } from './api-keys.js';
import { bearer } from './bearer.js';
import { isGroupSeparator, newPass } from './digit-groups.js';
import { email } from './email.js';
import { highEntropy, shortRunEnd } from './high-entropy.js';
import { ip } from './ip.js';
import { jwt } from './jwt.js';
import { nationalId } from './national-id.js';
import { paymentCard } from './payment-card.js';
import { phone } from './phone.js';
import { privateKey } from './private-key.js';
import { secretAssignment } from './secret-assignment.js';
import { secretNameMayEndAt } from './secret-names.js';
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
const HIGH_ENTROPY_AT = DETECTORS.indexOf(highEntropy);
const URL_PASSWORD = bit(urlPassword);
const SECRET_ASSIGNMENT = bit(secretAssignment);

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
  // Where the run of base64 characters the scan is in began, for the high-entropy refusal below.
  let runStart = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const cls = CLS[c]!;
    if (cls === 0) {
      runStart = ++i;
      continue;
    }
    let candidates: number;
    let resume = i + 1;
    if ((cls & WORD) !== 0) {
      // A word is read once; nothing starts inside one, since every detector wants a boundary before it.
      let j = i + 1;
      let flags = cls;
      // The character after the word; none (-1) at the end of the text.
      let after = -1;
      for (; j < n; j++) {
        const code = text.charCodeAt(j);
        const d = CLS[code]!;
        if ((d & WORD) === 0) {
          after = code;
          break;
        }
        flags |= d;
      }
      resume = j;
      if ((flags & DIGIT) === 0) {
        if (plainWord(text, i, j, flags, c, after)) {
          i = j;
          continue;
        }
        candidates = AT_LETTER_WORD & mayMatchAtWord(text, i, j, true, (flags & NON_HEX) === 0);
      } else {
        if (j - i < 8 && (flags & LETTER) === 0 && shortNumber(text, i, j)) {
          i = j;
          continue;
        }
        candidates =
          AT_NUMBER_WORD & mayMatchAtWord(text, i, j, (flags & LETTER) !== 0, (flags & NON_HEX) === 0);
      }
      // Most base64 runs (dates, paths, "key=value") are too short for a token: the detector's own
      // refusal, read from where the run began, without asking it.
      if ((candidates & HIGH_ENTROPY) !== 0 && next[HIGH_ENTROPY_AT]! <= i) {
        const end = shortRunEnd(text, Math.max(runStart, last), j);
        if (end >= 0) {
          next[HIGH_ENTROPY_AT] = end + 1;
          candidates &= ~HIGH_ENTROPY;
        }
      }
    } else {
      if ((cls & B64_SYMBOL) === 0) runStart = i + 1;
      candidates = mayMatchAtSymbol(text, i, c);
    }
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
  const before = text.charCodeAt(i - 1);
  const after = text.charCodeAt(j);
  let set = 0;
  if ((CLS[first]! & DIGIT) !== 0) {
    if (!letters) set = numberCandidates(text, j, len, first, before, after);
    else if (len > 8 && digitRun(text, i, 9) === 8) set = NATIONAL_ID; // a DNI: 12345678Z
  } else {
    // Bearer, JWT and key prefixes all start with a letter.
    const second = text.charCodeAt(i + 1);
    if (len === 6 && (first | 32) === 98 /* b */) set |= BEARER;
    if (first === 101 /* e */ && second === 121 /* y */ && text.charCodeAt(i + 2) === 74 /* J */) set |= JWT;
    if (apiKeyMayStartWith(first, second)) set |= API_KEY;
    // A NIE (X1234567L) or a UK NINO (AB123456C).
    if (first === 88 || first === 89 || first === 90 || (CLS[second]! & UPPER) !== 0) set |= NATIONAL_ID;
  }
  // An address's first part is the whole word (up to four hex digits), then "." or ":" (IPv6 only
  // where no ":" comes before: a later group of "a:b:c" does not start one); never after "." or "_".
  if (len <= 4 && hex && (after === 46 || (after === 58 && before !== 58)) && before !== 46 && before !== 95)
    set |= IP;
  // A high-entropy token is 20 characters or more, counting base64 symbols joined on either side.
  if (len >= 20 || (CLS[before]! & B64_SYMBOL) !== 0 || (CLS[after]! & B64_SYMBOL) !== 0) set |= HIGH_ENTROPY;
  return set;
}

/**
 * Cards, the numeric ids and phone numbers are groups of digits, the first of them this whole word
 * of `len` digits ending at j: each starts with a group of its lengths, and the next group (when
 * there is one) follows one of its separators with at least as many digits as its second group has.
 */
function numberCandidates(
  text: string,
  j: number,
  len: number,
  first: number,
  before: number,
  after: number,
): number {
  // Plain cards are 13–19 digits; a DNI's 8 digits may be followed by its letter straight away.
  if (len >= 13) return CARD;
  if (!isGroupSeparator(after)) return len === 8 && after >= 128 ? NATIONAL_ID : 0;
  const next = digitRun(text, j + 1, 4);
  const dashOrSpace = after === 32 || after === 45;
  let set = 0;
  // Grouped cards are 4 + groups of 3–6.
  if (len === 4 && dashOrSpace && next >= 3) set |= CARD;
  // SSN 3-2-4, SIN 3-3-3, CPF 3.3.3-2, Aadhaar 4-4-4; a DNI's 8 digits, a dash or space, its letter.
  if (
    (len === 3 && after !== 40 && after !== 41 && next >= 2) ||
    (len === 4 && dashOrSpace && next === 4) ||
    (len === 8 && dashOrSpace && mayBeLetter(text.charCodeAt(j + 1)))
  )
    set |= NATIONAL_ID;
  // North American (3-3-4, 1-3-3-4) and trunk (0 and groups of 2–5) numbers, never after "." or "+",
  // with one or two separators before the next group.
  if (
    (len === 1 || len === 3 || (first === 48 && len <= 5)) &&
    before !== 46 &&
    before !== 43 &&
    (next > 0 || (isGroupSeparator(text.charCodeAt(j + 1)) && digitRun(text, j + 2, 1) === 1))
  )
    set |= PHONE;
  return set;
}

/** A letter, or a character that may upper-case to one (ſ to S). */
function mayBeLetter(c: number): boolean {
  return (CLS[c]! & LETTER) !== 0 || c >= 128;
}

/** How many digits, up to `max`, start at k. */
function digitRun(text: string, k: number, max: number): number {
  let q = k;
  while (q < k + max && (CLS[text.charCodeAt(q)]! & DIGIT) !== 0) q++;
  return q - k;
}

/** As `mayMatchAtWord`, at one of the anchor symbols (- : = @ + ( ). */
export function mayMatchAtSymbol(text: string, i: number, c: number): number {
  const next = text.charCodeAt(i + 1);
  const before = text.charCodeAt(i - 1);
  switch (c) {
    case 45: // -
      return next === 45 ? AT_DASH : 0;
    case 58: {
      // ":" starts a password only before one ("scheme://user:pw@"), an address only as "::" and
      // not after a word, a dot or another ":".
      let set = AT_COLON & assignmentAt(text, i, before);
      if (!(next > 32 && next !== 47)) set &= ~URL_PASSWORD;
      if (next !== 58 || (CLS[before]! & WORD) !== 0 || before === 46 || before === 95 || before === 58)
        set &= ~IP;
      return set;
    }
    case 61: // =
      return AT_EQUALS & assignmentAt(text, i, before);
    case 64: // @
      return AT_AT;
    case 43: // +
    case 40: {
      // "+" or "(" starts a phone number only before its digits: "+44 …", "(415) …", "+(44) …".
      return (CLS[next]! & DIGIT) !== 0 || (c === 43 && next === 40 && digitRun(text, i + 2, 1) === 1)
        ? AT_PHONE_PREFIX
        : 0;
    }
    default: // the other base64 symbols, "/" and "_"
      return 0;
  }
}

/**
 * An assignment's name ends right before its ":" or "=" at i, or before the spaces or the closing
 * quote in between; few secret names end where most names do ("user=", "path=", "12:00"): all
 * bits, or none but the secret-assignment detector's.
 */
function assignmentAt(text: string, i: number, before: number): number {
  return before === 32 || before === 34 || before === 39 || secretNameMayEndAt(text, i)
    ? -1
    : ~SECRET_ASSIGNMENT;
}

/**
 * Ordinary prose, skipped without asking any detector: a word of fewer than 20 letters that is not
 * "bearer", not two capitals (a UK National Insurance number starts so), not the start of a JWT, not
 * a key prefix followed by its separator ("sk-", "ghp_", "SG.") and not a hex group before a colon.
 */
function plainWord(text: string, i: number, j: number, flags: number, first: number, after: number): boolean {
  const len = j - i;
  if (len >= 20) return false;
  if (
    len === 2 &&
    (flags & UPPER) !== 0 &&
    (CLS[first]! & UPPER) !== 0 &&
    (CLS[text.charCodeAt(i + 1)]! & UPPER) !== 0
  )
    return false;
  if (len === 6 && (first === 66 || first === 98) && text.startsWith('earer', i + 1)) return false;
  if (first === 101 && text.startsWith('eyJ', i)) return false;
  if ((after === 45 || after === 95 || after === 46) && apiKeyMayStartWith(first, text.charCodeAt(i + 1)))
    return false;
  if (after === 58 && (flags & HEX) !== 0 && len <= 4) return false;
  // Plain words that run into an address ("john.doe@…") are fine: e-mail is found at its "@".
  return true;
}

/**
 * The run text[i, j) of fewer than eight digits: true unless one or two separators and another
 * digit follow (cards, ids, phone numbers and IPv4 addresses come in groups), a colon does (IPv6),
 * or a base64 symbol joins it to a token whose only digits it may be ("…GhJkLz_12", "12+QwEr…": the
 * high-entropy detector reads the token from any of its numbers). A letter after a space is prose
 * ("status 200 in 7 ms"): a DNI's check letter comes after eight digits.
 */
export function shortNumber(text: string, i: number, j: number): boolean {
  if ((CLS[text.charCodeAt(i - 1)]! & B64_SYMBOL) !== 0) return false;
  if (j >= text.length) return true;
  const c = text.charCodeAt(j);
  if ((CLS[c]! & (WORD | B64_SYMBOL)) !== 0) return false;
  // "2001:db8::1"
  if (c === 58) return false;
  if (isGroupSeparator(c)) {
    const d = text.charCodeAt(j + 1);
    if ((CLS[d]! & DIGIT) !== 0 || isGroupSeparator(d)) return false;
  }
  return true;
}

/** Adds one redaction's counts into another (for texts redacted in parts). */
export function addCounts(into: RedactionCounts, from: RedactionCounts): RedactionCounts {
  for (const [k, v] of Object.entries(from) as [RedactionType, number][]) into[k] = (into[k] ?? 0) + v;
  return into;
}
