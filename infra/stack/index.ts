import fs from 'node:fs';
import { GatehoundError } from '../errors.js';
import { composeDown, composeLogsHint, composeRunning, composeUp, dockerEngineRunning } from './docker.js';
import {
  describePortOwner,
  type Probe,
  portFree,
  probeKafka,
  probeOpenSearch,
  waitHealthy,
} from './health.js';
import { kafkaNeedles, prepareKafka, spawnKafka } from './kafka.js';
import { withStateLock } from './lock.js';
import { opensearchLogFile, opensearchNeedles, prepareOpenSearch, spawnOpenSearch } from './opensearch.js';
import { resolveStackPaths, resolveStateDir, type StackPaths } from './paths.js';
import {
  findProcesses,
  isAlive,
  locate,
  removePidFile,
  stopProcess,
  tailFile,
  writePidFile,
} from './processes.js';

export { resolveStackPaths, type StackPaths } from './paths.js';

export interface StackOptions {
  /** Default 9092, or GATEHOUND_STACK_KAFKA_PORT. The KRaft controller listens on this + 1. */
  kafkaPort?: number;
  /** Default 9200, or GATEHOUND_STACK_OPENSEARCH_PORT. The transport port is this + 100. */
  opensearchPort?: number;
  /** Default `./.gatehound/stack`, or GATEHOUND_STACK_DIR. */
  stateDir?: string;
  /** auto (default): docker when a Docker engine answers, else jvm. */
  mode?: 'auto' | 'jvm' | 'docker';
  /** Progress lines (fetching, starting, waiting). Default: silent. */
  log?: (line: string) => void;
  /** Artifact cache; default GATEHOUND_STACK_CACHE, $XDG_CACHE_HOME/gatehound or ~/.cache/gatehound. */
  cacheDir?: string;
  kafkaControllerPort?: number;
  opensearchTransportPort?: number;
  /** How long `stackUp` waits for each component to become healthy. Default 120 s / 240 s. */
  startTimeoutMs?: number;
}

export interface StackInfo {
  mode: 'jvm' | 'docker';
  /** e.g. "127.0.0.1:9092" */
  kafkaBrokers: string;
  /** e.g. "http://127.0.0.1:9200" */
  opensearchUrl: string;
  logsDir: string;
}

export type ComponentName = 'kafka' | 'opensearch';

export interface ComponentStatus {
  state: 'healthy' | 'unhealthy' | 'stopped';
  pid?: number;
  detail: string;
}

/** What `<stateDir>/stack.json` remembers about the running stack. */
interface StackRecord {
  mode: 'jvm' | 'docker';
  kafkaPort: number;
  kafkaControllerPort: number;
  opensearchPort: number;
  opensearchTransportPort: number;
  startedAt: string;
}

const KAFKA_START_TIMEOUT_MS = 120_000;
const OPENSEARCH_START_TIMEOUT_MS = 240_000;
const KAFKA_STOP_GRACE_MS = 30_000;
const OPENSEARCH_STOP_GRACE_MS = 30_000;

function readRecord(stateDir: string): StackRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(`${stateDir}/stack.json`, 'utf8')) as StackRecord;
  } catch {
    return undefined;
  }
}

function writeRecord(p: StackPaths, mode: 'jvm' | 'docker'): void {
  const record: StackRecord = {
    mode,
    kafkaPort: p.kafka.port,
    kafkaControllerPort: p.kafka.controllerPort,
    opensearchPort: p.opensearch.port,
    opensearchTransportPort: p.opensearch.transportPort,
    startedAt: new Date().toISOString(),
  };
  fs.writeFileSync(p.stateFile, `${JSON.stringify(record, null, 2)}\n`);
}

function resolve(o: StackOptions): { p: StackPaths; record: StackRecord | undefined } {
  const record = readRecord(resolveStateDir(o.stateDir));
  const p = resolveStackPaths(
    {
      kafkaPort: o.kafkaPort,
      kafkaControllerPort: o.kafkaControllerPort,
      opensearchPort: o.opensearchPort,
      opensearchTransportPort: o.opensearchTransportPort,
      stateDir: o.stateDir,
      cacheDir: o.cacheDir,
    },
    undefined,
    record ?? {},
  );
  return { p, record };
}

function portsOf(p: StackPaths): { kafkaPort: number; opensearchPort: number } {
  return { kafkaPort: p.kafka.port, opensearchPort: p.opensearch.port };
}

