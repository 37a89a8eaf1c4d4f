/**
 * `npm run eval`: detection quality on the project's own simulator (precision, recall and
 * time-to-detect per attack type), and the injection pack's rates on the development sets.
 * Prints a table and writes bench/results/eval.json.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluateScenarios } from '../detectors/eval-run.js';
import { writeResults } from './results.js';

const seeds = (process.env.EVAL_SEEDS ?? '42,7,1234').split(',').map(Number);
const result = evaluateScenarios(seeds, devSet);

function devSet(name: string): { text: string; label: number; category?: string }[] | null {
  try {
    // The development sets live in ../shared/data beside the clone (see its SOURCES.md).
    const dir = process.env.EVAL_DATA_DIR ?? resolve(process.cwd(), '../shared/data');
    return readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    return null;
  }
}

const pct = (x: number | null) => (x === null ? '   -  ' : `${(100 * x).toFixed(1).padStart(5)}%`);
console.log(
  `detection on the simulator (seeds ${seeds.join(', ')}; ${result.events} events, ${result.attacks} attacks)`,
);
console.log('type                 attacks  detected  alerts  precision  recall  median TTD');
for (const [type, s] of Object.entries(result.detection)) {
  console.log(
    `${type.padEnd(20)} ${String(s.attacks).padStart(7)} ${String(s.detected).padStart(9)} ${String(s.alerts).padStart(7)}   ${pct(s.precision)}  ${pct(s.recall)}  ${s.medianTimeToDetectS === null ? '-' : `${s.medianTimeToDetectS.toFixed(0)} s`}`,
  );
}
for (const [file, r] of Object.entries(result.signatures)) {
  console.log(
    `injection pack on ${file}: TPR ${pct(r.tpr)}  FPR ${pct(r.fpr)}  (tp ${r.tp}, fp ${r.fp}, tn ${r.tn}, fn ${r.fn})`,
  );
}
writeResults('eval', result);
