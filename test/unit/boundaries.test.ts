import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layout's rules, enforced: data flows one way (schemas <- infra <- stages <- cli), a stage
 * imports another stage only through its index.ts, and no module imports itself in a circle.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const STAGES = ['ingest', 'detectors', 'alerting', 'api', 'simulator', 'demo'];
const LAYER: Record<string, number> = {
  schemas: 0,
  infra: 1,
  ingest: 2,
  detectors: 2,
  alerting: 2,
  api: 2,
  simulator: 2,
  demo: 3,
};

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Relative imports of a file; `runtime` leaves out `import type`, which is erased and cannot form a cycle. */
function imports(file: string, runtime = false): string[] {
  const text = readFileSync(file, 'utf8');
  const statements = [...text.matchAll(/(?:^|\n)\s*((?:import|export)[^;]*?from\s+'(\.[^']+)')/g)];
  const dynamic = [...text.matchAll(/import\('(\.[^']+)'\)/g)].map((m) => m[1]!);
  const specs = statements.filter((m) => !(runtime && /^import\s+type\b/.test(m[1]!))).map((m) => m[2]!);
  return [...specs, ...dynamic].map((spec) => resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
}

const top = (file: string) => relative(root, file).split('/')[0]!;
const files = Object.keys(LAYER).flatMap((d) => {
  try {
    return sources(join(root, d));
  } catch {
    return [];
  }
});

describe('module boundaries', () => {
  it('imports point down the layers only: schemas <- infra <- stages', () => {
    const wrong: string[] = [];
    for (const file of files) {
      for (const target of imports(file)) {
        const from = top(file);
        const to = top(target);
        if (!(to in LAYER) || from === to) continue;
        if (LAYER[to]! > LAYER[from]! || (LAYER[to] === LAYER[from] && !STAGES.includes(to)))
          wrong.push(`${relative(root, file)} -> ${relative(root, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("a stage reaches another stage only through that stage's index.ts", () => {
    const deep: string[] = [];
    for (const file of files) {
      for (const target of imports(file)) {
        const from = top(file);
        const to = top(target);
        if (
          from !== to &&
          STAGES.includes(from) &&
          STAGES.includes(to) &&
          relative(root, target) !== `${to}/index.ts`
        ) {
          deep.push(`${relative(root, file)} -> ${relative(root, target)}`);
        }
      }
    }
    expect(deep).toEqual([]);
  });

  it('has no circular imports', () => {
    const graph = new Map(files.map((f) => [f, imports(f, true).filter((t) => files.includes(t))]));
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(root, p)).join(' -> '));
        return;
      }
      state.set(f, 'visiting');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
