import { Agent, request } from 'node:http';

export interface Reply {
  status: number;
  body: string;
}

/**
 * One simulated client: its own loopback address (the whole 127.0.0.0/8 range answers locally),
 * so the proxy sees distinct sources as it would on the internet, and a keep-alive connection pool.
 */
export class DemoClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    readonly address: string,
    readonly apiKey: string | null,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 4, localAddress: address });
  }

  send(method: string, path: string, body?: unknown): Promise<Reply> {
    const url = new URL(path, this.baseUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { 'user-agent': 'gatehound-demo/1.0' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent, timeout: 10_000 }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }),
        );
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  chat(content: string, model = 'gpt-4o-mini'): Promise<Reply> {
    return this.send('POST', '/v1/chat/completions', { model, messages: [{ role: 'user', content }] });
  }

  close(): void {
    this.agent.destroy();
  }
}
