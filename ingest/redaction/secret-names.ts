/**
 * Names under which secrets travel: query parameters (`?api_key=…`), configuration lines
 * (`DB_PASSWORD=…`) and JSON fields (`"client_secret": "…"`). Compared lowercase.
 */
export const EXACT: readonly string[] = [
  'key',
  'apikey',
  'api_key',
  'api-key',
  'x-api-key',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth',
  'auth_token',
  'authorization',
  'password',
  'passwd',
  'pwd',
  'pass',
  'secret',
  'client_secret',
  'signature',
  'sig',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-goog-signature',
  'x-goog-credential',
  'session',
  'sessionid',
  'session_id',
  'jwt',
  'code',
  'private_key',
  'secret_key',
  'access_key',
];

/** Suffixes that make any name secret: `OPENAI_API_KEY`, `db-password`, `githubToken`. */
export const SUFFIXES: readonly string[] = [
  'password',
  'passwd',
  'secret',
  'token',
  'api_key',
  'apikey',
  'api-key',
  'private_key',
  'access_key',
  'secret_key',
  'signature',
];

/** Exact names that are prose words in free text ("code", "key", "session"): secret as query names only. */
export const PROSE_WORDS: readonly string[] = ['code', 'key', 'session', 'auth', 'sig', 'pass'];

// The names and suffixes in a trie read from the last character back, so a name in the text is judged
// where it lies, each character read once, with nothing allocated; most names leave it at the first or
// second character. Its alphabet is that of the names, either case; any other character leaves it.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz_-';
const SLOT = new Int8Array(128).fill(-1);
for (let k = 0; k < ALPHABET.length; k++) {
  SLOT[ALPHABET.charCodeAt(k)] = k;
  SLOT[ALPHABET[k]!.toUpperCase().charCodeAt(0)] = k;
}
/** A node's flags: a name ends there (a query name, and maybe one in free text too), or a suffix does. */
const NAME = 1;
const ASSIGNMENT_NAME = 2;
const SUFFIX = 4;
const words = [...EXACT, ...SUFFIXES];
const CHILD = new Uint16Array((1 + words.reduce((n, w) => n + w.length, 0)) * ALPHABET.length);
const FLAGS = new Uint8Array(CHILD.length / ALPHABET.length);
let nodes = 1;
function add(word: string, flags: number): void {
  let node = 0;
  for (let k = word.length - 1; k >= 0; k--) {
    const slot = node * ALPHABET.length + SLOT[word.charCodeAt(k)]!;
    if (CHILD[slot] === 0) CHILD[slot] = nodes++;
    node = CHILD[slot]!;
  }
  FLAGS[node]! |= flags;
}
for (const w of EXACT) add(w, PROSE_WORDS.includes(w) ? NAME : NAME | ASSIGNMENT_NAME);
for (const w of SUFFIXES) add(w, SUFFIX);

/** The node after `node` on character `c` (A–Z taken as a–z), or 0 when the trie has none. */
function step(node: number, c: number): number {
  const slot = c < 128 ? SLOT[c]! : -1;
  return slot < 0 ? 0 : CHILD[node * ALPHABET.length + slot]!;
}

/**
 * What text[start, end) is as a name, read back from its end: SUFFIX when it is longer than a
 * suffix it ends with, else the flags of the exact name it is, else 0.
 */
function nameFlags(text: string, start: number, end: number): number {
  let node = 0;
  for (let k = end - 1; k >= start; k--) {
    node = step(node, text.charCodeAt(k));
    if (node === 0) return 0;
    if ((FLAGS[node]! & SUFFIX) !== 0 && k > start) return SUFFIX;
  }
  return FLAGS[node]! & ~SUFFIX;
}

/**
 * False when no secret name or suffix ends at `end` (the text read back from there), so a caller
 * can refuse an assignment before finding where its name starts. Most names are refused at their
 * first or second character; none is read past the longest name.
 */
export function secretNameMayEndAt(text: string, end: number): boolean {
  let node = 0;
  for (let k = end - 1; k >= 0; k--) {
    node = step(node, text.charCodeAt(k));
    if (node === 0) return false;
    if (FLAGS[node] !== 0) return true;
  }
  return false;
}

export function isSecretName(name: string): boolean {
  const n = name.toLowerCase();
  return (nameFlags(n, 0, n.length) & (NAME | SUFFIX)) !== 0;
}

/**
 * True when text[start, end), a name of ASCII letters, digits, "_" and "-", marks a secret in free
 * text: narrower than query names ("code", "key" and "session" are prose words).
 */
export function isSecretAssignmentName(text: string, start: number, end: number): boolean {
  return (nameFlags(text, start, end) & (ASSIGNMENT_NAME | SUFFIX)) !== 0;
}
