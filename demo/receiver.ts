import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** How to answer the next requests: a status (Slack answers 200 "ok"), or "hang" to never answer. */
  answer: number | 'hang';
  close(): Promise<void>;
}

/**
 * A local HTTP server speaking the receiving side of Slack's incoming webhooks (POST JSON, `ok`) and of
 * generic webhooks: it records every request and answers as told.
 */
export async function startReceiver(answer: number | 'hang' = 200): Promise<Receiver> {
  const received: Received[] = [];
  const hanging = new Set<() => void>();
  const state = { answer };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (state.answer === 'hang') {
        hanging.add(() => res.destroy());
        return;
      }
      res.writeHead(state.answer, { 'content-type': 'text/plain' }).end(state.answer < 300 ? 'ok' : 'error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    get answer() {
      return state.answer;
    },
    set answer(a) {
      state.answer = a;
    },
    async close() {
      for (const h of hanging) h();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
