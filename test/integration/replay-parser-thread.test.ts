import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { type Bus, createKafkaBus, MemoryBus } from '../../infra/bus/index.js';
import { createLogger } from '../../infra/logger.js';
import { Metrics } from '../../infra/metrics.js';
import { createRuntime } from '../../infra/runtime.js';
import { logFormat, replay } from '../../ingest/index.js';
import { Config } from '../../schemas/config.js';
import { DeadLetter } from '../../schemas/dead-letter.js';
import { stackConfig } from '../helpers/stack-config.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

const SECRET = 'parser-thread-secret-0123456789';
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const LOG_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_authorization"';
const LINES = 30_000;

/** Lines of every kind a log holds, long enough for several 1 MB reads, so lines straddle reads. */
function accessLog(): string {
  const out: string[] = [];
  for (let i = 0; i < LINES; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const sec = String(i % 60).padStart(2, '0');
    if (i % 997 === 0) out.push(`garbage line ${i} that is not in the format`);
    else if (i % 1009 === 0) out.push('');
    else
      out.push(
        `${ip} - - [30/Nov/2026:12:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${sec} +0000] ` +
          `"POST /v1/chat/completions?user=u${i}@example.com HTTP/1.1" ${i % 13 === 0 ? 401 : 200} ${400 + i} ` +
          `"-" "agent-é-${i % 7}" "Bearer sk-live-${String(i).padStart(6, '0')}abcdefghijklmnop"${i % 5 === 0 ? '\r' : ''}`,
      );
  }
  return `${out.join('\n')}\n`;
}

/** Every message of a topic, as text. */
async function readAll(bus: Bus, topic: string, count: number): Promise<string[]> {
  const out: string[] = [];
  const sub = await bus.consume({
    groupId: uniqueName('parser-thread-read'),
    topics: [topic],
    fromBeginning: true,
    onBatch: async (b) => {
      for (const m of b.messages) out.push(m.value!.toString());
    },
  });
  await waitFor(`${count} messages on ${topic}`, () => out.length >= count, 60_000);
  await sub.stop();
  return out;
}

describe('gatehound replay reads the lines in a parser thread', () => {
  it('and writes the same events and dead letters, byte for byte, as reading them in the replaying thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehound-parser-thread-'));
    const file = join(dir, 'access.log');
    writeFileSync(file, accessLog());
    const input = stackConfig(uniqueName('parser-thread'), inject('kafkaBrokers'), null, {
      keyIdSecret: SECRET,
      gateway: { id: 'parser-thread-it' },
    });
    const config = Config.parse(input);
    const format = logFormat('nginx', { logFormat: LOG_FORMAT, keyField: 'http_authorization' });

    // The reference: read in this thread onto the in-process bus.
    const memory = new MemoryBus(config.kafka);
    await memory.ensureTopics();
    const local = createRuntime(config, { bus: memory, metrics: new Metrics() });
    const expected = await replay(local, { input: createReadStream(file), source: file, format });
    expect(expected.rejected).toBe(Math.ceil(LINES / 997));

    const configFile = join(dir, 'gatehound.yaml');
    writeFileSync(configFile, JSON.stringify(input));
    const res = spawnSync(
      process.execPath,
      [
        cli,
        'replay',
        file,
        '--format',
        'nginx',
        '--log-format',
        LOG_FORMAT,
        '--key-field',
        'http_authorization',
        '--file',
        configFile,
        '--no-progress',
      ],
      { env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 120_000 },
    );
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toContain(
      `read ${expected.read.toLocaleString('en-US')} lines, produced ${expected.produced.toLocaleString('en-US')}, rejected ${expected.rejected}`,
    );

    const kafka = createKafkaBus(config.kafka, createLogger({ level: 'error' }));
    try {
      const { requests, dlq } = config.kafka.topics;
      const [events, letters] = await Promise.all([
        readAll(kafka, requests, expected.produced),
        readAll(kafka, dlq, expected.rejected),
      ]);
      const [refEvents, refLetters] = await Promise.all([
        readAll(memory, requests, expected.produced),
        readAll(memory, dlq, expected.rejected),
      ]);
      expect(events.sort()).toEqual(refEvents.sort());
      // Dead letters carry the time they were written: compare what they say of the line.
      const said = (texts: string[]) =>
        texts
          .map((t) => DeadLetter.parse(JSON.parse(t)))
          .map((d) => `${d.source.line} ${d.code} ${d.reason} ${d.payload}`)
          .sort();
      expect(said(letters)).toEqual(said(refLetters));
      const text = events.join('\n');
      expect(text).not.toContain('sk-live-');
      expect(text).not.toContain('@example.com');
    } finally {
      await Promise.all([kafka.close(), memory.close()]);
    }
  }, 180_000);
});