function infoOf(p: StackPaths, mode: 'jvm' | 'docker'): StackInfo {
  // Both modes listen (and Kafka advertises) on 127.0.0.1 only.
  const host = '127.0.0.1';
  return {
    mode,
    kafkaBrokers: `${host}:${p.kafka.port}`,
    opensearchUrl: `http://${host}:${p.opensearch.port}`,
    logsDir: p.logsDir,
  };
}

interface Component {
  name: ComponentName;
  pidFile: string;
  needles: string[];
  ports: [label: string, port: number][];
  probe: (timeoutMs?: number) => Promise<Probe>;
  logFiles: string[];
  graceMs: number;
}

function components(p: StackPaths, mode: 'jvm' | 'docker'): Record<ComponentName, Component> {
  const info = infoOf(p, mode);
  return {
    kafka: {
      name: 'kafka',
      pidFile: p.kafka.pidFile,
      needles: kafkaNeedles(p),
      ports: [
        ['kafka', p.kafka.port],
        ['kafka controller', p.kafka.controllerPort],
      ],
      probe: (t) => probeKafka(info.kafkaBrokers, t),
      logFiles: [p.kafka.outFile, p.kafka.logFile],
      graceMs: KAFKA_STOP_GRACE_MS,
    },
    opensearch: {
      name: 'opensearch',
      pidFile: p.opensearch.pidFile,
      needles: opensearchNeedles(p),
      ports: [
        ['opensearch http', p.opensearch.port],
        ['opensearch transport', p.opensearch.transportPort],
      ],
      probe: (t) => probeOpenSearch(info.opensearchUrl, t),
      logFiles: [p.opensearch.outFile, opensearchLogFile(p)],
      graceMs: OPENSEARCH_STOP_GRACE_MS,
    },
  };
}

function startFailed(c: Component, why: string): GatehoundError {
  const tails = c.logFiles.map((f) => `--- last lines of ${f}:\n${tailFile(f, 20)}`).join('\n');
  return new GatehoundError(
    'STACK_START_FAILED',
    `${c.name} did not start: ${why}\nlog files: ${c.logFiles.join(', ')}\n${tails}`,
    {
      details: { component: c.name, logFiles: c.logFiles },
    },
  );
}

async function chooseMode(o: StackOptions, p: StackPaths): Promise<'jvm' | 'docker'> {
  const mode = o.mode ?? 'auto';
  if (mode !== 'auto') return mode;
  // A JVM stack already running in this state dir keeps being used, Docker or not.
  if (jvmRunning(p).length > 0) return 'jvm';
  return (await dockerEngineRunning()) ? 'docker' : 'jvm';
}

/** Components of this state dir that run as JVM processes right now. */
function jvmRunning(p: StackPaths): ComponentName[] {
  const cs = components(p, 'jvm');
  return [cs.kafka, cs.opensearch]
    .filter((c) => locate(c.pidFile, c.needles) !== undefined)
    .map((c) => c.name);
}

/**
 * Starts Kafka and OpenSearch (or finds them running) and waits until both are healthy.
 * Idempotent. On failure, stops whatever this call started and throws STACK_START_FAILED or
 * STACK_ARTIFACT_UNAVAILABLE.
 */
export async function stackUp(o: StackOptions = {}): Promise<StackInfo> {
  const log = o.log ?? (() => {});
  const stateDir = resolveStateDir(o.stateDir);
  return withStateLock(
    stateDir,
    async () => {
      const { p, record } = resolve(o);
      const mode = await chooseMode(o, p);
      fs.mkdirSync(p.logsDir, { recursive: true });
      if (mode === 'docker') {
        const jvm = jvmRunning(p);
        if (jvm.length > 0) {
          throw new GatehoundError(
            'STACK_START_FAILED',
            `${jvm.join(' and ')} from ${p.stateDir} already run as JVM processes; run \`gatehound stack down\` first`,
          );
        }
        return upDocker(o, p, log);
      }
      if (record?.mode === 'docker' && (await dockerEngineRunning())) {
        const running = await composeRunning(portsOf(p)).catch(() => new Set<string>());
        if (running.size > 0) {
          throw new GatehoundError(
            'STACK_START_FAILED',
            `the stack in ${p.stateDir} runs in Docker (${[...running].join(', ')}); run \`gatehound stack down\` first`,
          );
        }
      }
      return upJvm(o, p, record, log);
    },
    { log },
  );
}

