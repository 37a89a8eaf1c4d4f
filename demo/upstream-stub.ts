import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for an OpenAI-compatible API, speaking its wire protocol: chat completions
 * (plain, and streamed as server-sent events with the optional usage chunk), completions,
 * embeddings and the model list, with OpenAI's error bodies. For the demo, tests and benchmarks.
 */
export interface UpstreamStubOptions {
  port?: number;
  host?: string;
  /** Keys accepted as `Authorization: Bearer …`; null accepts any non-empty key. */
  keys?: Set<string> | null;
  models?: string[];
  /** Content deltas per streamed answer. */
  streamChunks?: number;
}

export interface UpstreamStub {
  url: string;
  server: Server;
  /** Requests served, by path. */
  requests: Map<string, number>;
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'o4-mini', 'text-embedding-3-small'];
const ANSWER = 'Here is a helpful answer from the local stub upstream.';

export async function startUpstreamStub(options: UpstreamStubOptions = {}): Promise<UpstreamStub> {
  const models = new Set(options.models ?? DEFAULT_MODELS);
  const requests = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    readBody(req).then(
      (body) =>
        handle(req, res, path, body, {
          models,
          keys: options.keys ?? null,
          chunks: options.streamChunks ?? 8,
        }),
      () => res.destroy(),
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Ctx {
  models: Set<string>;
  keys: Set<string> | null;
  chunks: number;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  raw: string,
  ctx: Ctx,
): ServerResponse {
  const route = ROUTES[`${req.method} ${path}`];
  if (!route && !(req.method === 'GET' && path === '/v1/models'))
    return error(res, 404, `Invalid URL (${req.method} ${path})`, null);
  const key = bearer(req);
  if (!key || (ctx.keys && !ctx.keys.has(key))) {
    return error(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
  }
  if (!route) {
    return json(res, 200, {
      object: 'list',
      data: [...ctx.models].map((id) => ({
        id,
        object: 'model',
        created: 1_700_000_000,
        owned_by: 'gatehound-stub',
      })),
    });
  }
  let body: Record<string, unknown>;
  try {
    body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  } catch {
    return error(res, 400, 'We could not parse the JSON body of your request.', null);
  }
  const model = typeof body.model === 'string' ? body.model : '';
  if (!ctx.models.has(model))
    return error(
      res,
      404,
      `The model \`${model}\` does not exist or you do not have access to it.`,
      'model_not_found',
    );
  route(res, body, model, ctx);
  return res;
}

type Route = (res: ServerResponse, body: Record<string, unknown>, model: string, ctx: Ctx) => void;

const ROUTES: Record<string, Route> = {
  'POST /v1/chat/completions': (res, body, model, ctx) => {
    const promptTokens = tokens(JSON.stringify(body.messages ?? ''));
    const completionTokens = tokens(ANSWER);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
    const id = `chatcmpl-${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    const created = Math.floor(Date.now() / 1000);
    if (body.stream !== true) {
      return json(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: ANSWER, refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage,
      });
    }
    const includeUsage =
      (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`;
    const words = ANSWER.split(' ');
    const per = Math.ceil(words.length / ctx.chunks);
    const frames = [
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]),
    ];
    for (let i = 0; i < words.length; i += per) {
      const text = words.slice(i, i + per).join(' ') + (i + per < words.length ? ' ' : '');
      frames.push(chunk([{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }]));
    }
    frames.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]));
    if (includeUsage) frames.push(chunk([], { usage }));
    frames.push('data: [DONE]\n\n');
    // Frames go out one by one on separate ticks, as a real model's tokens would.
    const next = () => {
      const frame = frames.shift();
      if (frame === undefined) return void res.end();
      res.write(frame);
      setImmediate(next);
    };
    next();
  },
  'POST /v1/completions': (res, body, model) => {
    const promptTokens = tokens(String(body.prompt ?? ''));
    const completionTokens = tokens(ANSWER);
    json(res, 200, {
      id: `cmpl-${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      object: 'text_completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ text: ANSWER, index: 0, logprobs: null, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    });
  },
  'POST /v1/embeddings': (res, body, model) => {
    const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
    const promptTokens = inputs.reduce((n: number, i) => n + tokens(String(i)), 0);
    json(res, 200, {
      object: 'list',
      data: inputs.map((_, index) => ({
        object: 'embedding',
        index,
        embedding: [0.0123, -0.0456, 0.0789, 0.001],
      })),
      model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  },
};

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim() || null;
  const k = req.headers['x-api-key'] ?? req.headers['api-key'];
  return typeof k === 'string' && k ? k : null;
}

/** About four characters per token, as OpenAI's rule of thumb. */
function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function json(res: ServerResponse, status: number, body: unknown): ServerResponse {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  return res.end(text);
}

function error(res: ServerResponse, status: number, message: string, code: string | null): ServerResponse {
  return json(res, status, { error: { message, type: 'invalid_request_error', param: null, code } });
}
