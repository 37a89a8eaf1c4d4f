import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Runtime } from '../infra/runtime.js';
import type { Gateway } from './gateway.js';

export interface AdminServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The proxy's own endpoints, on their own port so they never shadow an upstream path:
 * `/metrics` (Prometheus, the shared registry), `/healthz` (the process serves) and `/readyz`
 * (revocations read and the bus answering; 503 with the reasons otherwise).
 */
export async function startAdminServer(
  runtime: Runtime,
  gateway: Gateway,
  port: number,
  host: string,
): Promise<AdminServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'application/json', '{"error":{"type":"method_not_allowed"}}');
    if (path === '/healthz') return send(200, 'application/json', '{"status":"ok"}');
    if (path === '/readyz') {
      void runtime.bus.ping().then((bus) => {
        const revocations = gateway.enforcement.caughtUp;
        const ok = bus && revocations;
        send(
          ok ? 200 : 503,
          'application/json',
          JSON.stringify({ status: ok ? 'ready' : 'not_ready', bus, revocations }),
        );
      });
      return;
    }
    if (path === '/metrics') {
      void runtime.metrics.registry.metrics().then(
        (text) => send(200, runtime.metrics.registry.contentType, text),
        () => send(500, 'text/plain', 'metrics unavailable\n'),
      );
      return;
    }
    send(404, 'application/json', '{"error":{"type":"not_found"}}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
