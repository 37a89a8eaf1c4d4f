import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ConfigInput } from '../../schemas/config.js';

const CLI = resolve(process.cwd(), 'dist/cli/main.js');
/** Linux clock ticks per second (USER_HZ): the unit of utime and stime in /proc/<pid>/stat. */
const TICKS = 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces; fields are counted from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Peak resident memory (VmHWM) in MB, from /proc/<pid>/status. */
export function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

/** A gatehound role (`gatehound detect --file cfg`, the responder) in its own process, measured alone. */
export class RoleProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(
    readonly role: 'detect' | 'respond',
    config: ConfigInput,
    env: Record<string, string> = {},
  ) {
    const file = join(mkdtempSync(join(tmpdir(), 'gatehound-bench-')), 'config.json');
    // JSON is YAML: the CLI reads it the way it reads any config file, strictly.
    writeFileSync(file, JSON.stringify(config));
    // Each run's client id names its consumer groups, so runs never join each other's groups.
    const args = [CLI, role];
    // BENCH_CPU_PROF=<dir>: each role writes a V8 CPU profile there when it stops (where the time goes).
    const prof = process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
    this.child = spawn(process.execPath, [...prof, ...args, '--file', file], {
      env: { ...process.env, GATEHOUND_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    this.exited = new Promise((res) => this.child.once('exit', (code) => res(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** CPU since the process started, and peak RSS; read while it is alive. */
  sample(): { cpuSeconds: number; peakRssMb: number } {
    return { cpuSeconds: cpuSeconds(this.pid), peakRssMb: peakRssMb(this.pid) };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Rejects if the role dies before the run is over. */
  get died(): Promise<never> {
    return this.exited.then((code) => {
      throw new Error(`${this.role} exited with ${code}`);
    });
  }
}
