import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, createWriteStream, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { redactEvent } from '../../ingest/event-builder.js';
import type { RequestEvent } from '../../schemas/request-event.js';
import type { Roles } from './roles.js';

/** The simulator's default run (200 users) writes about 48,000 events an hour in the daytime. */
const EVENTS_PER_HOUR = 47_000;

/**
 * Writes the first `count` events of a seeded `gatehound simulate` run long enough to hold them.
 * Nights are quieter, so a run of a day or more may hold fewer than the daytime rate suggests: it is
 * simulated again twice as long until it holds them, and never comes back short.
 */
export async function simulatedFile(roles: Roles, count: number): Promise<string> {
  const full = join(roles.dir, 'simulated.jsonl');
  const file = join(roles.dir, 'events.jsonl');
  for (let hours = Math.ceil(count / EVENTS_PER_HOUR) + 1; ; hours *= 2) {
    const sim = spawnSync(
      process.execPath,
      [roles.cli, 'simulate', '--hours', String(hours), '--out', full],
      {
        stdio: 'ignore',
      },
    );
    if (sim.status !== 0) throw new Error(`simulate exited with ${sim.status}`);
    const out = createWriteStream(file);
    let n = 0;
    for await (const line of createInterface({ input: createReadStream(full) })) {
      if (n === count) break;
      n++;
      if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    if (n === count) return file;
  }
}

/**
 * The file's events parsed and redacted as `replay --format jsonl` does: what the topic holds. Read
 * in chunks, since a million events are more than one string can hold.
 */
export function* eventsOf(file: string): Generator<RequestEvent> {
  const fd = openSync(file, 'r');
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
      const lines = (rest + decoder.write(chunk.subarray(0, n))).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line !== '') yield redactEvent(JSON.parse(line) as RequestEvent);
    }
    if (rest !== '') yield redactEvent(JSON.parse(rest) as RequestEvent);
  } finally {
    closeSync(fd);
  }
}
