import type { Detector, Span } from './types.js';

const BEGIN = '-----BEGIN ';
const DASHES = '-----';
const MAX_LABEL = 40;

/**
 * PEM private keys (PKCS#1, PKCS#8, EC, DSA, OpenSSH, encrypted, PGP key blocks), from the BEGIN line
 * to the end of the END line. A block without its END line (a truncated paste) is redacted to the
 * end of the text: what follows a private key header is key material.
 */
export const privateKey: Detector = {
  name: 'private-key',
  match(text, i): Span | number {
    if (!text.startsWith(BEGIN, i)) return i + 1;
    const labelStart = i + BEGIN.length;
    // The label is short ("ENCRYPTED PRIVATE KEY", "PGP PRIVATE KEY BLOCK"): bounded look for its dashes.
    const rel = text.slice(labelStart, labelStart + MAX_LABEL + DASHES.length).indexOf(DASHES);
    if (rel < 0) return i + 1;
    const labelEnd = labelStart + rel;
    const label = text.slice(labelStart, labelEnd);
    if (!label.includes('PRIVATE KEY')) return i + 1;
    const end = text.indexOf(`-----END ${label}-----`, labelEnd + DASHES.length);
    if (end < 0) return { start: i, end: text.length, type: 'private_key' };
    return { start: i, end: end + `-----END ${label}-----`.length, type: 'private_key' };
  },
};
