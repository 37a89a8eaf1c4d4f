import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { listeningInodes, portFree, portOwner, probeOpenSearch, tcpConnects, waitHealthy } from './health.js';

const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:2384 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:23F0 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 4343 1 0000000000000000 100 0 0 10 0
   2: 0100007F:2384 0100007F:D3A2 01 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 20 4 30 10 -1
`;

describe('listeningInodes', () => {
  it('finds LISTEN sockets on the port, not established connections', () => {
    expect(listeningInodes(PROC_NET_TCP, 9092)).toEqual(['4242']);
    expect(listeningInodes(PROC_NET_TCP, 9200)).toEqual(['4343']);
    expect(listeningInodes(PROC_NET_TCP, 1234)).toEqual([]);
  });
});

describe('ports', () => {
  it('portFree / tcpConnects / portOwner agree with a real listener', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      expect(await portFree(port)).toBe(false);
      expect(await tcpConnects(port)).toBe(true);
      expect(portOwner(port)?.pid).toBe(process.pid);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(await portFree(port)).toBe(true);
    expect(await tcpConnects(port)).toBe(false);
    expect(portOwner(port)).toBeUndefined();
  });
});

describe('probeOpenSearch', () => {
  it('reports a connection failure as not ok with the reason', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    const probe = await probeOpenSearch(`http://127.0.0.1:${port}`, 1000);
    expect(probe.ok).toBe(false);
    expect(probe.detail).toMatch(/ECONNREFUSED/);
  });
});

describe('waitHealthy', () => {
  it('returns healthy as soon as the probe is ok', async () => {
    let n = 0;
    const res = await waitHealthy(async () => ({ ok: ++n >= 3, detail: `try ${n}` }), {
      timeoutMs: 5000,
      intervalMs: 1,
    });
    expect(res).toEqual({ outcome: 'healthy', probe: { ok: true, detail: 'try 3' } });
  });

  it('stops early when the process died, and times out otherwise', async () => {
    const died = await waitHealthy(async () => ({ ok: false, detail: 'x' }), {
      timeoutMs: 5000,
      alive: () => false,
    });
    expect(died.outcome).toBe('died');
    const slow = await waitHealthy(async () => ({ ok: false, detail: 'still starting' }), {
      timeoutMs: 30,
      intervalMs: 5,
    });
    expect(slow).toEqual({ outcome: 'timeout', probe: { ok: false, detail: 'still starting' } });
  });
});
