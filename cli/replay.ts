import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { incidentsFrom } from '../alerting/index.js';
import { detectorRegistry, OfflineDetector, signatureScanner } from '../detectors/index.js';
import { loadConfig } from '../infra/config.js';
import { GatehoundError } from '../infra/errors.js';
import { createRuntime } from '../infra/runtime.js';
import { logFormat, ProgressReporter, replay, summary } from '../ingest/index.js';
import type { Config } from '../schemas/config.js';
import { incidentCounts, incidentTable } from './replay-report.js';

const USAGE = `usage: gatehound replay <file|-> --format jsonl|nginx|kong [options]

  Normalises a log to RequestEvent v1, redacts it and produces it to the requests topic
  (Kafka when GATEHOUND_KAFKA_BROKERS is set). Bad lines go to the dead-letter topic.
  With --detect, or when no Kafka is configured, the detectors score the log in this process
  instead and the incidents they would open are printed; nothing is produced.

  --format F         jsonl (RequestEvent v1), nginx (combined, a --log-format, or JSON lines), kong
  --log-format STR   nginx: the log_format the file was written with (default: combined)
  --key-field NAME   nginx: the variable or JSON key that holds the API key or Authorization header
  --file FILE        gatehound configuration (YAML)
  --detect           score the log here and print the incidents (the default without Kafka)
  --json             with --detect: one JSON object on stdout {replay, findings, incidents}
  --findings FILE    with --detect: also write every finding to FILE as JSON Lines
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
  const config = loadConfig({ file: values.file ?? null });
  const detect = values.detect || config.kafka.brokers === null;
  if (!detect && (values.json || values.findings))
    throw new GatehoundError('USAGE', `--json and --findings need --detect\n\n${USAGE}`);
  // Scoring here needs no Kafka: the embedded bus only carries the dead letters.
  const rt = createRuntime(detect ? { ...config, kafka: { ...config.kafka, brokers: null } } : config);
  const progress = values['no-progress'] || values.json ? null : new ProgressReporter(process.stderr);
  const detector = detect ? offlineDetector(config) : null;
  try {
    await rt.bus.ensureTopics();
    const result = await replay(rt, {
      input: source === '-' ? process.stdin : createReadStream(source, { highWaterMark: 1024 * 1024 }),
      source,
      format,
      totalBytes,
      onProgress: progress ? (p) => progress.update(p) : undefined,
      parserThread: !detector,
      sink: detector
        ? async (events) => {
            for (const e of events) detector.observe(e);
          }
        : undefined,
    });
    if (progress) progress.finish(result, rt.config.kafka.topics.dlq);
    else if (!values.json) process.stderr.write(`${summary(result, rt.config.kafka.topics.dlq)}\n`);
    if (detector) {
      const findings = detector.findings();
      const incidents = incidentsFrom(findings, config.alerting.quietMs);
      if (values.findings)
        writeFileSync(values.findings, findings.map((f) => `${JSON.stringify(f)}\n`).join(''));
      if (values.json)
        process.stdout.write(`${JSON.stringify({ replay: result, findings: findings.length, incidents })}\n`);
      else
        process.stdout.write(`${incidentCounts(incidents, findings.length)}\n${incidentTable(incidents)}\n`);
    }
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
      detect: { type: 'boolean' },
      json: { type: 'boolean' },
      findings: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The detect role's detectors, partitioned as on Kafka, with the configured signature pack. */
function offlineDetector(config: Config): OfflineDetector {
  const specs = detectorRegistry(signatureScanner(config.detectors.injection));
  return new OfflineDetector(specs, config.detectors, config.kafka.partitions);
}
