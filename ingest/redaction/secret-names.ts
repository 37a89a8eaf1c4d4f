/**
 * Names under which secrets travel: query parameters (`?api_key=…`), configuration lines
 * (`DB_PASSWORD=…`) and JSON fields (`"client_secret": "…"`). Compared lowercase.
 */
const EXACT = new Set([
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
]);

/** Suffixes that make any name secret: `OPENAI_API_KEY`, `db-password`, `githubToken`. */
const SUFFIXES = [
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

/** The last characters of the names and suffixes, either case: most names end otherwise. */
const LAST = new Uint8Array(128);
for (const s of [...EXACT, ...SUFFIXES]) {
  const c = s.charCodeAt(s.length - 1);
  LAST[c] = 1;
  LAST[String.fromCharCode(c).toUpperCase().charCodeAt(0)] = 1;
}

/**
 * False when no secret name ends with this character, so a caller can refuse a name before reading
 * it. A non-ASCII character can lower-case to ASCII (K, the Kelvin sign, to k): it is never refused.
 */
export function secretNameMayEndWith(code: number): boolean {
  return code >= 128 || LAST[code] === 1;
}

function ruledOut(name: string): boolean {
  return !secretNameMayEndWith(name.charCodeAt(name.length - 1));
}

export function isSecretName(name: string): boolean {
  if (ruledOut(name)) return false;
  const n = name.toLowerCase();
  if (EXACT.has(n)) return true;
  for (const s of SUFFIXES) if (n.length > s.length && n.endsWith(s)) return true;
  return false;
}

/** Names that mark a secret in free text: narrower than query names ("code", "key" and "session" are prose words). */
export function isSecretAssignmentName(name: string): boolean {
  if (ruledOut(name)) return false;
  const n = name.toLowerCase();
  if (n === 'code' || n === 'key' || n === 'session' || n === 'auth' || n === 'sig' || n === 'pass')
    return false;
  return isSecretName(n);
}
