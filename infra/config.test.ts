import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from './config.js';
import { GatehoundError } from './errors.js';

const fixtures = fileURLToPath(new URL('./testdata/config-invalid', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'gatehound-config-'));

function writeFile(name: string, content: string): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

function configError(fn: () => unknown): GatehoundError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatehoundError) return err;
    throw err;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('configuration', () => {
  it('has working defaults: embedded bus and store, ports of the design', () => {
    const c = loadConfig({ env: {} });
    expect(c.kafka.brokers).toBeNull();
    expect(c.opensearch.url).toBeNull();
    expect(c.gateway.proxyPort).toBe(8080);
    expect(c.api.port).toBe(8081);
    expect(c.kafka.topics.revocations).toBe('gatehound.revocations.v1');
  });

  it('reads the settings of the design from the environment', () => {
    const c = loadConfig({
      env: {
        GATEHOUND_KAFKA_BROKERS: 'k1:9092, k2:9092',
        GATEHOUND_OPENSEARCH_URL: 'https://search.internal:9200',
        GATEHOUND_API_TOKENS: JSON.stringify([{ name: 'ops', role: 'admin', sha256: 'a'.repeat(64) }]),
        GATEHOUND_WEBHOOK_URL: 'https://hooks.example.test/in',
        GATEHOUND_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        GATEHOUND_WEBHOOK_FORMAT: 'alertmanager',
        GATEHOUND_KAFKA_SSL: 'true',
        GATEHOUND_PROXY_PORT: '9000',
        GATEHOUND_STACK_KAFKA_PORT: '19092',
        HOME: '/root',
      },
    });
    expect(c.kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(c.kafka.ssl).toBe(true);
    expect(c.opensearch.url).toBe('https://search.internal:9200');
    expect(c.api.tokens[0]!.role).toBe('admin');
    expect(c.alerting.webhookFormat).toBe('alertmanager');
    expect(c.gateway.proxyPort).toBe(9000);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ env: { GATEHOUND_KAFKA_BROKERS: '' } }).kafka.brokers).toBeNull();
  });

  it('reads secrets from *_FILE variables', () => {
    const path = writeFile('secret', '0123456789abcdef-from-file\n');
    expect(loadConfig({ env: { GATEHOUND_KEY_ID_SECRET_FILE: path } }).keyIdSecret).toBe(
      '0123456789abcdef-from-file',
    );
  });

  it('merges a YAML file, the environment winning', () => {
    const file = writeFile(
      'gatehound.yaml',
      stringify({ kafka: { partitions: 12, brokers: ['a:1'] }, api: { port: 9001 } }),
    );
    const c = loadConfig({ env: { GATEHOUND_API_PORT: '9002' }, file });
    expect(c.kafka.partitions).toBe(12);
    expect(c.kafka.brokers).toEqual(['a:1']);
    expect(c.api.port).toBe(9002);
  });

  it('reports every problem at once', () => {
    const err = configError(() =>
      loadConfig({ env: { GATEHOUND_API_PORT: 'x', GATEHOUND_PROXY_PORT: 'y' } }),
    );
    expect(err.message).toContain('GATEHOUND_API_PORT');
    expect(err.message).toContain('GATEHOUND_PROXY_PORT');
  });

  describe('rejects, naming the setting (testdata/config-invalid)', () => {
    for (const name of readdirSync(fixtures).filter((f) => f.endsWith('.yaml'))) {
      it(name.replace('.yaml', ''), () => {
        const fixture = parse(readFileSync(join(fixtures, name), 'utf8')) as {
          env?: Record<string, string>;
          file?: unknown;
          expect: string;
          forbid?: string;
        };
        const file = fixture.file === undefined ? null : writeFile(name, stringify(fixture.file));
        const err = configError(() => loadConfig({ env: fixture.env ?? {}, file }));
        expect(err.code).toBe('CONFIG_INVALID');
        expect(err.message).toContain(fixture.expect.replace('CONFIG_FILE', file ?? ''));
        if (fixture.forbid) expect(err.message).not.toContain(fixture.forbid);
      });
    }
  });
});
