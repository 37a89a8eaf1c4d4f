import { createWriteStream, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GatehoundError } from '../infra/errors.js';
import { DEFAULT_SIMULATION, simulate } from '../simulator/index.js';

const USAGE =
  'usage: gatehound simulate [--seed 42] [--hours 4] [--users 200] [--attacks 20] [--start ISO] [--out events.jsonl|-] [--truth truth.json]';

/** `gatehound simulate`: seeded, labelled RequestEvents (JSON Lines) and their ground truth. */
export async function run(argv: string[]): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        seed: { type: 'string' },
        hours: { type: 'string' },
        users: { type: 'string' },
        attacks: { type: 'string' },
        start: { type: 'string' },
        out: { type: 'string' },
        truth: { type: 'string' },
      },
    }).values;
  } catch (err) {
    throw new GatehoundError('USAGE', `${(err as Error).message}\n${USAGE}`);
  }
  const num = (name: string, fallback: number, min: number, max: number) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new GatehoundError(
        'USAGE',
        `--${name} must be a number from ${min} to ${max}, got "${raw}"\n${USAGE}`,
      );
    return n;
  };
  const start = values.start ?? DEFAULT_SIMULATION.start;
  if (Number.isNaN(Date.parse(start)))
    throw new GatehoundError('USAGE', `--start must be an ISO date-time, got "${start}"`);
  const { events, truth } = simulate({
    seed: Math.trunc(num('seed', DEFAULT_SIMULATION.seed, 0, 2 ** 32 - 1)),
    hours: num('hours', DEFAULT_SIMULATION.hours, 0.5, 24 * 14),
    users: Math.trunc(num('users', DEFAULT_SIMULATION.users, 1, 100_000)),
    attacksPerType: Math.trunc(num('attacks', DEFAULT_SIMULATION.attacksPerType, 0, 10_000)),
    start,
  });
  const out = values.out ?? '-';
  const stream: NodeJS.WritableStream = out === '-' ? process.stdout : createWriteStream(out);
  for (const e of events) {
    if (!stream.write(`${JSON.stringify(e)}\n`)) await new Promise((r) => stream.once('drain', r));
  }
  if (stream !== process.stdout) await new Promise<void>((r) => stream.end(() => r()));
  if (values.truth) writeFileSync(values.truth, `${JSON.stringify(truth, null, 2)}\n`);
  process.stderr.write(
    `simulate: ${events.length} events, ${truth.attacks.length} attacks${values.truth ? ` (truth in ${values.truth})` : ''}\n`,
  );
  return 0;
}
