/**
 * Leave-source-out figure of the signature pack on injection-dev: the rates on the sources the pack was
 * not tuned on, a stand-in for the graded held-out set (built from other repositories). A signature
 * written from one source's misses should move these rates, not only that source's.
 *
 *   npm run build && node dist/bench/leave-source-out.js [file.jsonl] [--json]
 *
 * Scans every line as prompt, path and query, as `gatehound signatures test --where auto` does.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { evaluate, type Scored } from '../detectors/signatures/evaluate.js';
import { ANY_TEXT_PLACES, builtinPack, scan, THRESHOLD } from '../detectors/signatures/index.js';

/** Sources the pack was never tuned on (detectors/signatures/README.md, "Leave-source-out check"). */
const HELD_OUT = new Set([
  'NVIDIA/garak',
  'sherdencooper/GPTFuzz',
  'mik0w/pallms',
  'utkusen/promptmap',
  'whylabs/langkit',
  'TakSec/Prompt-Injection-Everywhere',
  'lm-sys/arena-hard-auto',
  'lm-sys/FastChat',
  'yizhongw/self-instruct',
  'leolee99/InjecGuard',
  'deepmind/AQuA',
]);

interface Line {
  text: string;
  label: 0 | 1;
  source: string;
  category: string;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: 'boolean', default: false } },
});
const file = positionals[0] ?? new URL('../../../shared/data/injection-dev.jsonl', import.meta.url);
const pack = builtinPack();
const lines = fs
  .readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Line);

const bySource = new Map<string, Scored[]>();
for (const line of lines) {
  const flagged = scan(line.text, ANY_TEXT_PLACES, pack).score >= THRESHOLD;
  const scored = bySource.get(line.source) ?? [];
  scored.push({ label: line.label, category: line.category, flagged });
  bySource.set(line.source, scored);
}
const pick = (heldOut: boolean) =>
  [...bySource].filter(([source]) => HELD_OUT.has(source) === heldOut).flatMap(([, s]) => s);
const result = {
  heldOut: evaluate(pick(true)),
  tuned: evaluate(pick(false)),
  sources: Object.fromEntries([...bySource].sort().map(([source, s]) => [source, evaluate(s).overall])),
};

const rate = (x: number | null) => (x === null ? '    -' : x.toFixed(3));
if (values.json) console.log(JSON.stringify(result));
else {
  for (const [name, e] of [
    ['held-out sources', result.heldOut],
    ['tuned sources', result.tuned],
  ] as const) {
    const o = e.overall;
    console.log(
      `${name}: TPR ${rate(o.tpr)} (${o.tp}/${o.tp + o.fn})  FPR ${rate(o.fpr)} (${o.fp}/${o.fp + o.tn})`,
    );
  }
  console.log('\nheld-out by category');
  for (const [category, r] of Object.entries(result.heldOut.categories))
    console.log(
      `  ${category.padEnd(24)} TPR ${rate(r.tpr)}  FPR ${rate(r.fpr)}  tp ${r.tp} fn ${r.fn} fp ${r.fp}`,
    );
  console.log('\nby source');
  for (const [source, r] of Object.entries(result.sources))
    console.log(
      `  ${HELD_OUT.has(source) ? '*' : ' '} ${source.padEnd(64)} TPR ${rate(r.tpr)}  FPR ${rate(r.fpr)}  fn ${r.fn} fp ${r.fp}`,
    );
  console.log('\n* held out');
}
