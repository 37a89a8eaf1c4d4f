import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GatehoundError } from '../infra/errors.js';

const USAGE = `usage: gatehound dashboards <import|export-ndjson> [options]

  import          load the saved objects into OpenSearch Dashboards (saved-objects _import API)
  export-ndjson   print the saved objects as NDJSON (for Dashboards' own import screen)

options:
  --url URL               Dashboards base URL, e.g. http://localhost:5601 (import)
  --user NAME             basic-auth user (import)
  --password-file FILE    basic-auth password, read from a file (import; preferred)
  --password PASS         basic-auth password (visible to other local users in the process list)
  --overwrite             replace objects that already exist (import)
  --index-prefix PREFIX   the GATEHOUND_OPENSEARCH_INDEX_PREFIX in use (default gatehound)
  -h, --help              this text
`;

const TIMEOUT_MS = 30_000;

function fail(message: string): never {
  throw new GatehoundError('USAGE', `${message}\n\n${USAGE}`);
}

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    fail((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const prefix = values['index-prefix'] ?? 'gatehound';
  if (!/^[a-z][a-z0-9_-]{0,40}$/.test(prefix)) fail('--index-prefix must be a lowercase index prefix');
  const ndjson = savedObjects(prefix);
  if (positionals[0] === 'export-ndjson') {
    process.stdout.write(ndjson);
    return 0;
  }
  if (positionals[0] !== 'import') fail('expected import or export-ndjson');
  if (!values.url || !/^https?:\/\/[^\s]+$/.test(values.url)) fail('--url must be an http(s) URL');
  const password = values['password-file']
    ? readFileSync(values['password-file'], 'utf8').trim()
    : values.password;
  const result = await importSavedObjects(ndjson, {
    url: values.url,
    overwrite: values.overwrite ?? false,
    ...(values.user && password !== undefined && { auth: { user: values.user, password } }),
  });
  process.stdout.write(`gatehound dashboards: imported ${result.successCount} saved object(s)\n`);
  return 0;
}

/** The shipped saved objects, with index-pattern titles moved to the configured prefix. */
export function savedObjects(prefix: string): string {
  const text = readFileSync(join(packageRoot(), 'dashboards', 'gatehound.ndjson'), 'utf8');
  if (prefix === 'gatehound') return text;
  return `${text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const obj = JSON.parse(line) as { type: string; attributes: { title: string } };
      if (obj.type === 'index-pattern')
        obj.attributes.title = obj.attributes.title.replace(/^gatehound-/, `${prefix}-`);
      return JSON.stringify(obj);
    })
    .join('\n')}\n`;
}

export interface ImportOptions {
  url: string;
  overwrite: boolean;
  auth?: { user: string; password: string };
}

/** One multipart POST to `/api/saved_objects/_import`; the answer must say success for every object. */
export async function importSavedObjects(
  ndjson: string,
  options: ImportOptions,
): Promise<{ successCount: number }> {
  const form = new FormData();
  form.append('file', new Blob([ndjson], { type: 'application/ndjson' }), 'gatehound.ndjson');
  const target = new URL('/api/saved_objects/_import', options.url);
  if (options.overwrite) target.searchParams.set('overwrite', 'true');
  const headers: Record<string, string> = { 'osd-xsrf': 'true' };
  if (options.auth)
    headers.authorization = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`;
  let res: Response;
  try {
    res = await fetch(target, {
      method: 'POST',
      headers,
      body: form,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new GatehoundError(
      'DASHBOARDS_IMPORT_FAILED',
      `cannot reach ${target.origin}: ${(err as Error).message}`,
    );
  }
  const body = (await res.json().catch(() => null)) as {
    success?: boolean;
    successCount?: number;
    errors?: { id?: string; type?: string; error?: { type?: string } }[];
  } | null;
  if (!res.ok || !body?.success) {
    const errors = (body?.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.type}/${e.id}: ${e.error?.type ?? 'error'}`);
    throw new GatehoundError(
      'DASHBOARDS_IMPORT_FAILED',
      `Dashboards answered ${res.status}${errors.length ? `: ${errors.join('; ')}` : ''}${
        errors.some((e) => e.endsWith('conflict')) ? ' (use --overwrite to replace existing objects)' : ''
      }`,
    );
  }
  return { successCount: body.successCount ?? 0 };
}

/** The package root from either the source tree (cli/) or the build (dist/cli/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new GatehoundError('USAGE', 'cannot find the gatehound package folder');
    dir = up;
  }
  return dir;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      'password-file': { type: 'string' },
      overwrite: { type: 'boolean' },
      'index-prefix': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
