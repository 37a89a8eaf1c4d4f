import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../test/helpers/free-port.js';
import { waitFor } from '../test/helpers/wait.js';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** A detector worker or a responder has no HTTP server of its own: operators scrape and probe it here. */
describe.each([
  ['detect', 'GATEHOUND_DETECT_ADMIN_PORT', 'gatehound_evicted_entities'],
  ['respond', 'GATEHOUND_RESPOND_ADMIN_PORT', 'gatehound_responder_findings_total'],
])('gatehound %s with its admin port set', (command, variable, metric) => {
  it('serves /metrics with its own metrics, /healthz and /readyz, and stops on SIGTERM', {
    timeout: 30_000,
  }, async () => {
    const port = await freePort();
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUND_')),
    );
    const child = spawn(process.execPath, [cli, command], {
      env: { ...clean, [variable]: String(port), GATEHOUND_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(
        'the admin port',
        async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok === true,
      );
      expect(await (await fetch(`${base}/metrics`)).text()).toContain(metric);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', bus: true });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
