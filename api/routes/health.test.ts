import { describe, expect, it } from 'vitest';
import { apiHarness, bearer } from '../../test/helpers/api.js';

describe('health, readiness and metrics', () => {
  it('answers /healthz without a token', async () => {
    const { app } = await apiHarness();
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('is ready when every check passes', async () => {
    const { app } = await apiHarness();
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { bus: 'up', store: 'up' } });
  });

  it('answers 503 naming what is down, also for a check that hangs or throws', async () => {
    const { app } = await apiHarness({
      deps: {
        readyChecks: {
          bus: async () => true,
          store: async () => false,
          revocations: () => Promise.reject(new Error('boom')),
        },
      },
    });
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'not_ready',
      checks: { bus: 'up', store: 'down', revocations: 'down' },
      message: 'down: store, revocations',
    });
  });

  it('serves Prometheus text with the shared vocabulary and the API metrics', async () => {
    const h = await apiHarness();
    await h.app.inject({
      method: 'POST',
      url: '/v1/revocations',
      headers: bearer('responder'),
      payload: { ip: '203.0.113.9', reason: 'x' },
    });
    await h.app.inject({ url: '/v1/keys/0123456789abcdef0123456789abcdef', headers: bearer('viewer') });
    const res = await h.app.inject({ url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('gatehound_messages_consumed_total');
    expect(res.body).toContain('gatehound_revocations_active{kind="ip"} 1');
    expect(res.body).toContain('gatehound_revocations_active{kind="key"} 0');
    expect(res.body).toMatch(
      /gatehound_api_request_duration_seconds_count\{method="GET",route="\/v1\/keys\/:keyId",status="200"\} 1/,
    );
  });

  it('can be built twice on one registry (gatehound start runs several roles in one process)', async () => {
    const first = await apiHarness();
    const second = await apiHarness({ deps: { metrics: first.deps.metrics } });
    expect((await second.app.inject({ url: '/metrics' })).statusCode).toBe(200);
  });
});
