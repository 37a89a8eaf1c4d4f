import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatehoundError } from '../errors.js';
import { lastLines } from './artifacts.js';
import { which } from './java.js';

/**
 * Docker mode: where a Docker engine answers, the stack is the repository's docker-compose.yml
 * (`docker compose up -d kafka opensearch`), with host ports passed through the
 * GATEHOUND_STACK_*_PORT variables that the compose file interpolates.
 */

export const COMPOSE_SERVICES = ['kafka', 'opensearch'] as const;

function exec(
  command: string,
  args: string[],
  o: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ code: number | null; output: string; error?: Error }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, {
      cwd: o.cwd,
      env: o.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: o.timeoutMs,
    });
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.once('error', (error) => resolve({ code: null, output, error }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** True when `docker info` succeeds, i.e. a client exists and an engine answers it. */
export async function dockerEngineRunning(timeoutMs = 8000): Promise<boolean> {
  if (!which('docker')) return false;
  const res = await exec('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs });
  return res.code === 0 && res.output.trim() !== '';
}

/** The docker-compose.yml shipped with gatehound: the first one found walking up from this file. */
export function findComposeFile(start = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = start, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'docker-compose.yml');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  return undefined;
}

export interface ComposePorts {
  kafkaPort: number;
  opensearchPort: number;
}

function composeEnv(ports: ComposePorts): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GATEHOUND_STACK_KAFKA_PORT: String(ports.kafkaPort),
    GATEHOUND_STACK_OPENSEARCH_PORT: String(ports.opensearchPort),
  };
}

function composeFileOrThrow(): string {
  const file = findComposeFile();
  if (!file) {
    throw new GatehoundError(
      'STACK_START_FAILED',
      'docker mode: docker-compose.yml not found next to the gatehound installation',
    );
  }
  return file;
}

async function compose(args: string[], ports: ComposePorts, what: string): Promise<string> {
  const file = composeFileOrThrow();
  const res = await exec('docker', ['compose', '-f', file, ...args], {
    cwd: path.dirname(file),
    env: composeEnv(ports),
    timeoutMs: 15 * 60_000,
  });
  if (res.code !== 0) {
    throw new GatehoundError(
      'STACK_START_FAILED',
      `${what}: \`docker compose -f ${file} ${args.join(' ')}\` failed (${res.error?.message ?? `exit ${res.code}`}):\n` +
        lastLines(res.output),
      { details: { composeFile: file } },
    );
  }
  return res.output;
}

export async function composeUp(ports: ComposePorts): Promise<void> {
  await compose(['up', '-d', ...COMPOSE_SERVICES], ports, 'kafka/opensearch');
}

/**
 * Stops only the two services. Their containers are kept (not removed), so topics and indices
 * survive until the next `up`; `docker compose down -v` discards everything.
 */
export async function composeDown(ports: ComposePorts): Promise<void> {
  await compose(['stop', ...COMPOSE_SERVICES], ports, 'kafka/opensearch');
}

/** Services of the two that have a running container, per `docker compose ps`. */
export async function composeRunning(ports: ComposePorts): Promise<Set<string>> {
  const out = await compose(
    ['ps', '--status', 'running', '--format', '{{.Service}}', ...COMPOSE_SERVICES],
    ports,
    'docker compose ps',
  );
  return new Set(
    out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
}

export function composeLogsHint(service: string): string {
  const file = findComposeFile() ?? 'docker-compose.yml';
  return `docker compose -f ${file} logs ${service}`;
}
