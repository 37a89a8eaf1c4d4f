import fs from 'node:fs';
import path from 'node:path';
import { GatehoundError } from '../errors.js';
import { which } from './java.js';

/**
 * OpenSearch refuses to run as root. When gatehound itself runs as root, OpenSearch is started as
 * the conventional unprivileged user `nobody` (uid/gid 65534) through `setpriv`, and every path it
 * touches must be reachable (and its own folders owned) by that user.
 */
export const UNPRIVILEGED = { uid: 65534, gid: 65534 } as const;

export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export interface StatLike {
  uid: number;
  gid: number;
  mode: number;
  isDirectory(): boolean;
}

/**
 * The first existing ancestor of `target` (itself included) that `uid`/`gid` cannot enter
 * (no execute bit for it), or undefined when the whole chain is traversable. Parts that do not
 * exist yet are ignored: we create them ourselves with mode 755.
 */
export function blockedAncestor(
  target: string,
  uid: number,
  gid: number,
  stat: (p: string) => StatLike | undefined = defaultStat,
): string | undefined {
  const abs = path.resolve(target);
  const chain: string[] = [];
  for (let p = abs; ; p = path.dirname(p)) {
    chain.unshift(p);
    if (path.dirname(p) === p) break;
  }
  for (const dir of chain) {
    const st = stat(dir);
    if (!st) return undefined;
    if (!st.isDirectory()) continue;
    const bit = st.uid === uid ? 0o100 : st.gid === gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return dir;
  }
  return undefined;
}

function defaultStat(p: string): StatLike | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** `chown -R uid:gid dir` in-process (no dependency on coreutils flags). Symlinks are not followed. */
export function chownRecursive(dir: string, uid: number, gid: number): void {
  fs.lchownSync(dir, uid, gid);
  const st = fs.lstatSync(dir);
  if (!st.isDirectory()) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownRecursive(p, uid, gid);
    else fs.lchownSync(p, uid, gid);
  }
}

/** Wraps a command so it runs as the unprivileged user (only meaningful when we are root). */
export function asUnprivileged(command: string, args: string[]): { command: string; args: string[] } {
  const setpriv = which('setpriv');
  if (!setpriv) {
    throw new GatehoundError(
      'STACK_START_FAILED',
      'OpenSearch cannot run as root and `setpriv` (util-linux) is not installed to drop privileges; ' +
        'install util-linux or run gatehound as a normal user',
    );
  }
  return {
    command: setpriv,
    args: [
      `--reuid=${UNPRIVILEGED.uid}`,
      `--regid=${UNPRIVILEGED.gid}`,
      '--clear-groups',
      '--',
      command,
      ...args,
    ],
  };
}

/** Throws a clear error when the unprivileged user cannot reach `dir`. */
export function assertReachable(dir: string, what: string, hint: string): void {
  const blocked = blockedAncestor(dir, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
  if (blocked) {
    throw new GatehoundError(
      'STACK_START_FAILED',
      `opensearch: ${what} ${dir} is not reachable by uid ${UNPRIVILEGED.uid} (OpenSearch cannot run as root, ` +
        `so it runs as that user): ${blocked} has no execute permission for it. ${hint}`,
    );
  }
}
