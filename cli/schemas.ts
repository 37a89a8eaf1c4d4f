import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GatehoundError } from '../infra/errors.js';
import { renderJsonSchemas } from '../schemas/json-schema.js';

const DEFAULT_OUT = 'schemas/json';

/** `gatehound schemas export [--out dir] [--check]`: write, or verify, the JSON Schema files. */
export async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseStrict(argv);
  if (positionals[0] !== 'export')
    throw new GatehoundError('USAGE', 'usage: gatehound schemas export [--out dir] [--check]');
  const out = values.out ?? DEFAULT_OUT;
  const files = renderJsonSchemas();
  if (values.check) {
    const stale = staleFiles(out, files);
    if (stale.length) {
      console.error(`stale JSON Schema files in ${out}: ${stale.join(', ')}; run: gatehound schemas export`);
      return 1;
    }
    return 0;
  }
  mkdirSync(out, { recursive: true });
  for (const [name, content] of files) writeFileSync(join(out, name), content);
  console.error(`wrote ${files.size} schemas to ${out}`);
  return 0;
}

export function staleFiles(dir: string, files: Map<string, string>): string[] {
  const stale: string[] = [];
  for (const [name, content] of files) {
    let current: string | null = null;
    try {
      current = readFileSync(join(dir, name), 'utf8');
    } catch {}
    if (current !== content) stale.push(name);
  }
  for (const name of safeList(dir)) if (name.endsWith('.schema.json') && !files.has(name)) stale.push(name);
  return stale;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function parseStrict(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string' }, check: { type: 'boolean' } },
    });
  } catch (err) {
    throw new GatehoundError('USAGE', (err as Error).message);
  }
}
