import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../infra/bus/memory.js';
import { Metrics } from '../infra/metrics.js';
import { createRuntime } from '../infra/runtime.js';
import { Config } from '../schemas/config.js';
import { DeadLetter } from '../schemas/dead-letter.js';
import { RequestEvent } from '../schemas/request-event.js';
import { logFormat } from './log-formats/index.js';
import { progressBar, progressLine, summary } from './progress.js';
import { replay } from './replay.js';

const GOOD = '203.0.113.7 - - [10/Oct/2026:13:55:36 -0700] "GET /v1/models HTTP/1.1" 200 12 "-" "curl/8"';

async function run(lines: string[], chunkSize = 7) {
  const config = Config.parse({ keyIdSecret: 'replay-unit-secret-0123456789' });
  const bus = new MemoryBus(config.kafka);
  await bus.ensureTopics();
  const runtime = createRuntime(config, { bus, metrics: new Metrics() });
  const text = lines.join('\n');
  // Small chunks, so lines are split across reads.
  const chunks = Array.from({ length: Math.ceil(text.length / chunkSize) }, (_, i) =>
    Buffer.from(text.slice(i * chunkSize, (i + 1) * chunkSize)),
  );
  const progress: number[] = [];
  const result = await replay(runtime, {
    input: Readable.from(chunks),
    source: 'access.log',
    format: logFormat('nginx'),
    batchSize: 3,
    onProgress: (p) => progress.push(p.read),
    progressIntervalMs: 0,
  });
  const read = async (topic: string) => {
    const out: string[] = [];
    const sub = await bus.tail({ topic, onMessage: (m) => void out.push(m.value!.toString()) });
    await new Promise((r) => setTimeout(r, 100));
    await sub.stop();
    return out;
  };
  const events = (await read(config.kafka.topics.requests)).map((v) => RequestEvent.parse(JSON.parse(v)));
  const dead = (await read(config.kafka.topics.dlq)).map((v) => DeadLetter.parse(JSON.parse(v)));
  await bus.close();
  return { result, events, dead, progress };
}

describe('replay', () => {
  it('produces every good line, dead-letters every bad one with its line number, and never stops', async () => {
    const lines = [
      GOOD,
      'this is not a log line',
      '',
      GOOD.replace('200', '404'),
      '{"broken json',
      GOOD,
      GOOD,
      GOOD,
    ];
    const { result, events, dead, progress } = await run(lines);
    expect(result).toMatchObject({ read: 7, produced: 5, rejected: 2, done: true });
    expect(events.map((e) => e.http.status)).toEqual([200, 404, 200, 200, 200]);
    expect(new Set(events.map((e) => e.id)).size).toBe(5);
    expect(dead.map((d) => [d.source.file, d.source.line, d.code, d.stage])).toEqual([
      ['access.log', 2, 'EVENT_UNPARSABLE', 'replay'],
      ['access.log', 5, 'EVENT_UNPARSABLE', 'replay'],
    ]);
    expect(dead[0]!.payload).toBe('this is not a log line');
    expect(dead[0]!.reason).toMatch(/not in the log format/);
    expect(progress.at(-1)).toBe(7);
  });

  it('gives the same ids when the same file is replayed again', async () => {
    const a = await run([GOOD, GOOD]);
    const b = await run([GOOD, GOOD], 3);
    expect(a.events.map((e) => e.id)).toEqual(b.events.map((e) => e.id));
  });

  it('reads CRLF lines and a last line without a newline', async () => {
    const { result } = await run([`${GOOD}\r`, GOOD]);
    expect(result).toMatchObject({ read: 2, produced: 2, rejected: 0 });
  });

  it('renders progress for terminals and pipes, and a summary', () => {
    const p = {
      read: 50_000,
      produced: 49_990,
      rejected: 10,
      bytes: 5_000_000,
      totalBytes: 10_000_000,
      elapsedMs: 500,
      done: false,
    };
    expect(progressBar(p)).toBe(
      '[############------------]  50%  50,000 lines  49,990 produced  10 rejected  100,000 lines/s  ETA 0:01',
    );
    expect(progressLine(p)).toBe(
      'replay: 50,000 lines read (50%), 49,990 produced, 10 rejected, 100,000 lines/s',
    );
    expect(summary({ ...p, done: true }, 'gatehound.dlq.v1')).toBe(
      'replay: read 50,000 lines, produced 49,990, rejected 10 (dead-lettered to gatehound.dlq.v1) in 0.5 s (100,000 lines/s)',
    );
  });
});