async function upJvm(
  o: StackOptions,
  p: StackPaths,
  record: StackRecord | undefined,
  log: (line: string) => void,
): Promise<StackInfo> {
  const cs = components(p, 'jvm');
  const order: Component[] = [cs.opensearch, cs.kafka]; // OpenSearch first: it takes longest to start
  const running = new Map<ComponentName, number>();
  for (const c of order) {
    const pid = locate(c.pidFile, c.needles);
    if (pid === undefined) {
      removePidFile(c.pidFile);
      continue;
    }
    writePidFile(c.pidFile, pid);
    running.set(c.name, pid);
    const recordedPort = c.name === 'kafka' ? record?.kafkaPort : record?.opensearchPort;
    const wanted = c.name === 'kafka' ? p.kafka.port : p.opensearch.port;
    if (recordedPort !== undefined && recordedPort !== wanted) {
      throw new GatehoundError(
        'STACK_START_FAILED',
        `${c.name} from ${p.stateDir} is already running (pid ${pid}) on port ${recordedPort}, not ${wanted}; ` +
          'run `gatehound stack down` first to change ports',
      );
    }
  }

  // Every port of a component we are about to start must be free.
  for (const c of order) {
    if (running.has(c.name)) continue;
    for (const [label, port] of c.ports) {
      if (!(await portFree(port))) {
        throw new GatehoundError(
          'STACK_START_FAILED',
          `${c.name} cannot start: the ${label} port ${port} is already in use by ${describePortOwner(port)}. ` +
            'Stop it, or choose other ports (--kafka-port / --opensearch-port, GATEHOUND_STACK_KAFKA_PORT / ' +
            'GATEHOUND_STACK_OPENSEARCH_PORT)' +
            (c.name === 'kafka'
              ? '; if that is a Kafka you run yourself, point GATEHOUND_KAFKA_BROKERS at it instead'
              : ''),
          { details: { component: c.name, port } },
        );
      }
    }
  }

  const started: Component[] = [];
  try {
    for (const c of order) {
      if (running.has(c.name)) {
        log(`${c.name} is already running (pid ${running.get(c.name)})`);
        continue;
      }
      let pid: number;
      if (c.name === 'opensearch') {
        const { home } = await prepareOpenSearch(p, log);
        log(`starting opensearch on 127.0.0.1:${p.opensearch.port} (logs: ${p.opensearch.logsDir})`);
        pid = await spawnOpenSearch(p, home);
      } else {
        const { classpath } = await prepareKafka(p, log);
        log(`starting kafka on 127.0.0.1:${p.kafka.port} (logs: ${p.kafka.logFile})`);
        pid = await spawnKafka(p, classpath);
      }
      writePidFile(c.pidFile, pid);
      running.set(c.name, pid);
      started.push(c);
      writeRecord(p, 'jvm');
    }
    if (!fs.existsSync(p.stateFile)) writeRecord(p, 'jvm');

    await Promise.all(
      order.map(async (c) => {
        const pid = running.get(c.name)!;
        const timeoutMs =
          o.startTimeoutMs ?? (c.name === 'kafka' ? KAFKA_START_TIMEOUT_MS : OPENSEARCH_START_TIMEOUT_MS);
        const t0 = Date.now();
        const res = await waitHealthy(() => c.probe(3000), {
          timeoutMs,
          intervalMs: 500,
          alive: () => isAlive(pid),
        });
        if (res.outcome === 'died') throw startFailed(c, `its process (pid ${pid}) exited`);
        if (res.outcome === 'timeout') {
          throw startFailed(c, `not healthy after ${Math.round(timeoutMs / 1000)} s (${res.probe.detail})`);
        }
        log(`${c.name} is healthy after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${res.probe.detail}`);
      }),
    );
  } catch (err) {
    for (const c of started) {
      const pid = running.get(c.name);
      if (pid === undefined) continue;
      await stopProcess(pid, c.needles, { graceMs: 5000, name: c.name, log }).catch(() => {});
      removePidFile(c.pidFile);
    }
    if (started.length > 0 && started.length === running.size) fs.rmSync(p.stateFile, { force: true });
    throw err;
  }
  return infoOf(p, 'jvm');
}

async function upDocker(o: StackOptions, p: StackPaths, log: (line: string) => void): Promise<StackInfo> {
  if (!(await dockerEngineRunning())) {
    throw new GatehoundError(
      'STACK_START_FAILED',
      'docker mode was asked for, but no Docker engine answers `docker info`; use --mode jvm',
    );
  }
  const cs = components(p, 'docker');
  log(`starting kafka and opensearch with docker compose (ports ${p.kafka.port}, ${p.opensearch.port})`);
  await composeUp(portsOf(p));
  writeRecord(p, 'docker');
  await Promise.all(
    [cs.kafka, cs.opensearch].map(async (c) => {
      const timeoutMs =
        o.startTimeoutMs ?? (c.name === 'kafka' ? KAFKA_START_TIMEOUT_MS : OPENSEARCH_START_TIMEOUT_MS);
      const res = await waitHealthy(() => c.probe(3000), { timeoutMs, intervalMs: 1000 });
      if (res.outcome !== 'healthy') {
        throw new GatehoundError(
          'STACK_START_FAILED',
          `${c.name} (docker compose service) not healthy after ${Math.round(timeoutMs / 1000)} s: ${res.probe.detail}; ` +
            `see \`${composeLogsHint(c.name)}\``,
          { details: { component: c.name } },
        );
      }
      log(`${c.name} is healthy: ${res.probe.detail}`);
    }),
  );
  return infoOf(p, 'docker');
}

