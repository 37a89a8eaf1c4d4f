import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { Authenticator, sha256Hex } from './auth.js';

const auth = new Authenticator([
  { name: 'grafana', role: 'viewer', sha256: sha256Hex('view-secret') },
  { name: 'oncall', role: 'responder', sha256: sha256Hex('respond-secret') },
  { name: 'root', role: 'admin', sha256: sha256Hex('admin-secret') },
]);

function request(authorization?: string): FastifyRequest {
  return { headers: authorization === undefined ? {} : { authorization }, principal: null } as FastifyRequest;
}

/** The ApiError a call throws, checked field by field. */
const rejects = (fn: () => unknown, expected: Record<string, unknown>) =>
  expect(fn).toThrow(expect.objectContaining(expected));

describe('Authenticator', () => {
  it('admits a known token and names its owner', () => {
    const req = request('Bearer respond-secret');
    expect(auth.authorize(req, 'viewer')).toEqual({ name: 'oncall', role: 'responder' });
    expect(req.principal).toEqual({ name: 'oncall', role: 'responder' });
  });

  it('accepts the scheme in any case, as RFC 7235 allows', () => {
    expect(auth.authorize(request('bearer view-secret'), 'viewer').name).toBe('grafana');
  });

  it('answers 401 with a Bearer challenge when no token is sent', () => {
    rejects(() => auth.authorize(request(), 'viewer'), {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="gatehound"' },
    });
  });

  it.each([
    'Bearer wrong-secret',
    'Basic dXNlcjpwYXNz',
    'Bearer',
    'Bearer view-secret extra',
    `Bearer ${'a'.repeat(600)}`,
    'view-secret',
  ])('answers 401 invalid_token for %j', (header) => {
    rejects(() => auth.authorize(request(header), 'viewer'), {
      status: 401,
      message: 'the bearer token is not valid',
      headers: { 'www-authenticate': 'Bearer realm="gatehound", error="invalid_token"' },
    });
  });

  it('answers 403 when the role is too weak, after recording who asked', () => {
    const req = request('Bearer view-secret');
    rejects(() => auth.authorize(req, 'responder'), {
      status: 403,
      message: 'this call needs the responder role',
    });
    expect(req.principal?.name).toBe('grafana');
  });

  it('orders roles viewer < responder < admin', () => {
    rejects(() => auth.authorize(request('Bearer respond-secret'), 'admin'), { status: 403 });
    expect(auth.authorize(request('Bearer admin-secret'), 'responder').role).toBe('admin');
  });

  it('admits nobody when no tokens are configured', () => {
    const none = new Authenticator([]);
    rejects(() => none.authorize(request('Bearer view-secret'), 'viewer'), { status: 401 });
  });
});
