import { afterEach, describe, expect, it } from 'vitest';
import { type AdminServer, startAdminServer } from './admin-server.js';
import { Metrics } from './metrics.js';

describe('the admin endpoints', () => {
  let server: AdminServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  async function serve(ready: () => Promise<Record<string, boolean>>) {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.counter({ name: 'gatehound_test_total', help: 'a counter of this test' }).inc(3);
    server = await startAdminServer(metrics, { port: 0, host: '127.0.0.1', ready });
    const base = `http://127.0.0.1:${server.port}`;
    return async (path: string, init?: RequestInit) => {
      const res = await fetch(base + path, init);
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    };
  }

  it('serves the registry in the Prometheus text format', async () => {
    const get = await serve(async () => ({ bus: true }));
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/plain');
    expect(res.body).toContain('gatehound_test_total 3');
  });

  it('is healthy while it serves, and ready only when every check passes, naming each', async () => {
    let bus = false;
    const get = await serve(async () => ({ bus, store: true }));
    expect((await get('/healthz')).status).toBe(200);
    const down = await get('/readyz');
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body)).toEqual({ status: 'not_ready', bus: false, store: true });
    bus = true;
    const up = await get('/readyz');
    expect(up.status).toBe(200);
    expect(JSON.parse(up.body)).toEqual({ status: 'ready', bus: true, store: true });
  });

  it('is not ready when a check fails outright, and answers the rest with 404 and 405', async () => {
    const get = await serve(async () => {
      throw new Error('no answer');
    });
    expect((await get('/readyz')).status).toBe(503);
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/metrics', { method: 'POST' })).status).toBe(405);
  });
});
