import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { certify, patternHash } from '../detectors/signatures/certify.js';
import { type Evaluation, evaluate, type Rates, type Scored } from '../detectors/signatures/evaluate.js';
import {
  ANY_TEXT_PLACES,
  loadPack,
  scan,
  THRESHOLD,
  WHERE_PLACES,
  type Where,
} from '../detectors/signatures/index.js';
import {
  builtinPackDir,
  CERTIFICATE_FILE,
  type Certificate,
  parsePackText,
  readCertificate,
} from '../detectors/signatures/pack.js';
import { GatehoundError } from '../infra/errors.js';

const USAGE =
  'usage: gatehound signatures test <file.jsonl|-> [--json] [--pack <file|dir>] [--replace] ' +
  '[--where prompt|path|query|user-agent|auto] [--threshold <0..1>]\n' +
  '       gatehound signatures certify [--write] [--all | --retry] [--timeout <ms>]';

/** One labelled line; other fields (source, ...) are ignored. */
const Line = z.object({
  text: z.string(),
  label: z.union([z.literal(0), z.literal(1)]),
  category: z.string().optional(),
});

/**
 * `auto`: a line of a labelled file may have been a prompt, a path or a query, so it is scanned as all
 * three, the way the detector scans every part of a request. This is the strictest setting for false
 * positives: prompt text also meets the web-attack signatures. `user-agent` is asked for by name.
 */
const WHERE: Record<string, readonly Where[]> = {
  ...Object.fromEntries(WHERE_PLACES.map((w) => [w, [w]])),
  auto: ANY_TEXT_PLACES,
};
const MAX_REPORTED_BAD_LINES = 20;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        pack: { type: 'string' },
        replace: { type: 'boolean', default: false },
        where: { type: 'string', default: 'auto' },
        threshold: { type: 'string' },
        write: { type: 'boolean', default: false },
        all: { type: 'boolean', default: false },
        retry: { type: 'boolean', default: false },
        timeout: { type: 'string', default: '3000' },
      },
    });
  } catch (err) {
    throw new GatehoundError('USAGE', `${(err as Error).message}\n${USAGE}`);
  }
}

function threshold(value: string | undefined): number {
  if (value === undefined) return THRESHOLD;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1)
    throw new GatehoundError('USAGE', `--threshold: expected a number in (0, 1], got "${value}"`);
  return n;
}

function input(file: string): NodeJS.ReadableStream {
  if (file === '-') return process.stdin;
  if (!fs.existsSync(file)) throw new GatehoundError('USAGE', `${file}: no such file`);
  return fs.createReadStream(file, 'utf8');
}

function percent(rate: number | null): string {
  return rate === null ? '-' : (rate * 100).toFixed(2);
}

function table(result: Evaluation): string {
  const rows: [string, Rates][] = [...Object.entries(result.categories), ['OVERALL', result.overall]];
  const width = Math.max(8, ...rows.map(([name]) => name.length));
  const head = `${'category'.padEnd(width)}  ${['tp', 'fn', 'fp', 'tn'].map((h) => h.padStart(6)).join('')}  ${'TPR %'.padStart(7)}  ${'FPR %'.padStart(7)}`;
  const lines = rows.map(
    ([name, r]) =>
      `${name.padEnd(width)}  ${[r.tp, r.fn, r.fp, r.tn].map((n) => String(n).padStart(6)).join('')}  ${percent(r.tpr).padStart(7)}  ${percent(r.fpr).padStart(7)}`,
  );
  return [head, ...lines].join('\n');
}

/**
 * `gatehound signatures certify`: certifies the built-in pack's patterns with recheck (certify.ts) and
 * prints the verdicts; `--write` stores them as the pack's certificate (`pack/certified.json`), which the
 * pack reads at start-up instead of certifying. Entries of unchanged patterns are kept unless `--all`
 * (certify everything again) or, for those not on V8, `--retry`.
 */
function certifyBuiltin(values: { write: boolean; all: boolean; retry: boolean; timeout: string }): number {
  const timeoutMs = Number(values.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new GatehoundError('USAGE', `--timeout: expected milliseconds, got "${values.timeout}"`);
  const dir = builtinPackDir();
  const previous = readCertificate(dir);
  const next: Certificate = { recheck: RECHECK_VERSION, patterns: {} };
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  for (const f of files)
    for (const s of parsePackText(fs.readFileSync(path.join(dir, f), 'utf8'), f)) {
      const hash = patternHash(s.pattern);
      // Verdicts are kept (the test suite re-checks those for V8); `--retry` tries the others again.
      const prior = previous.patterns[hash];
      const kept = values.all || (values.retry && prior?.engine !== 'v8') ? undefined : prior;
      const verdict = kept ?? { id: s.id, ...certify(s.pattern, timeoutMs) };
      next.patterns[hash] = { ...verdict, id: s.id };
      process.stdout.write(`${verdict.engine}  ${s.id}  ${verdict.reason}${kept ? ' (kept)' : ''}\n`);
    }
  const entries = Object.values(next.patterns);
  process.stdout.write(
    `${entries.filter((e) => e.engine === 'v8').length} of ${entries.length} patterns certified for V8, ` +
      `${entries.filter((e) => e.engine === 'mixed').length} in part\n`,
  );
  if (values.write) fs.writeFileSync(path.join(dir, CERTIFICATE_FILE), `${JSON.stringify(next, null, 2)}\n`);
  return 0;
}

const RECHECK_VERSION = '4.5.0';

/** `gatehound signatures test <file>`: scores a labelled JSON Lines file with the pack and prints TPR/FPR per category. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const [sub, file, ...extra] = positionals;
  if (sub === 'certify' && file === undefined) return certifyBuiltin(values);
  if (sub !== 'test' || file === undefined || extra.length > 0) throw new GatehoundError('USAGE', USAGE);
  const where = WHERE[values.where];
  if (where === undefined)
    throw new GatehoundError('USAGE', `--where: expected prompt, path, query, user-agent or auto\n${USAGE}`);
  if (values.replace && values.pack === undefined)
    throw new GatehoundError('USAGE', `--replace needs --pack\n${USAGE}`);
  const limit = threshold(values.threshold);
  const pack = loadPack(
    values.pack === undefined ? {} : { file: values.pack, mode: values.replace ? 'replace' : 'merge' },
  );

  const scored: Scored[] = [];
  let bad = 0;
  let lineNo = 0;
  for await (const raw of readline.createInterface({
    input: input(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    lineNo++;
    if (raw.trim() === '') continue;
    let record: z.infer<typeof Line>;
    try {
      record = Line.parse(JSON.parse(raw));
    } catch (err) {
      bad++;
      if (bad <= MAX_REPORTED_BAD_LINES) {
        const why =
          err instanceof z.ZodError
            ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
            : 'not valid JSON';
        process.stderr.write(`${file}:${lineNo}: skipped: ${why}\n`);
      }
      continue;
    }
    const { score } = scan(record.text, where, pack);
    scored.push({ label: record.label, category: record.category, flagged: score >= limit });
  }
  if (bad > 0) process.stderr.write(`${file}: ${bad} malformed line(s) skipped, ${scored.length} scored\n`);

  const result = evaluate(scored);
  process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${table(result)}\n`);
  return 0;
}
