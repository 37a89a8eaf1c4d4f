import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { createLogger } from '../../infra/logger.js';
import { OpenSearchStore } from '../../infra/store/index.js';
import { Config } from '../../schemas/config.js';
import type { Incident } from '../../schemas/incident.js';
import { freePort } from '../helpers/api.js';
import { uniqueName } from '../helpers/wait.js';

const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** `gatehound start --once` as a user runs it, without a terminal; resolves with what it printed. */
async function demo(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUND_')));
  const ports = {
    GATEHOUND_PROXY_PORT: String(await freePort()),
    GATEHOUND_API_PORT: String(await freePort()),
  };
  const child = spawn(process.execPath, [cli, 'start', '--once'], {
    env: { ...clean, GATEHOUND_LOG_LEVEL: 'warn', ...ports, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, out };
}

function expectTheWholeStory(out: string): void {
  for (const type of ['volume_spike', 'probing', 'auth_failure_burst', 'injection']) {
    expect(out, `an incident of type ${type}`).toMatch(new RegExp(`incident opened\\s+${type}`));
  }
  expect(out).toMatch(/✖ revoked\s+key:[0-9a-f]{32}/);
  expect(out).toContain('presented the revoked key: 401 key_revoked');
  expect(out).toMatch(/refused\s+1 request/);
  const seconds = Number(/Done in (\d+) s/.exec(out)?.[1]);
  expect(seconds).toBeLessThanOrEqual(60);
}

describe('npm start: the demo', () => {
  it('shows the four incident types and a revoked key refused, within a minute, with nothing else running', async () => {
    const { code, out } = await demo({});
    expect(code).toBe(0);
    expectTheWholeStory(out);
    expect(out).toContain('in-process bus and store');
  }, 120_000);

  it('runs the same story on the real Kafka and OpenSearch, and the incidents land in OpenSearch', async () => {
    const p = uniqueName('demo');
    const prefix = p.toLowerCase();
    const dir = mkdtempSync(join(tmpdir(), 'gatehound-demo-'));
    const file = join(dir, 'gatehound.yaml');
    const topics = Object.fromEntries(
      ['requests', 'requestsByIp', 'findings', 'revocations', 'state', 'dlq'].map((t) => [t, `${p}.${t}`]),
    );
    writeFileSync(
      file,
      stringify({ kafka: { clientId: p, topics }, opensearch: { indexPrefix: prefix, replicas: 0 } }),
    );
    const { code, out } = await demo({
      GATEHOUND_CONFIG_FILE: file,
      GATEHOUND_KAFKA_BROKERS: inject('kafkaBrokers'),
      GATEHOUND_OPENSEARCH_URL: inject('opensearchUrl'),
    });
    expect(code).toBe(0);
    expectTheWholeStory(out);
    const store = new OpenSearchStore(
      Config.parse({ opensearch: { url: inject('opensearchUrl'), indexPrefix: prefix } }).opensearch,
      createLogger({ level: 'silent' }),
    );
    await store.refresh();
    const stored = await store.search<Incident>('incidents', { limit: 100 });
    expect(new Set(stored.items.map((i) => i.type))).toEqual(
      new Set(['volume_spike', 'probing', 'auth_failure_burst', 'injection']),
    );
    await store.dropAll();
    await store.close();
  }, 150_000);
});