/**
 * Stops what `stackUp` started for this state dir (never anything else) and waits until it is
 * gone. Docker mode stops the two compose services (their containers and data are kept).
 */
export async function stackDown(o: StackOptions = {}): Promise<void> {
  const log = o.log ?? (() => {});
  const stateDir = resolveStateDir(o.stateDir);
  if (!fs.existsSync(stateDir)) {
    log(`nothing to stop: ${stateDir} does not exist`);
    return;
  }
  await withStateLock(
    stateDir,
    async () => {
      const { p, record } = resolve(o);
      if (o.mode === 'docker' || (o.mode !== 'jvm' && record?.mode === 'docker')) {
        if (await dockerEngineRunning()) {
          log('stopping the kafka and opensearch compose services');
          await composeDown(portsOf(p));
        } else {
          log('the stack was started with Docker, but no Docker engine answers now; nothing to stop there');
        }
      }
      const cs = components(p, 'jvm');
      const failures: string[] = [];
      await Promise.all(
        [cs.kafka, cs.opensearch].map(async (c) => {
          const pids = new Set(findProcesses(c.needles));
          const fromFile = locate(c.pidFile, c.needles);
          if (fromFile !== undefined) pids.add(fromFile);
          if (pids.size === 0) log(`${c.name} is not running`);
          for (const pid of pids) {
            try {
              const r = await stopProcess(pid, c.needles, { graceMs: c.graceMs, name: c.name, log });
              if (r === 'stopped' || r === 'killed') log(`${c.name} (pid ${pid}) ${r}`);
            } catch (err) {
              failures.push((err as Error).message);
            }
          }
          const left = findProcesses(c.needles);
          if (left.length > 0) failures.push(`${c.name} still running: pid ${left.join(', ')}`);
          else removePidFile(c.pidFile);
        }),
      );
      if (failures.length > 0) {
        throw new GatehoundError(
          'STACK_START_FAILED',
          `stack down left processes running: ${failures.join('; ')}`,
        );
      }
      fs.rmSync(p.stateFile, { force: true });
    },
    { log },
  );
}

/** Health of both components, without starting or stopping anything. */
export async function stackStatus(
  o: StackOptions = {},
): Promise<{ kafka: ComponentStatus; opensearch: ComponentStatus }> {
  const { p, record } = resolve(o);
  const dockerMode = o.mode === 'docker' || (o.mode !== 'jvm' && record?.mode === 'docker');
  if (dockerMode) {
    const cs = components(p, 'docker');
    let running: Set<string> | undefined;
    if (await dockerEngineRunning()) running = await composeRunning(portsOf(p)).catch(() => undefined);
    const one = async (c: Component): Promise<ComponentStatus> => {
      const probe = await c.probe(3000);
      if (probe.ok) return { state: 'healthy', detail: `docker compose service ${c.name}: ${probe.detail}` };
      if (running?.has(c.name)) return { state: 'unhealthy', detail: `container running; ${probe.detail}` };
      return { state: 'stopped', detail: `docker compose service ${c.name} is not running` };
    };
    const [kafka, opensearch] = await Promise.all([one(cs.kafka), one(cs.opensearch)]);
    return { kafka, opensearch };
  }
  const cs = components(p, 'jvm');
  const one = async (c: Component): Promise<ComponentStatus> => {
    const pid = locate(c.pidFile, c.needles);
    if (pid === undefined) {
      const [, port] = c.ports[0]!;
      const busy = !(await portFree(port));
      return {
        state: 'stopped',
        detail: busy
          ? `not running from ${p.stateDir}; port ${port} is in use by ${describePortOwner(port)}`
          : `not running (state dir ${p.stateDir})`,
      };
    }
    const probe = await c.probe(3000);
    return { state: probe.ok ? 'healthy' : 'unhealthy', pid, detail: probe.detail };
  };
  const [kafka, opensearch] = await Promise.all([one(cs.kafka), one(cs.opensearch)]);
  return { kafka, opensearch };
}
