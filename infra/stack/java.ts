import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { GatehoundError } from '../errors.js';

/** Finds an executable on PATH, like `which`. */
export function which(command: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The major version from `java -version` output (`openjdk version "17.0.15"`, `"1.8.0_392"`). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] ? Number(m[2]) : first;
}

export interface JavaInfo {
  home: string;
  bin: string;
  major: number;
}

let cached: JavaInfo | undefined;

/**
 * The Java to run Kafka and OpenSearch with: `$JAVA_HOME` if it has bin/java, else the `java` on
 * PATH with symlinks resolved (`/usr/bin/java` → `/usr/lib/jvm/…/bin/java`). Needs 11 or newer.
 */
export function findJava(): JavaInfo {
  if (cached) return cached;
  let bin: string | undefined;
  const javaHome = process.env.JAVA_HOME;
  if (javaHome && fs.existsSync(path.join(javaHome, 'bin', 'java'))) bin = path.join(javaHome, 'bin', 'java');
  bin ??= which('java');
  if (!bin) {
    throw new GatehoundError(
      'STACK_START_FAILED',
      'no Java found: set JAVA_HOME or put java (17 or newer recommended) on PATH to run the local stack',
    );
  }
  bin = fs.realpathSync(bin);
  // `java -version` prints to stderr.
  const run = spawnSync(bin, ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.error || run.status !== 0) {
    throw new GatehoundError(
      'STACK_START_FAILED',
      `${bin} -version failed: ${run.error?.message ?? `exit ${run.status}: ${run.stderr.trim()}`}`,
    );
  }
  const output = `${run.stderr}${run.stdout}`;
  const major = parseJavaMajor(output) ?? 0;
  if (major < 11) {
    throw new GatehoundError(
      'STACK_START_FAILED',
      `${bin} is Java ${major || '(unknown version)'}; Kafka 3.9 and OpenSearch 2.19 need Java 11 or newer (17 recommended)`,
    );
  }
  cached = { home: path.dirname(path.dirname(bin)), bin, major };
  return cached;
}
