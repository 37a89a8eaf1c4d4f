import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGatehoundError } from '../infra/errors.js';
import { createLogger } from '../infra/logger.js';
import { createRuntime } from '../infra/runtime.js';
import { Config } from '../schemas/config.js';
import { freePort } from '../test/helpers/api.js';
import { startApi } from './server.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehound-tls-'));
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');

function httpsGet(port: number, path: string): Promise<{ status: number; body: string; protocol: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, rejectUnauthorized: false }, (res) => {
      const protocol = (res.socket as unknown as { getProtocol(): string }).getProtocol();
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, protocol }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(() => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ],
    { stdio: 'ignore' },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('startApi', () => {
  it('speaks HTTPS (TLS 1.2 or later) when a certificate and key are configured', async () => {
    const config = Config.parse({ api: { port: await freePort(), tlsCertFile: cert, tlsKeyFile: key } });
    const role = await startApi(createRuntime(config, { log: createLogger({ level: 'silent' }) }));
    try {
      const res = await httpsGet(role.port, '/healthz');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
      expect(['TLSv1.2', 'TLSv1.3']).toContain(res.protocol);
    } finally {
      await role.stop();
    }
  });

  it('stops with a configuration error, when the certificate cannot be read', async () => {
    const config = Config.parse({
      api: { port: await freePort(), tlsCertFile: join(dir, 'missing.pem'), tlsKeyFile: key },
    });
    const err = await startApi(createRuntime(config, { log: createLogger({ level: 'silent' }) })).catch(
      (e: unknown) => e,
    );
    expect(isGatehoundError(err, 'CONFIG_INVALID')).toBe(true);
    expect((err as Error).message).toContain('ENOENT');
  });

  it('refuses a certificate without its key at configuration time', () => {
    const parsed = Config.safeParse({ api: { tlsCertFile: cert } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['api', 'tlsKeyFile']);
  });
});
