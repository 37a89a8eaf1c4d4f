import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../infra/logger.js';

/** A log sink that keeps every line, so a test can search the bytes for what must never appear. */
export function capturedLogger(level = 'trace'): { log: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger({ level, destination: sink }), lines, text: () => lines.join('') };
}

export interface RecordedRequest {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

export interface StubUpstream {
  url: string;
  requests: RecordedRequest[];
  /** The exact body bytes each response carried, in order. */
  sent: Buffer[];
  close(): Promise<void>;
}

export type StubHandler = (req: RecordedRequest, res: ServerResponse, sent: (b: Buffer) => void) => void;

/** A deterministic upstream: records each request and the bytes it answered with. */
export async function startStub(handler: StubHandler): Promise<StubUpstream> {
  const requests: RecordedRequest[] = [];
  const sent: Buffer[] = [];
  const server = http.createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method!,
        url: req.url!,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
      };
      requests.push(r);
      let body = Buffer.alloc(0);
      handler(r, res, (b) => {
        body = Buffer.concat([body, b]);
      });
      res.on('finish', () => sent.push(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    sent,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** An OpenAI-style chat completion body with usage. */
export function chatCompletion(model: string, promptTokens: number, completionTokens: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_764_000_000,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there.' }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    }),
  );
}

/** The frames of a streamed chat completion, the last data frame carrying usage. */
export function chatStreamFrames(model: string, promptTokens: number, completionTokens: number): string[] {
  const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1_764_000_000, model };
  return [
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] })}\n\n`,
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'Hel' } }] })}\n\n`,
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'lo.' } }] })}\n\n`,
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
    `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } })}\n\n`,
    'data: [DONE]\n\n',
  ];
}

/** One HTTP request; resolves with the status, headers, body bytes and the time each chunk arrived. */
/** Writes server-sent-event frames one at a time, `everyMs` apart, recording each as sent; then ends. */
export function writeFramesSlowly(
  res: ServerResponse,
  frames: string[],
  sent: (b: Buffer) => void,
  everyMs: number,
): void {
  let i = 0;
  const next = () => {
    if (i === frames.length) return void res.end();
    const f = Buffer.from(frames[i++]!);
    sent(f);
    res.write(f);
    setTimeout(next, everyMs);
  };
  next();
}

export function request(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string | string[]>;
    body?: string | Buffer;
    agent?: http.Agent;
  } = {},
): Promise<{
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  chunks: { at: number; data: Buffer }[];
}> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent },
      (res) => {
        const chunks: { at: number; data: Buffer }[] = [];
        res.on('data', (d: Buffer) => chunks.push({ at: Date.now(), data: d }));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks.map((c) => c.data)),
            chunks,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
