import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/helpers/wait.js';
import {
  cmdlineMatches,
  findProcesses,
  isAlive,
  locate,
  parseProcState,
  readCmdline,
  readPidFile,
  spawnDetached,
  stopProcess,
  tailFile,
  writePidFile,
} from './processes.js';

describe('cmdlineMatches', () => {
  const argv = ['/usr/bin/java', '-Xmx512m', '-cp', '/c/libs/*', 'kafka.Kafka', '/s/kafka/server.properties'];

  it('needs every needle as an exact argument', () => {
    expect(cmdlineMatches(argv, ['kafka.Kafka', '/s/kafka/server.properties'])).toBe(true);
    expect(cmdlineMatches(argv, ['kafka.Kafka', '/other/kafka/server.properties'])).toBe(false);
    // a substring is not enough: /s must not match /s2's broker
    expect(cmdlineMatches(argv, ['kafka.Kafka', '/s/kafka/server.prop'])).toBe(false);
  });

  it('never matches with no needles or no process', () => {
    expect(cmdlineMatches(argv, [])).toBe(false);
    expect(cmdlineMatches(undefined, ['kafka.Kafka'])).toBe(false);
  });
});

describe('parseProcState', () => {
  it('reads the state after the command name, even one with spaces and parentheses', () => {
    expect(parseProcState('123 (java) S 1 123 123 0 -1')).toBe('S');
    expect(parseProcState('123 (my (odd) cmd) Z 1 2')).toBe('Z');
    expect(parseProcState('garbage')).toBeUndefined();
  });
});

describe('real processes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehound-proc-test-'));
  const marker = `gatehound-test-marker-${process.pid}-${Date.now()}`;
  let pid: number | undefined;

  afterEach(() => {
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('spawns detached, finds by cmdline, refuses to stop a non-matching pid, stops a matching one', async () => {
    // sh -c takes the marker as $0, so it shows up in /proc/<pid>/cmdline without changing what runs.
    pid = await spawnDetached({
      command: '/bin/sh',
      args: ['-c', 'sleep 30', marker],
      env: process.env,
      cwd: dir,
      outFile: path.join(dir, 'out.log'),
    });
    expect(isAlive(pid)).toBe(true);
    expect(readCmdline(pid)).toEqual(['/bin/sh', '-c', 'sleep 30', marker]);
    // For an instant sh's forked child still carries sh's command line, marker included, until it
    // becomes `sleep 30`: wait for that to pass rather than race it.
    await waitFor('only the shell to carry the marker', () => findProcesses([marker]).length === 1, 5000);
    expect(findProcesses([marker])).toEqual([pid]);

    const pidFile = path.join(dir, 'x.pid');
    writePidFile(pidFile, pid);
    expect(readPidFile(pidFile)).toBe(pid);
    expect(locate(pidFile, [marker])).toBe(pid);

    expect(await stopProcess(pid, ['not-this-one'], { graceMs: 1000, name: 'test' })).toBe('not-ours');
    expect(isAlive(pid)).toBe(true);

    expect(await stopProcess(pid, [marker], { graceMs: 5000, name: 'test' })).toBe('stopped');
    expect(isAlive(pid)).toBe(false);
    expect(findProcesses([marker])).toEqual([]);
    expect(await stopProcess(pid, [marker], { graceMs: 1000, name: 'test' })).toBe('not-running');
    expect(fs.readFileSync(path.join(dir, 'out.log'), 'utf8')).toContain('gatehound starts: /bin/sh');
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    pid = await spawnDetached({
      command: '/bin/sh',
      args: ['-c', "trap '' TERM; while :; do sleep 0.1; done", `${marker}-stubborn`],
      env: process.env,
      cwd: dir,
      outFile: path.join(dir, 'out.log'),
    });
    await new Promise((r) => setTimeout(r, 200)); // let the trap be installed
    const lines: string[] = [];
    const result = await stopProcess(pid, [`${marker}-stubborn`], {
      graceMs: 500,
      name: 'stubborn',
      log: (l) => lines.push(l),
    });
    expect(result).toBe('killed');
    expect(lines.join('\n')).toContain('SIGKILL');
    expect(findProcesses([`${marker}-stubborn`])).toEqual([]);
  });

  it('rejects when the command does not exist', async () => {
    await expect(
      spawnDetached({
        command: path.join(dir, 'nope'),
        args: [],
        env: {},
        cwd: dir,
        outFile: path.join(dir, 'o'),
      }),
    ).rejects.toThrow(/ENOENT/);
  });
});

describe('tailFile', () => {
  it('returns the last lines, or says the file is missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehound-tail-'));
    const file = path.join(dir, 'f.log');
    fs.writeFileSync(file, `${Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n')}\n`);
    expect(tailFile(file, 3)).toBe('line 97\nline 98\nline 99');
    expect(tailFile(`${file}.missing`)).toMatch(/no file/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
