import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Every benchmark writes `bench/results/<name>.json`: `{machine, metrics: {<name>: {median, min, max, unit}}}`. */
export function writeResults(name: string, result: unknown): void {
  const out = resolve(process.cwd(), 'bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
