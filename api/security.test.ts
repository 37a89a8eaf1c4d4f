import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../infra/store/memory.js';
import { apiHarness, bearer, type Harness, incident } from '../test/helpers/api.js';

const KEY = '0123456789abcdef0123456789abcdef';

/** Every operation of the API with concrete paths, from its own OpenAPI document. */
async function operations(h: Harness): Promise<{ method: string; url: string; secured: boolean }[]> {
  const doc = (await h.app.inject({ url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, { security?: unknown[] }>>;
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      url: path.replace('{id}', 'inc-000001').replace('{keyId}', KEY).replace('{subjectKey}', KEY),
      secured: Boolean(op.security?.length),
    })),
  );
}

const MUTATING = ['POST', 'PUT', 'PATCH', 'DELETE'];

let h: Harness;
afterEach(async () => h?.app.close());

describe('API security', () => {
  it('answers 401 with a Bearer challenge on every /v1 route without a token', async () => {
    h = await apiHarness();
    const ops = await operations(h);
    const v1 = ops.filter((o) => o.url.startsWith('/v1/'));
    expect(v1.length).toBeGreaterThanOrEqual(8);
    for (const op of v1) {
      expect(op.secured, `${op.method} ${op.url} is documented as secured`).toBe(true);
      const res = await h.app.inject({
        method: op.method as 'GET',
        url: op.url,
        payload: op.method === 'POST' ? {} : undefined,
      });
      expect(res.statusCode, `${op.method} ${op.url}`).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="gatehound"');
      expect(res.json().error.type).toBe('unauthorized');
    }
  });

  it('answers 401 for a wrong token, and says nothing about the token', async () => {
    h = await apiHarness();
    const res = await h.app.inject({ url: '/v1/incidents', headers: { authorization: 'Bearer guess-123' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('invalid_token');
    expect(res.body).not.toContain('guess-123');
  });

  it('answers 403 to a viewer on every mutating route, and changes nothing', async () => {
    h = await apiHarness();
    await h.deps.store.put('incidents', [{ id: 'inc-000001', doc: incident(1) }]);
    const mutating = (await operations(h)).filter((o) => MUTATING.includes(o.method));
    expect(mutating.map((o) => `${o.method} ${o.url}`).sort()).toEqual([
      `DELETE /v1/revocations/${KEY}`,
      'POST /v1/incidents/inc-000001/ack',
      'POST /v1/incidents/inc-000001/resolve',
      'POST /v1/revocations',
    ]);
    for (const op of mutating) {
      const res = await h.app.inject({
        method: op.method as 'POST',
        url: op.url,
        headers: bearer('viewer'),
        ...(op.url === '/v1/revocations' && { payload: { keyId: KEY, reason: 'x' } }),
      });
      expect(res.statusCode, `${op.method} ${op.url}`).toBe(403);
      expect(res.json().error).toMatchObject({
        type: 'forbidden',
        message: 'this call needs the responder role',
      });
    }
    expect((await h.deps.store.get<{ status: string }>('incidents', 'inc-000001'))?.status).toBe('open');
    expect(h.deps.revocations.size).toBe(0);
  });

  it('answers 413 to a body over the limit, before parsing it', async () => {
    h = await apiHarness({ config: { api: { bodyLimitBytes: 1024 } } });
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/revocations',
      headers: { ...bearer('responder'), 'content-type': 'application/json' },
      payload: JSON.stringify({ keyId: KEY, reason: 'x'.repeat(2000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.type).toBe('payload_too_large');
  });

  it('answers 415 to a body that is not JSON', async () => {
    h = await apiHarness();
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/revocations',
      headers: { ...bearer('responder'), 'content-type': 'text/plain' },
      payload: 'keyId=1',
    });
    expect(res.statusCode).toBe(415);
  });

  it.each([
    ['/v1/incidents?limit=501', 'query', 'limit'],
    ['/v1/incidents?severity=urgent', 'query', 'severity'],
    ['/v1/incidents?since=yesterday', 'query', 'since'],
    ['/v1/incidents?colour=red', 'query', 'colour'],
    ['/v1/incidents?cursor=garbage!', 'query', 'cursor'],
    ['/v1/keys/NOTHEX', 'params', 'keyId'],
    ['/v1/revocations/ip:999.1.1.1', 'params', 'subjectKey'],
  ])('answers 400 naming the field for GET %s', async (url, where, field) => {
    h = await apiHarness();
    const res = await h.app.inject({ url, headers: bearer('viewer') });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.type).toBe('invalid_request');
    expect(error.fields).toContainEqual(expect.objectContaining({ in: where, field }));
    expect(error.message).toContain(field);
  });

  it.each([
    [{ reason: 'x' }, 'keyId'],
    [{ keyId: KEY }, 'reason'],
    [{ keyId: KEY, reason: 'x', ttl: 'forever' }, 'ttl'],
    [{ ip: '10.0.0.300', reason: 'x' }, 'ip'],
    [{ keyId: KEY, reason: 'x', expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
    [{ keyId: KEY, reason: 'x', admin: true }, 'admin'],
  ])('answers 400 naming the field for the revocation body %j', async (payload, field) => {
    h = await apiHarness();
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/revocations',
      headers: bearer('responder'),
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it.each([
    ['a malformed URL', '/v1/incidents/%zz'],
    ['an overlong path parameter', `/v1/incidents/${'x'.repeat(2000)}`],
  ])('answers %s with 400 in the error envelope, echoing nothing', async (_what, url) => {
    h = await apiHarness();
    const res = await h.app.inject({ url, headers: bearer('viewer') });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: expect.objectContaining({ type: 'invalid_request', requestId: expect.any(String) }),
    });
    expect(res.body).not.toContain('%zz');
    expect(res.body).not.toContain('xxxx');
  });

  it('answers 400 for malformed JSON without echoing it', async () => {
    h = await apiHarness();
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/revocations',
      headers: { ...bearer('responder'), 'content-type': 'application/json' },
      payload: '{"keyId": "sk-live-SECRET',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('SECRET');
  });

  it('limits each token, answering 429 with Retry-After', async () => {
    h = await apiHarness({ config: { api: { rateLimitPerMinute: 3 } } });
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push((await h.app.inject({ url: `/v1/keys/${KEY}`, headers: bearer('viewer') })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    const limited = await h.app.inject({ url: `/v1/keys/${KEY}`, headers: bearer('viewer') });
    expect(limited.json().error.type).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another token has its own budget.
    expect((await h.app.inject({ url: `/v1/keys/${KEY}`, headers: bearer('responder') })).statusCode).toBe(
      200,
    );
  });

  it('limits each client address before authentication, so tokens cannot be guessed at speed', async () => {
    h = await apiHarness({ config: { api: { ipRateLimitPerMinute: 2 } } });
    const guess = (n: number) =>
      h.app.inject({
        url: '/v1/incidents',
        headers: { authorization: `Bearer guess-${n}` },
        remoteAddress: '198.51.100.9',
      });
    expect((await guess(1)).statusCode).toBe(401);
    expect((await guess(2)).statusCode).toBe(401);
    const limited = await guess(3);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    const other = await h.app.inject({ url: '/healthz', remoteAddress: '198.51.100.10' });
    expect(other.statusCode).toBe(200);
  });

  it('answers an internal failure with 500, a request id and nothing else', async () => {
    const store = new MemoryStore();
    store.search = async () => {
      throw new Error(
        'connect ECONNREFUSED /var/lib/opensearch/node-1 at Object.<anonymous> (opensearch.js:42)',
      );
    };
    h = await apiHarness({ store });
    const res = await h.app.inject({ url: '/v1/incidents', headers: bearer('viewer') });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body).toEqual({
      error: { type: 'internal', message: 'internal error', requestId: expect.any(String) },
    });
    expect(res.headers['x-request-id']).toBe(body.error.requestId);
    expect(res.body).not.toMatch(/ECONNREFUSED|\/var|\.js|node|fastify|\d+\.\d+\.\d+/i);
    expect(res.headers.server).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('answers an unreachable store with 503 and Retry-After, not 500', async () => {
    const store = new MemoryStore();
    const { GatehoundError } = await import('../infra/errors.js');
    store.get = async () => {
      throw new GatehoundError(
        'STORE_UNAVAILABLE',
        'get from incidents: OpenSearch is unreachable at http://10.0.0.5:9200',
      );
    };
    h = await apiHarness({ store });
    const res = await h.app.inject({ url: '/v1/incidents/x', headers: bearer('viewer') });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).not.toContain('10.0.0.5');
  });

  it('sends security headers on API responses', async () => {
    h = await apiHarness();
    const res = await h.app.inject({ url: '/healthz' });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('lets /docs load its own scripts and styles, and nothing from elsewhere', async () => {
    h = await apiHarness();
    const res = await h.app.inject({ url: '/docs/static/index.html' });
    const page = res.statusCode === 302 ? await h.app.inject({ url: '/docs' }) : res;
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('validator.swagger.io');
    const js = await h.app.inject({ url: '/docs/static/swagger-ui-bundle.js' });
    expect(js.statusCode).toBe(200);
  });

  it('sends no CORS headers by default, so browsers refuse cross-origin calls', async () => {
    h = await apiHarness();
    const res = await h.app.inject({
      method: 'OPTIONS',
      url: '/v1/incidents',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const get = await h.app.inject({
      url: '/v1/incidents',
      headers: { ...bearer('viewer'), origin: 'https://evil.example' },
    });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows only the configured origins when CORS is configured', async () => {
    h = await apiHarness({ config: { api: { corsOrigins: ['https://soc.example.com'] } } });
    const preflight = (origin: string) =>
      h.app.inject({
        method: 'OPTIONS',
        url: '/v1/incidents',
        headers: { origin, 'access-control-request-method': 'GET' },
      });
    expect((await preflight('https://soc.example.com')).headers['access-control-allow-origin']).toBe(
      'https://soc.example.com',
    );
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 405 with Allow for a method a route does not have, and 404 JSON for no route', async () => {
    h = await apiHarness();
    for (const method of ['PUT', 'PATCH', 'DELETE', 'TRACE', 'OPTIONS', 'POST', 'QUERY'] as const) {
      const res = await h.app.inject({ method: method as 'GET', url: '/v1/incidents' });
      expect(res.statusCode, method).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
    }
    const put = await h.app.inject({ method: 'PUT', url: `/v1/revocations/${KEY}` });
    expect(put.headers.allow).toBe('GET, HEAD, DELETE');
    const none = await h.app.inject({ url: '/v2/nothing' });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.type).toBe('not_found');
  });

  it('ignores a client-supplied request id', async () => {
    h = await apiHarness();
    const res = await h.app.inject({ url: '/healthz', headers: { 'x-request-id': 'forged\nline' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
