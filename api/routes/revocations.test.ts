import { describe, expect, it } from 'vitest';
import { RevocationSet } from '../../infra/revocations.js';
import { apiHarness, bearer, type Harness } from '../../test/helpers/api.js';

const KEY = 'feedfacefeedfacefeedfacefeedface';

async function harness(): Promise<Harness & { follower: RevocationSet }> {
  const h = await apiHarness();
  // A gateway elsewhere, following the topic: what it sees is what was really published.
  const follower = new RevocationSet(h.deps.clock);
  await h.deps.bus.tail({
    topic: h.deps.config.kafka.topics.revocations,
    onMessage: (m) => void follower.apply(m),
  });
  return { ...h, follower };
}

const revoke = (h: Harness, payload: object) =>
  h.app.inject({ method: 'POST', url: '/v1/revocations', headers: bearer('responder'), payload });

describe('POST /v1/revocations', () => {
  it('publishes a key revocation with a ttl, made by the token, and answers 201 with it', async () => {
    const h = await harness();
    const res = await revoke(h, {
      keyId: KEY,
      reason: 'leaked in a public repo',
      ttl: '2h',
      incidentId: 'inc-1',
    });
    expect(res.statusCode).toBe(201);
    const expected = {
      schema: 'gatehound.revocation.v1',
      subject: { kind: 'key', id: KEY },
      reason: 'leaked in a public repo',
      incidentId: 'inc-1',
      actor: 'api:responder-1',
      createdAt: '2026-12-01T12:00:00.000Z',
      expiresAt: '2026-12-01T14:00:00.000Z',
    };
    expect(res.json()).toEqual(expected);
    expect(h.follower.checkKey(KEY)).toEqual({ revoked: true, revocation: expected });
  });

  it('blocks an address range until reinstated when no expiry is given, in one canonical spelling', async () => {
    const h = await harness();
    const res = await revoke(h, { ip: '2001:DB8:0:0::/32', reason: 'scanner' });
    expect(res.json()).toMatchObject({ subject: { kind: 'ip', id: '2001:db8::/32' }, expiresAt: null });
    expect(h.follower.checkIp('2001:db8::1').revoked).toBe(true);
  });

  it('takes an absolute expiresAt', async () => {
    const h = await harness();
    const res = await revoke(h, { ip: '198.51.100.7', reason: 'x', expiresAt: '2026-12-02T00:00:00+01:00' });
    expect(res.json().expiresAt).toBe('2026-12-01T23:00:00.000Z');
  });

  it('refuses both expiresAt and ttl at once', async () => {
    const h = await harness();
    const res = await revoke(h, { keyId: KEY, reason: 'x', ttl: '1h', expiresAt: '2026-12-02T00:00:00Z' });
    expect(res.statusCode).toBe(400);
  });
});

describe('GET /v1/keys/:keyId', () => {
  it('says whether a key is revoked, and stops saying so at expiry', async () => {
    const h = await harness();
    const status = async () =>
      (await h.app.inject({ url: `/v1/keys/${KEY}`, headers: bearer('viewer') })).json();
    expect(await status()).toEqual({ keyId: KEY, revoked: false, revocation: null });
    await revoke(h, { keyId: KEY, reason: 'x', ttl: '15m' });
    expect(await status()).toMatchObject({ revoked: true, revocation: { reason: 'x' } });
    h.deps.clock.advance(15 * 60_000);
    expect(await status()).toEqual({ keyId: KEY, revoked: false, revocation: null });
  });
});

describe('GET and DELETE /v1/revocations/:subjectKey', () => {
  it('lists, shows and reinstates a key, publishing a tombstone', async () => {
    const h = await harness();
    await revoke(h, { keyId: KEY, reason: 'x' });
    const list = (await h.app.inject({ url: '/v1/revocations', headers: bearer('viewer') })).json();
    expect(list.total).toBe(1);
    expect(
      (await h.app.inject({ url: `/v1/revocations/key:${KEY}`, headers: bearer('viewer') })).statusCode,
    ).toBe(200);
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/v1/revocations/${KEY}`,
      headers: bearer('responder'),
    });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect(h.follower.checkKey(KEY).revoked).toBe(false);
    expect(
      (await h.app.inject({ url: `/v1/revocations/${KEY}`, headers: bearer('viewer') })).statusCode,
    ).toBe(404);
  });

  it('reinstates a range given URL-encoded, under the key it was published with', async () => {
    const h = await harness();
    await revoke(h, { ip: '10.0.0.0/8', reason: 'x' });
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/v1/revocations/${encodeURIComponent('ip:10.0.0.0/8')}`,
      headers: bearer('responder'),
    });
    expect(del.statusCode).toBe(204);
    expect(h.follower.checkIp('10.1.2.3').revoked).toBe(false);
  });

  it('takes a bare address as the subject, as the Revocation names it', async () => {
    const h = await harness();
    const created = (await revoke(h, { ip: '2001:DB8::7', reason: 'x' })).json();
    const url = `/v1/revocations/${encodeURIComponent(created.subject.id)}`;
    expect((await h.app.inject({ url, headers: bearer('viewer') })).json()).toEqual(created);
    expect((await h.app.inject({ method: 'DELETE', url, headers: bearer('responder') })).statusCode).toBe(
      204,
    );
    expect(h.follower.checkIp('2001:db8::7').revoked).toBe(false);
  });

  it('answers 404 when nothing is revoked for exactly this subject', async () => {
    const h = await harness();
    await revoke(h, { ip: '10.0.0.0/8', reason: 'x' });
    const inside = await h.app.inject({
      method: 'DELETE',
      url: '/v1/revocations/ip:10.1.2.3',
      headers: bearer('responder'),
    });
    expect(inside.statusCode).toBe(404);
    expect(h.follower.checkIp('10.1.2.3').revoked).toBe(true);
  });

  it('audits revocations and reinstatements with the subject and the client address', async () => {
    const h = await harness();
    await revoke(h, { keyId: KEY, reason: 'x', ttl: '1h' });
    await h.app.inject({ method: 'DELETE', url: `/v1/revocations/${KEY}`, headers: bearer('responder') });
    const { items } = await h.deps.store.search('actions', {
      sort: [{ field: 'type', order: 'desc' }],
      limit: 5,
    });
    expect(items.map((a) => [a.type, a.status, a.actor])).toEqual([
      ['revoke', 'succeeded', 'api:responder-1'],
      ['reinstate', 'succeeded', 'api:responder-1'],
    ]);
    expect(items[0]).toMatchObject({
      subject: { kind: 'key', id: KEY },
      detail: { clientIp: '127.0.0.1', reason: 'x' },
    });
  });
});
