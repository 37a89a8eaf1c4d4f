/**
 * Paths nobody using an AI API has a reason to request: secrets and VCS files, admin consoles,
 * framework debug endpoints, cloud metadata, internal API versions. Matched by prefix on the
 * lower-cased path, so the check is a handful of string comparisons (no regex on hostile input).
 */
const PREFIXES = [
  '/.env',
  '/.git',
  '/.svn',
  '/.hg',
  '/.aws',
  '/.ssh',
  '/.docker',
  '/.kube',
  '/.htaccess',
  '/.htpasswd',
  '/.ds_store',
  '/.vscode',
  '/.idea',
  '/admin',
  '/administrator',
  '/wp-admin',
  '/wp-login',
  '/wp-content',
  '/wp-includes',
  '/xmlrpc.php',
  '/phpmyadmin',
  '/pma',
  '/phpinfo',
  '/cgi-bin',
  '/server-status',
  '/server-info',
  '/actuator',
  '/jolokia',
  '/console',
  '/manager/html',
  '/solr',
  '/_profiler',
  '/debug',
  '/_debug',
  '/telescope',
  '/horizon',
  '/graphql/console',
  '/swagger-ui',
  '/api-docs',
  '/config.json',
  '/config.yml',
  '/config.yaml',
  '/settings.py',
  '/web.config',
  '/backup',
  '/dump.sql',
  '/db.sql',
  '/database.sql',
  '/latest/meta-data',
  '/computemetadata',
  '/metadata/instance',
  '/metadata/v1',
  '/openstack/latest',
  '/internal',
  '/private',
  '/v0/',
  '/v1beta/internal',
  '/v2/internal',
  '/_internal',
  '/etc/passwd',
  '/proc/self',
  '/boot.ini',
  '/win.ini',
  '/vendor/phpunit',
  '/owa/',
  '/remote/login',
  '/hnap1',
  '/boaform',
  '/shell',
  '/cmd',
];

let lastPath = '';
let lastResult: string | null = null;

/** Returns the matched prefix, or null. */
export function sensitivePath(path: string): string | null {
  // Several detectors ask about the same event in a row.
  if (path === lastPath) return lastResult;
  lastPath = path;
  lastResult = match(path);
  return lastResult;
}

/** The API's own routes, undecorated: nothing to fold or compare. */
const PLAIN_API = /^\/v1\/[a-z0-9/_.-]*$/;

function match(path: string): string | null {
  if (
    PLAIN_API.test(path) &&
    !path.includes('..') &&
    !path.includes('//') &&
    !path.startsWith('/v1/internal')
  )
    return null;
  // Decoding tricks (%2e%2e, double slashes) are folded before the comparison.
  const p = normalizePath(path);
  for (const prefix of PREFIXES) {
    if (p.startsWith(prefix)) return prefix;
  }
  if (p.includes('/../') || p.endsWith('/..')) return '/..';
  return null;
}

function normalizePath(path: string): string {
  let p = path.length > 512 ? path.slice(0, 512) : path;
  try {
    p = decodeURIComponent(p);
  } catch {
    // Malformed escapes are probing in themselves; compare the raw text.
  }
  return p.toLowerCase().replace(/\/{2,}/g, '/');
}
