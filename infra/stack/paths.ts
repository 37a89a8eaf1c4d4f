import os from 'node:os';
import path from 'node:path';
import { GatehoundError } from '../errors.js';

/** Where every file of one local stack lives, and which ports it uses. Pure: no file is touched here. */
export interface StackPaths {
  /** Absolute; holds pid files, generated configs, data. One state dir = one stack. */
  stateDir: string;
  /** `<stateDir>/logs`: process output and component logs. */
  logsDir: string;
  /** Release artifacts fetched with Maven, shared by every state dir of this user. */
  cacheDir: string;
  /** `<stateDir>/stack.json`: which mode and ports the running stack was started with. */
  stateFile: string;
  kafka: {
    port: number;
    controllerPort: number;
    /** Generated server.properties and log4j.properties. */
    configDir: string;
    serverProperties: string;
    log4jProperties: string;
    dataDir: string;
    pidFile: string;
    /** The broker's own log (log4j), rolled at 10 MB. */
    logFile: string;
    /** stdout/stderr of the JVM (start-up errors, crashes). */
    outFile: string;
  };
  opensearch: {
    port: number;
    transportPort: number;
    /** Per-stack working folder; owned by the unprivileged user when we run as root. */
    homeDir: string;
    configDir: string;
    dataDir: string;
    tmpDir: string;
    pidFile: string;
    /** OpenSearch's `path.logs`. */
    logsDir: string;
    outFile: string;
  };
}

export interface PathOptions {
  kafkaPort?: number | undefined;
  kafkaControllerPort?: number | undefined;
  opensearchPort?: number | undefined;
  opensearchTransportPort?: number | undefined;
  stateDir?: string | undefined;
  cacheDir?: string | undefined;
}

export const DEFAULT_KAFKA_PORT = 9092;
export const DEFAULT_OPENSEARCH_PORT = 9200;
export const DEFAULT_STATE_DIR = path.join('.gatehound', 'stack');

export interface Environment {
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
}

function currentEnvironment(): Environment {
  return { env: process.env, cwd: process.cwd(), home: os.homedir() };
}

/** Parses a port from a setting; `source` names the setting in the error. */
export function parsePort(value: string | number, source: string): number {
  const n =
    typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new GatehoundError('CONFIG_INVALID', `${source} must be a TCP port (1-65535), got "${value}"`);
  }
  return n;
}

function portFrom(
  option: number | undefined,
  envName: string,
  fallback: number,
  e: Environment,
  optionName: string,
): number {
  if (option !== undefined) return parsePort(option, optionName);
  const fromEnv = e.env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return parsePort(fromEnv, envName);
  return fallback;
}

/** `GATEHOUND_STACK_CACHE`, else `$XDG_CACHE_HOME/gatehound`, else `~/.cache/gatehound`. */
export function resolveCacheDir(option: string | undefined, e: Environment = currentEnvironment()): string {
  if (option) return path.resolve(e.cwd, option);
  const explicit = e.env.GATEHOUND_STACK_CACHE;
  if (explicit) return path.resolve(e.cwd, explicit);
  const xdg = e.env.XDG_CACHE_HOME;
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'gatehound');
  return path.join(e.home, '.cache', 'gatehound');
}

/** Option, else `GATEHOUND_STACK_DIR`, else `./.gatehound/stack`; always made absolute against cwd. */
export function resolveStateDir(option: string | undefined, e: Environment = currentEnvironment()): string {
  const chosen = option || e.env.GATEHOUND_STACK_DIR || DEFAULT_STATE_DIR;
  return path.resolve(e.cwd, chosen);
}

/**
 * Resolves every path and port. Ports: option, else `GATEHOUND_STACK_KAFKA_PORT` /
 * `GATEHOUND_STACK_OPENSEARCH_PORT`, else `recorded` (what the running stack was started with),
 * else 9092 / 9200. The controller port defaults to kafka port + 1, the transport port to
 * opensearch port + 100.
 */
