import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics.js';

export interface AdminServer {
  port: number;
  close(): Promise<void>;
}

export interface AdminServerOptions {
  port: number;
  host: string;
  /** What readiness depends on, by name (the bus answering, revocations read…); all true is ready. */
  ready(): Promise<Record<string, boolean>>;
}

/**
 * A role's own endpoints, on a port of their own so they never shadow a served path: `/metrics`
 * (Prometheus, the process's registry), `/healthz` (the process serves) and `/readyz` (every check
 * passes; 503 with each check's state otherwise). Roles without an HTTP server of their own (the
 * proxy, a detector worker, the responder) are scraped and probed here.
 */
export async function startAdminServer(metrics: Metrics, options: AdminServerOptions): Promise<AdminServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'application/json', '{"error":{"type":"method_not_allowed"}}');
    if (path === '/healthz') return send(200, 'application/json', '{"status":"ok"}');
    if (path === '/readyz') {
      void options.ready().then(
        (checks) => {
          const ok = Object.values(checks).every(Boolean);
          send(
            ok ? 200 : 503,
            'application/json',
            JSON.stringify({ status: ok ? 'ready' : 'not_ready', ...checks }),
          );
        },
        () => send(503, 'application/json', '{"status":"not_ready"}'),
      );
      return;
    }
    if (path === '/metrics') {
      void metrics.registry.metrics().then(
        (text) => send(200, metrics.registry.contentType, text),
        () => send(500, 'text/plain', 'metrics unavailable\n'),
      );
      return;
    }
    send(404, 'application/json', '{"error":{"type":"not_found"}}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
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
