const MAX_DIGITS = 20;
const MAX_GROUPS = 21;
const MAX_SEP_RUN = 2;

/**
 * A number written in groups ("4111 1111 1111 1111", "+1 (415) 555-0100", "111.444.777-35"), read
 * once per position and shared by the card, national-id and phone detectors, which each look for
 * the longest prefix of groups that has their shape. Reading one allocates nothing.
 */
export class DigitGroups {
  /** Digits in the number, up to MAX_DIGITS (then `overflow`). */
  digitCount = 0;
  groupCount = 0;
  /** More digits followed: only the completed groups before them count. */
  overflow = false;
  readonly starts = new Int32Array(MAX_GROUPS);
  readonly lengths = new Int32Array(MAX_GROUPS);
  /** Start of the separator before group k (k ≥ 1); it ends at starts[k]. */
  readonly sepStarts = new Int32Array(MAX_GROUPS);
  /** Digits in groups 0..k. */
  readonly cumulative = new Int32Array(MAX_GROUPS);
  readonly digitCodes = new Uint8Array(MAX_DIGITS);
  text = '';

  /** Position after group k. */
  end(k: number): number {
    return this.starts[k]! + this.lengths[k]!;
  }

  /** Digits in the first `k` groups (k ≤ groupCount). */
  digitsIn(k: number): number {
    return k <= 0 || k > this.groupCount ? 0 : this.cumulative[k - 1]!;
  }

  digit(k: number): number {
    return this.digitCodes[k]!;
  }

  /** The first `count` digits as a string. */
  digits(count: number): string {
    let s = '';
    for (let k = 0; k < count; k++) s += String.fromCharCode(48 + this.digitCodes[k]!);
    return s;
  }

  /** True when groups 0..k-1 exist and have exactly these lengths. */
  shape(...lengths: number[]): boolean {
    if (lengths.length > this.groupCount) return false;
    for (let g = 0; g < lengths.length; g++) if (this.lengths[g] !== lengths[g]) return false;
    return true;
  }

  separator(k: number): string {
    return this.text.slice(this.sepStarts[k], this.starts[k]);
  }

  /** True when the separators before groups 1..k-1 are all the same single character, a space or a dash. */
  singleSeparators(k: number): boolean {
    if (k < 2) return true;
    const first = this.text.charCodeAt(this.sepStarts[1]!);
    if (first !== 32 && first !== 45) return false;
    for (let g = 1; g < k; g++) {
      if (this.starts[g]! - this.sepStarts[g]! !== 1 || this.text.charCodeAt(this.sepStarts[g]!) !== first)
        return false;
    }
    return true;
  }

  /** Luhn (mod 10) check over the first `count` digits. */
  luhnValid(count: number): boolean {
    let sum = 0;
    let double = false;
    for (let k = count - 1; k >= 0; k--) {
      let d = this.digitCodes[k]!;
      if (double) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      double = !double;
    }
    return count > 0 && sum % 10 === 0;
  }
}

const shared = new DigitGroups();
let cachedText: string | null = null;
let cachedAt = -1;
let generation = 0;
let cachedGeneration = -1;

/** Call once per redaction pass: a new pass never reuses the previous pass's reading. */
export function newPass(): void {
  generation++;
}

/** " -.()": what people put between the groups of a number. */
export function isGroupSeparator(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 40 || c === 41;
}

/**
 * Reads the digit groups starting at `i` (a digit): groups joined by one or two of " -.()", at most
 * 20 digits, so at most ~60 characters. Shared and cached per position: read it before the next call.
 */
export function readDigitGroups(text: string, i: number): DigitGroups {
  const g = shared;
  if (cachedGeneration === generation && cachedAt === i && cachedText === text) return g;
  cachedGeneration = generation;
  cachedAt = i;
  cachedText = text;
  g.text = text;
  g.digitCount = 0;
  g.groupCount = 0;
  g.overflow = false;
  let j = i;
  let groupStart = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c >= 48 && c <= 57) {
      if (g.digitCount === MAX_DIGITS) {
        g.overflow = true;
        return g;
      }
      g.digitCodes[g.digitCount++] = c - 48;
      j++;
      continue;
    }
    if (j === groupStart || !isGroupSeparator(c) || g.groupCount === MAX_GROUPS - 1) break;
    let k = j + 1;
    if (k < text.length && k - j < MAX_SEP_RUN && isGroupSeparator(text.charCodeAt(k))) k++;
    const d = text.charCodeAt(k);
    if (!(d >= 48 && d <= 57)) break;
    g.starts[g.groupCount] = groupStart;
    g.lengths[g.groupCount] = j - groupStart;
    g.cumulative[g.groupCount] = g.digitCount;
    g.groupCount++;
    g.sepStarts[g.groupCount] = j;
    groupStart = k;
    j = k;
  }
  if (j > groupStart) {
    g.starts[g.groupCount] = groupStart;
    g.lengths[g.groupCount] = j - groupStart;
    g.cumulative[g.groupCount] = g.digitCount;
    g.groupCount++;
  }
  return g;
}

/** End of the run of at most `max` digits at `i`. */
export function scanDigits(text: string, i: number, max: number): number {
  let j = i;
  while (j < text.length && j - i < max) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) break;
    j++;
  }
  return j;
}
