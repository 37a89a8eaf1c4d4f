import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The built CLI, as users run it (`npm test` builds first).
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Runs `gatehound <args>` in a process of its own, with no GATEHOUND_* setting but those given. */
export function gatehound(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUND_')));
  return spawnSync(process.execPath, [cli, ...args], {
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
}