export function resolveStackPaths(
  o: PathOptions = {},
  e: Environment = currentEnvironment(),
  recorded: {
    kafkaPort?: number;
    opensearchPort?: number;
    kafkaControllerPort?: number;
    opensearchTransportPort?: number;
  } = {},
): StackPaths {
  const kafkaPort = portFrom(
    o.kafkaPort,
    'GATEHOUND_STACK_KAFKA_PORT',
    recorded.kafkaPort ?? DEFAULT_KAFKA_PORT,
    e,
    'kafkaPort',
  );
  const opensearchPort = portFrom(
    o.opensearchPort,
    'GATEHOUND_STACK_OPENSEARCH_PORT',
    recorded.opensearchPort ?? DEFAULT_OPENSEARCH_PORT,
    e,
    'opensearchPort',
  );
  const sameKafka = recorded.kafkaPort === kafkaPort;
  const sameOpenSearch = recorded.opensearchPort === opensearchPort;
  const controllerPort =
    o.kafkaControllerPort !== undefined
      ? parsePort(o.kafkaControllerPort, 'kafkaControllerPort')
      : sameKafka && recorded.kafkaControllerPort !== undefined
        ? recorded.kafkaControllerPort
        : kafkaPort + 1;
  const transportPort =
    o.opensearchTransportPort !== undefined
      ? parsePort(o.opensearchTransportPort, 'opensearchTransportPort')
      : sameOpenSearch && recorded.opensearchTransportPort !== undefined
        ? recorded.opensearchTransportPort
        : opensearchPort + 100;

  const ports = { kafkaPort, controllerPort, opensearchPort, transportPort };
  for (const [name, port] of Object.entries(ports)) {
    if (port > 65535) {
      throw new GatehoundError(
        'CONFIG_INVALID',
        `derived ${name} ${port} is not a valid port; choose a lower base port`,
      );
    }
  }
  const seen = new Map<number, string>();
  for (const [name, port] of Object.entries(ports)) {
    const other = seen.get(port);
    if (other)
      throw new GatehoundError(
        'CONFIG_INVALID',
        `${name} and ${other} are both ${port}; every port must differ`,
      );
    seen.set(port, name);
  }

  const stateDir = resolveStateDir(o.stateDir, e);
  const logsDir = path.join(stateDir, 'logs');
  const kafkaConfigDir = path.join(stateDir, 'kafka');
  const osHome = path.join(stateDir, 'opensearch');
  return {
    stateDir,
    logsDir,
    cacheDir: resolveCacheDir(o.cacheDir, e),
    stateFile: path.join(stateDir, 'stack.json'),
    kafka: {
      port: kafkaPort,
      controllerPort,
      configDir: kafkaConfigDir,
      serverProperties: path.join(kafkaConfigDir, 'server.properties'),
      log4jProperties: path.join(kafkaConfigDir, 'log4j.properties'),
      dataDir: path.join(stateDir, 'kafka-data'),
      pidFile: path.join(stateDir, 'kafka.pid'),
      logFile: path.join(logsDir, 'kafka.log'),
      outFile: path.join(logsDir, 'kafka.out'),
    },
    opensearch: {
      port: opensearchPort,
      transportPort,
      homeDir: osHome,
      configDir: path.join(osHome, 'config'),
      dataDir: path.join(osHome, 'data'),
      tmpDir: path.join(osHome, 'tmp'),
      pidFile: path.join(stateDir, 'opensearch.pid'),
      logsDir: path.join(logsDir, 'opensearch'),
      outFile: path.join(logsDir, 'opensearch.out'),
    },
  };
}

export function kafkaBrokersOf(p: StackPaths): string {
  return `127.0.0.1:${p.kafka.port}`;
}

export function opensearchUrlOf(p: StackPaths): string {
  return `http://127.0.0.1:${p.opensearch.port}`;
}
