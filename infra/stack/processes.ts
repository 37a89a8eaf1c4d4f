import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Processes we start are identified by their command line, not only by a pid file: before any
 * signal is sent, /proc/<pid>/cmdline must contain every "needle" (exact arguments that name
 * this stack's own files, e.g. `kafka.Kafka` and `<stateDir>/kafka/server.properties`). A pid
 * that was reused by an unrelated process is therefore never killed.
 */

/** The argv of a live process, or undefined when it is gone (or a zombie). */
export function readCmdline(pid: number): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (raw === '') return undefined; // zombies and kernel threads have an empty cmdline
    const parts = raw.split('\0');
    if (parts[parts.length - 1] === '') parts.pop();
    return parts;
  } catch {
    return undefined;
  }
}

/** True when every needle is one of the arguments, exactly. */
export function cmdlineMatches(argv: readonly string[] | undefined, needles: readonly string[]): boolean {
  if (!argv || needles.length === 0) return false;
  return needles.every((n) => argv.includes(n));
}

/** Process state letter from /proc/<pid>/stat (the field after the parenthesised comm). */
export function parseProcState(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  return stat.slice(close + 2, close + 3) || undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but is not ours to signal; still alive.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return parseProcState(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')) !== 'Z';
  } catch {
    return false;
  }
}

export function isOurs(pid: number, needles: readonly string[]): boolean {
  return isAlive(pid) && cmdlineMatches(readCmdline(pid), needles);
}

/** Every live process whose cmdline matches (finds ours even if the pid file was lost). */
export function findProcesses(needles: readonly string[]): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    if (cmdlineMatches(readCmdline(pid), needles) && isAlive(pid)) found.push(pid);
  }
  return found.sort((a, b) => a - b);
}

export function readPidFile(file: string): number | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

export function writePidFile(file: string, pid: number): void {
  fs.writeFileSync(file, `${pid}\n`);
}

export function removePidFile(file: string): void {
  fs.rmSync(file, { force: true });
}

/** The pid of our process for a component: the pid file's if it still matches, else a /proc scan. */
export function locate(pidFile: string, needles: readonly string[]): number | undefined {
  const fromFile = readPidFile(pidFile);
  if (fromFile !== undefined && isOurs(fromFile, needles)) return fromFile;
  return findProcesses(needles)[0];
}

export interface SpawnSpec {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  /** stdout and stderr are appended here. */
  outFile: string;
}

/**
 * Starts a process in its own session/process group with output to a file, and lets it outlive
 * this process. Resolves with its pid once the exec has happened (rejects on ENOENT and the like).
 */
export function spawnDetached(spec: SpawnSpec): Promise<number> {
  const fd = fs.openSync(spec.outFile, 'a');
  try {
    fs.writeSync(
      fd,
      `\n--- ${new Date().toISOString()} gatehound starts: ${spec.command} ${spec.args.join(' ')}\n`,
    );
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    return new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        if (child.pid === undefined) reject(new Error(`spawning ${spec.command} gave no pid`));
        else resolve(child.pid);
      });
    });
  } finally {
    fs.closeSync(fd);
  }
}

export type StopResult = 'stopped' | 'killed' | 'not-running' | 'not-ours';

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // Detached children lead their own process group: signal the group so helpers die too.
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

/**
 * Stops a process only if its cmdline still matches: SIGTERM to its group, then SIGKILL after
 * `graceMs`, then waits until it is really gone. Throws if it survives SIGKILL.
 */
export async function stopProcess(
  pid: number,
  needles: readonly string[],
  opts: { graceMs: number; log?: (line: string) => void; name: string },
): Promise<StopResult> {
  if (!isAlive(pid)) return 'not-running';
  if (!cmdlineMatches(readCmdline(pid), needles)) return 'not-ours';
  opts.log?.(`stopping ${opts.name} (pid ${pid})`);
  signalGroup(pid, 'SIGTERM');
  if (await waitGone(pid, opts.graceMs)) return 'stopped';
  opts.log?.(
    `${opts.name} (pid ${pid}) did not stop within ${Math.round(opts.graceMs / 1000)} s; sending SIGKILL`,
  );
  // Re-check: between the two signals the pid cannot be reused while it is still alive, but be strict.
  if (cmdlineMatches(readCmdline(pid), needles)) signalGroup(pid, 'SIGKILL');
  if (await waitGone(pid, 10_000)) return 'killed';
  throw new Error(`${opts.name} (pid ${pid}) is still running after SIGKILL`);
}

/** The last `lines` lines of a file, or a note that it does not exist. */
export function tailFile(file: string, lines = 25): string {
  try {
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    try {
      const len = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      const all = buf.toString('utf8').split('\n');
      if (all[all.length - 1] === '') all.pop();
      return all.slice(-lines).join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return `(no file ${file})`;
  }
}
