import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { ConfigInput } from '../../schemas/config.js';

const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/**
 * The real roles as separate processes (`node dist/cli/main.js <role>`), the way they are deployed, so a
 * fault test can SIGKILL one or leave it running while Kafka or OpenSearch goes away. Each process gets
 * a configuration file and only the GATEHOUND_ variables the test gives it; its output goes to a log
 * file of the run's directory, printed when a test wants to say why something did not happen.
 */
export class Roles {
  readonly cli = cli;
  readonly dir = mkdtempSync(join(tmpdir(), 'gatehound-roles-'));
  readonly configFile = join(this.dir, 'gatehound.yaml');
  private readonly children: { child: ChildProcess; log: string }[] = [];
  private readonly clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUND_')),
  );

  constructor(
    config: ConfigInput,
    private readonly env: Record<string, string>,
  ) {
    writeFileSync(this.configFile, stringify(config));
  }

  /** Starts `gatehound <role> …args --file <config>`; `exited` resolves with its exit code. */
  start(
    role: string,
    args: string[] = [],
    env: Record<string, string> = {},
  ): { child: ChildProcess; exited: Promise<number | null>; log: string } {
    const log = join(this.dir, `${role}-${this.children.length}.log`);
    const out = openSync(log, 'a');
    const child = spawn(process.execPath, [cli, role, ...args, '--file', this.configFile], {
      env: { ...this.clean, GATEHOUND_LOG_LEVEL: 'warn', ...this.env, ...env },
      stdio: ['ignore', out, out],
    });
    this.children.push({ child, log });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, log };
  }

  /** The last lines each role wrote, for a failure message. */
  tails(lines = 15): string {
    return this.children
      .map(({ log }) => `--- ${log}\n${readFileSync(log, 'utf8').split('\n').slice(-lines).join('\n')}`)
      .join('\n');
  }

  /** SIGTERM (a clean stop) to every role still running, SIGKILL to what is left after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    const running = this.children.filter(({ child }) => child.exitCode === null && child.signalCode === null);
    await Promise.all(
      running.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
