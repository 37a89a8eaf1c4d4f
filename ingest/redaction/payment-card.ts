import { ALNUM, DIGIT, isIn } from './chars.js';
import { type DigitGroups, readDigitGroups } from './digit-groups.js';
import type { Detector, Span } from './types.js';

/** Issuer prefixes of the card networks (Visa, Mastercard, Amex, Diners, JCB, Discover, UnionPay, Maestro). */
export function plausibleIssuer(g: DigitGroups): boolean {
  const d1 = g.digit(0);
  if (d1 >= 3 && d1 <= 6) return true;
  if (d1 === 2) {
    const four = g.digit(0) * 1000 + g.digit(1) * 100 + g.digit(2) * 10 + g.digit(3);
    return four >= 2221 && four <= 2720; // Mastercard 2-series
  }
  return false;
}

/**
 * Payment card numbers: 13–19 digits, plain or in groups of 3–6 (the first of 4) joined by one kind
 * of separator (space or dash), with a known issuer prefix and a valid Luhn check digit. Text after
 * the number ("4111 1111 1111 1111 12/27") does not hide it: the longest prefix of groups that is a
 * card counts.
 */
export const paymentCard: Detector = {
  name: 'payment-card',
  match(text, i): Span | number {
    if (!isIn(DIGIT, text.charCodeAt(i)) || (i > 0 && isIn(ALNUM, text.charCodeAt(i - 1)))) return i + 1;
    const g = readDigitGroups(text, i);
    // Grouped numbers start with a group of four; a plain one is a single group.
    const maxGroups = g.lengths[0] === 4 ? g.groupCount : 1;
    for (let k = maxGroups; k >= 1; k--) {
      const n = g.digitsIn(k);
      if (n < 13) break;
      if (n > 19) continue;
      const end = g.end(k - 1);
      if (k === g.groupCount && !g.overflow && end < text.length && isIn(ALNUM, text.charCodeAt(end)))
        continue;
      if (k > 1) {
        let ok = true;
        for (let q = 1; q < k; q++) if (g.lengths[q]! < 3 || g.lengths[q]! > 6) ok = false;
        if (!ok || !g.singleSeparators(k)) continue;
      }
      if (plausibleIssuer(g) && g.luhnValid(n)) return { start: i, end, type: 'card' };
    }
    return i + 1;
  },
};
