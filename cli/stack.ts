import { parseArgs } from 'node:util';
import { GatehoundError } from '../infra/errors.js';
import type { StackOptions } from '../infra/stack/index.js';
import { parsePort } from '../infra/stack/paths.js';

const USAGE = `usage: gatehound stack <up|down|status> [options]

  up       start a local single-node Kafka and OpenSearch (or find them running) and wait until healthy;
           prints GATEHOUND_KAFKA_BROKERS=… and GATEHOUND_OPENSEARCH_URL=… on stdout
  down     stop what \`stack up\` started for this state dir, and nothing else
  status   one line per component; exit 0 when both are healthy, 1 otherwise

options:
  --kafka-port N        Kafka listener port (default 9092, env GATEHOUND_STACK_KAFKA_PORT; controller: N+1)
  --opensearch-port N   OpenSearch HTTP port (default 9200, env GATEHOUND_STACK_OPENSEARCH_PORT; transport: N+100)
  --state-dir DIR       pid files, configs, data, logs (default ./.gatehound/stack, env GATEHOUND_STACK_DIR)
  --mode M              auto (default: docker when a Docker engine runs, else jvm) | jvm | docker
  --json                machine-readable output (up, status)
  -h, --help            this text
`;

const MODES = ['auto', 'jvm', 'docker'] as const;

function fail(message: string): never {
  throw new GatehoundError('USAGE', `${message}\n\n${USAGE}`);
}

function progress(line: string): void {
  process.stderr.write(`gatehound stack: ${line}\n`);
}

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    if (err instanceof GatehoundError) throw err;
    fail((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [sub, ...extra] = positionals;
  if (!sub) fail('missing subcommand');
  if (extra.length > 0) fail(`unexpected argument "${extra[0]}"`);

  const mode = values.mode ?? 'auto';
  if (!(MODES as readonly string[]).includes(mode))
    fail(`--mode must be one of ${MODES.join(', ')}, got "${mode}"`);
  const port = (v: string | undefined, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    try {
      return parsePort(v, flag);
    } catch (err) {
      fail((err as Error).message);
    }
  };
  // Unset options stay undefined, so env settings and the running stack's recorded ports apply.
  const options: StackOptions = {
    kafkaPort: port(values['kafka-port'], '--kafka-port'),
    opensearchPort: port(values['opensearch-port'], '--opensearch-port'),
    stateDir: values['state-dir'],
    mode: mode as (typeof MODES)[number],
    log: progress,
  };

  // Loaded here so that `gatehound stack --help` does not load kafkajs.
  const stack = await import('../infra/stack/index.js');
  switch (sub) {
    case 'up': {
      const t0 = Date.now();
      const info = await stack.stackUp(options);
      progress(`up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${info.mode}; logs in ${info.logsDir})`);
      if (values.json) process.stdout.write(`${JSON.stringify(info)}\n`);
      else {
        process.stdout.write(
          `GATEHOUND_KAFKA_BROKERS=${info.kafkaBrokers}\nGATEHOUND_OPENSEARCH_URL=${info.opensearchUrl}\n`,
        );
      }
      return 0;
    }
    case 'down':
      if (values.json) fail('--json applies to up and status');
      await stack.stackDown(options);
      progress('down');
      return 0;
    case 'status': {
      const status = await stack.stackStatus(options);
      if (values.json) process.stdout.write(`${JSON.stringify(status)}\n`);
      else {
        for (const [name, s] of Object.entries(status)) {
          const pid = s.pid === undefined ? '' : ` pid ${s.pid}`;
          process.stdout.write(`${name.padEnd(10)} ${s.state.padEnd(9)}${pid}  ${s.detail}\n`);
        }
      }
      return status.kafka.state === 'healthy' && status.opensearch.state === 'healthy' ? 0 : 1;
    }
    default:
      fail(`unknown subcommand "${sub}"`);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'kafka-port': { type: 'string' },
      'opensearch-port': { type: 'string' },
      'state-dir': { type: 'string' },
      mode: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
