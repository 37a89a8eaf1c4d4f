/**
 * Throughput of the signature matcher: scan() over ~2 KB prompts, one core, several runs, JSON out.
 * Prompts are benign development-set prompts joined to 2 KB (the common case: most traffic is benign),
 * the same cut to 100 characters, and a set that mixes in attacks. Setup (loading the pack, building prompts, warm-up) is not measured.
 *
 *   npm run build && node dist/bench/signatures.js [--runs 5]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ANY_TEXT_PLACES, builtinPack, scan, type Where } from '../detectors/signatures/index.js';

const SIZE = 2048;
const COUNT = 2000;
/** Short prompts: benign texts joined or cut to this length. */
const SHORT = 100;

function prompts(label: 0 | 1 | null, size = SIZE): string[] {
  // ../shared/data beside the working tree, seen from bench/ (source) or dist/bench/ (built).
  const file = ['../../shared/data/injection-dev.jsonl', '../../../shared/data/injection-dev.jsonl']
    .map((p) => new URL(p, import.meta.url))
    .find((url) => fs.existsSync(url));
  if (file === undefined) throw new Error('injection-dev.jsonl not found in ../shared/data');
  const texts = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { text: string; label: 0 | 1 })
    .filter((r) => label === null || r.label === label)
    .map((r) => r.text);
  const out: string[] = [];
  let current = '';
  for (let i = 0; out.length < COUNT; i = (i + 1) % texts.length) {
    current += `${current ? '\n' : ''}${texts[i]}`;
    if (current.length >= size) {
      out.push(current.slice(0, size));
      current = '';
    }
  }
  return out;
}

function measure(set: string[], where: Where | readonly Where[], runs: number) {
  const pack = builtinPack();
  for (const text of set.slice(0, 200)) scan(text, where, pack);
  const perPrompt: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    for (const text of set) scan(text, where, pack);
    perPrompt.push(Number(process.hrtime.bigint() - started) / 1000 / set.length);
  }
  perPrompt.sort((a, b) => a - b);
  const median = perPrompt[Math.floor(perPrompt.length / 2)] as number;
  return {
    runs,
    usPerPrompt: perPrompt.map((us) => Math.round(us * 10) / 10),
    medianUs: Math.round(median * 10) / 10,
    promptsPerSecond: Math.round(1e6 / median),
  };
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const benign = prompts(0);
const mixed = prompts(null);
const short = prompts(0, SHORT);
const engines = builtinPack().signatures.reduce<Record<string, number>>((n, s) => {
  n[s.engine] = (n[s.engine] ?? 0) + 1;
  return n;
}, {});
const result = {
  bench: 'signatures.scan',
  promptChars: SIZE,
  prompts: COUNT,
  node: process.version,
  engines,
  benignPrompt: measure(benign, 'prompt', runs),
  benignShortPrompt: { promptChars: SHORT, ...measure(short, 'prompt', runs) },
  benignAllPlaces: measure(benign, ANY_TEXT_PLACES, runs),
  mixedPrompt: measure(mixed, 'prompt', runs),
};
console.log(JSON.stringify(result, null, 2));
