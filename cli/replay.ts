import { createReadStream, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../infra/config.js';
import { GatehoundError } from '../infra/errors.js';
import { createRuntime } from '../infra/runtime.js';
import { logFormat, ProgressReporter, replay, summary } from '../ingest/index.js';

const USAGE = `usage: gatehound replay <file|-> --format jsonl|nginx|kong [options]

  Normalises a log to RequestEvent v1, redacts it and produces it to the requests topic
  (Kafka when GATEHOUND_KAFKA_BROKERS is set). Bad lines go to the dead-letter topic.

  --format F         jsonl (RequestEvent v1), nginx (combined, a --log-format, or JSON lines), kong
  --log-format STR   nginx: the log_format the file was written with (default: combined)
  --key-field NAME   nginx: the variable or JSON key that holds the API key or Authorization header
  --file FILE        gatehound configuration (YAML)
  --no-progress      no progress output, only the summary
  -h, --help         this text
`;

/** \`gatehound replay <file|-> --format …\`: wiring only; the work is ingest's replay(). */
export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new GatehoundError('USAGE', `${(err as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1)
    throw new GatehoundError('USAGE', `expected one input file or "-"\n\n${USAGE}`);
  if (!values.format) throw new GatehoundError('USAGE', `--format is required\n\n${USAGE}`);
  const format = logFormat(values.format, {
    logFormat: values['log-format'],
    keyField: values['key-field'] ?? null,
  });
  const source = positionals[0]!;
  let totalBytes: number | null = null;
  if (source !== '-') {
    try {
      totalBytes = statSync(source).size;
    } catch (err) {
      throw new GatehoundError('USAGE', `cannot read ${source} (${(err as NodeJS.ErrnoException).code})`);
    }
  }
  const rt = createRuntime(loadConfig({ file: values.file ?? null }));
  const progress = values['no-progress'] ? null : new ProgressReporter(process.stderr);
  try {
    await rt.bus.ensureTopics();
    const result = await replay(rt, {
      input: source === '-' ? process.stdin : createReadStream(source, { highWaterMark: 1024 * 1024 }),
      source,
      format,
      totalBytes,
      onProgress: progress ? (p) => progress.update(p) : undefined,
    });
    if (progress) progress.finish(result, rt.config.kafka.topics.dlq);
    else process.stderr.write(`${summary(result, rt.config.kafka.topics.dlq)}\n`);
    if (rt.bus.kind === 'memory')
      process.stderr.write(
        "replay: no GATEHOUND_KAFKA_BROKERS, so the events went to this process's embedded bus and end with it\n",
      );
    return 0;
  } finally {
    await Promise.allSettled([rt.bus.close(), rt.store.close()]);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      'log-format': { type: 'string' },
      'key-field': { type: 'string' },
      file: { type: 'string' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
