import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatehoundError } from '../errors.js';
import { isAlive, readPidFile } from './processes.js';

/**
 * One `stack up` / `stack down` at a time per state dir (a test run and a developer may race).
 * The lock file holds the owner's pid; a lock whose owner is dead is taken over.
 */
export async function withStateLock<T>(
  stateDir: string,
  fn: () => Promise<T>,
  o: { timeoutMs?: number; log?: (line: string) => void } = {},
): Promise<T> {
  fs.mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, '.lock');
  const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
  let told = false;
  for (;;) {
    // Written aside, then hard-linked into place: the lock never exists without its pid.
    const tmp = `${file}.${process.pid}`;
    fs.writeFileSync(tmp, `${process.pid}\n`);
    try {
      fs.linkSync(tmp, file);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readPidFile(file);
      if (owner === undefined || !isAlive(owner)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new GatehoundError(
          'STACK_START_FAILED',
          `another gatehound (pid ${owner}) is starting or stopping the stack in ${stateDir}; gave up waiting (lock ${file})`,
        );
      }
      if (!told) {
        o.log?.(`waiting for pid ${owner}, which is starting or stopping the stack in ${stateDir}`);
        told = true;
      }
      await sleep(250);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  try {
    return await fn();
  } finally {
    if (readPidFile(file) === process.pid) fs.rmSync(file, { force: true });
  }
}
