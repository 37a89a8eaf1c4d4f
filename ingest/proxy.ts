import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { startAdminServer } from '../infra/admin-server.js';
import { GatehoundError } from '../infra/errors.js';
import type { RunningRole, Runtime } from '../infra/runtime.js';
import type { GatewayOutcome } from '../schemas/request-event.js';
import { clientIp } from './client-ip.js';
import { errorBody } from './enforcement.js';
import { Gateway } from './gateway.js';
import { ResponseTap } from './usage.js';

export interface ProxyOptions {
  /** Overrides of the gateway configuration, for tests and embedding. */
  port?: number;
  host?: string;
  upstreamUrl?: string;
  adminPort?: number | null;
  spoolDir?: string | null;
  /** How long `stop` lets in-flight requests finish. */
  drainMs?: number;
}

export type RunningProxy = RunningRole & { port: number; adminPort: number | null; gateway: Gateway };

/** Request bodies kept for prompt capture and the model; larger ones are forwarded but not read. */
const CAPTURE_BYTES = 4 * 1024 * 1024;
/** Response bodies kept to read `usage` from; event streams are read as they pass instead. */
const RESPONSE_CAPTURE_BYTES = 4 * 1024 * 1024;

/** Connection-level headers (RFC 9110 §7.6.1): they describe one hop and are never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/**
 * `gatehound proxy`: a reverse proxy in front of an OpenAI-compatible upstream. Requests and
 * responses pass unchanged (except hop-by-hop headers and Host, which names the upstream); bodies
 * stream both ways, so server-sent events reach the client chunk by chunk. Revoked keys (401) and
 * blocked addresses (403) are answered here without calling the upstream, as are rate limits (429)
 * and oversized bodies (413). After each response ends, one RequestEvent goes to the emitter.
 */
export async function startProxy(runtime: Runtime, options: ProxyOptions = {}): Promise<RunningProxy> {
  const g = runtime.config.gateway;
  const upstreamUrl = options.upstreamUrl ?? g.upstreamUrl;
  // Every missing setting at once, as the configuration loader reports them.
  const missing = [
    upstreamUrl ? null : '  GATEHOUND_UPSTREAM_URL: required by the proxy (the AI API to forward to)',
    runtime.config.keyIdSecret
      ? null
      : '  GATEHOUND_KEY_ID_SECRET: required by the proxy (at least 16 characters): key ids are HMACs with it',
  ].filter((m) => m !== null);
  if (missing.length > 0 || !upstreamUrl)
    throw new GatehoundError('CONFIG_INVALID', `invalid configuration:\n${missing.join('\n')}`);
  const upstream = new URL(upstreamUrl);
  const gateway = await Gateway.start(runtime, 'proxy', { spoolDir: options.spoolDir });
  const handler = new ProxyHandler(runtime, gateway, upstream);
  const server = http.createServer({ keepAliveTimeout: 65_000, noDelay: true }, (req, res) =>
    handler.handle(req, res),
  );
  server.headersTimeout = 66_000;
  server.on('clientError', (err, socket) => {
    if (socket.writable && !(err as NodeJS.ErrnoException).code?.startsWith('ECONN'))
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  const host = options.host ?? g.proxyHost;
  try {
    await listen(server, options.port ?? g.proxyPort, host);
  } catch (err) {
    await gateway.stop();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const adminPortWanted = options.adminPort === undefined ? g.adminPort : options.adminPort;
  const admin =
    adminPortWanted === null
      ? null
      : await startAdminServer(runtime.metrics, {
          port: adminPortWanted,
          host,
          ready: async () => ({ bus: await runtime.bus.ping(), revocations: gateway.enforcement.caughtUp }),
        }).catch(async (err: unknown) => {
          server.close();
          await gateway.stop();
          throw err;
        });
  runtime.metrics.up.set({ role: 'proxy' }, 1);
  runtime.log.info(
    { port, host, upstream: upstream.origin, adminPort: admin?.port ?? null, gateway: gateway.id },
    'proxy listening',
  );
  let stopping: Promise<void> | null = null;
  return {
    name: 'proxy',
    port,
    adminPort: admin?.port ?? null,
    gateway,
    stop: () => {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const drain = options.drainMs ?? 10_000;
        const timer = setTimeout(() => server.closeAllConnections(), drain);
        await closed;
        clearTimeout(timer);
        await admin?.close();
        handler.close();
        await gateway.stop();
        runtime.metrics.up.set({ role: 'proxy' }, 0);
        runtime.log.info('proxy stopped');
      })();
      return stopping;
    },
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

class ProxyHandler {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly basePath: string;
  private readonly upstreamHost: string;
  private readonly trustProxy: number;
  private readonly maxBodyBytes: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly runtime: Runtime,
    private readonly gateway: Gateway,
    private readonly upstream: URL,
  ) {
    const tls = upstream.protocol === 'https:';
    // Keep-alive to the upstream; an idle socket is closed before a typical server would (5 s), and
    // a server's own Keep-Alive timeout hint is honoured.
    const agentOptions = {
      keepAlive: true,
      timeout: 4000,
      scheduling: 'lifo' as const,
      maxFreeSockets: 256,
      noDelay: true,
    };
    this.agent = tls ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.request = (tls ? https.request : http.request) as typeof http.request;
    this.basePath = upstream.pathname.replace(/\/+$/, '');
    this.upstreamHost = upstream.host;
    const g = runtime.config.gateway;
    this.trustProxy = g.trustProxy;
    this.maxBodyBytes = g.maxBodyBytes;
    this.timeoutMs = g.upstreamTimeoutMs;
  }

  close(): void {
    this.agent.destroy();
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const started = this.runtime.clock.now();
    const t0 = process.hrtime.bigint();
    const gw = this.gateway;
    const key = gw.keys.identify(req.headers);
    const ip = clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], this.trustProxy);
    const target = req.url ?? '/';
    let requestBytes = 0;
    let responseBytes = 0;
    let status = 0;
    let outcome: GatewayOutcome = 'forwarded';
    let captured: Buffer[] | null = wantsCapture(req) ? [] : null;
    let capturedBytes = 0;
    let tap: ResponseTap | null = null;
    let upstreamReq: http.ClientRequest | null = null;
    let finished = false;
    let answered = false;

    const finish = () => {
      if (finished) return;
      finished = true;
      const durationMs = Number(process.hrtime.bigint() - t0) / 1e6;
      // The client went away before an answer: nginx's 499.
      if (!res.headersSent) status = 499;
      const body = captured;
      const t = tap;
      void (async () => {
        const usage = t ? await t.end() : null;
        const parsed = body ? parseBody(body, req.headers['content-encoding']) : null;
        const { ai, prompt } =
          parsed === null && usage === null
            ? { ai: null, prompt: null }
            : gw.describe(parsed, usage, t?.streamed ?? false);
        gw.finish({
          start: started,
          durationMs,
          clientIp: ip,
          userAgent: header(req, 'user-agent'),
          key,
          method: req.method ?? 'GET',
          target,
          status,
          requestBytes: Math.max(requestBytes, Number(req.headers['content-length']) || 0),
          responseBytes,
          ai,
          prompt,
          outcome,
        });
      })();
    };
    res.once('close', () => {
      if (!res.writableFinished) upstreamReq?.destroy();
      finish();
    });

    const answer = (code: number, body: string, why: GatewayOutcome, extra: Record<string, string> = {}) => {
      answered = true;
      status = code;
      outcome = why;
      responseBytes = Buffer.byteLength(body);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(code, { 'content-type': 'application/json', 'content-length': responseBytes, ...extra });
      res.end(body);
    };

    const rejection = gw.admit(key?.id ?? null, ip ?? '');
    if (rejection) {
      captured = null;
      answer(rejection.status, rejection.body, rejection.outcome, rejection.headers);
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (declared > this.maxBodyBytes) {
      captured = null;
      answer(413, tooLarge(this.maxBodyBytes), 'rejected', { connection: 'close' });
      return;
    }

    upstreamReq = this.request({
      agent: this.agent,
      protocol: this.upstream.protocol,
      hostname: this.upstream.hostname,
      port: this.upstream.port || undefined,
      method: req.method,
      path: this.basePath + forwardPath(target),
      headers: forwardHeaders(req.rawHeaders, this.upstreamHost),
    });
    const up = upstreamReq;
    // Headers and body go out as separate writes: with Nagle's algorithm the body would wait for an ACK.
    // Per request, not only the agent's noDelay: https.Agent does not pass that on to its TLS sockets.
    up.setNoDelay(true);
    up.setTimeout(this.timeoutMs, () => up.destroy(new UpstreamTimeout()));
    up.on('response', (ures) => {
      status = ures.statusCode ?? 502;
      const type = ures.headers['content-type'];
      tap = new ResponseTap(type, ures.headers['content-encoding'], RESPONSE_CAPTURE_BYTES);
      const t = tap;
      res.writeHead(status, ures.statusMessage, responseHeaders(ures.rawHeaders));
      // Event streams and bodies of unknown length: headers go out now, not with the first chunk.
      if (t.streamed || ures.headers['content-length'] === undefined) res.flushHeaders();
      ures.on('data', (chunk: Buffer) => {
        responseBytes += chunk.length;
        t.write(chunk);
      });
      ures.on('error', () => res.destroy());
      ures.on('aborted', () => res.destroy());
      ures.pipe(res);
    });
    up.on('error', (err) => {
      // Our own doing (a 413, a client that left): nothing to report.
      if (answered || finished) return;
      const timeout = err instanceof UpstreamTimeout;
      this.gateway.metrics.upstreamErrors.inc({ reason: timeout ? 'timeout' : errorReason(err) });
      if (!res.headersSent) {
        this.runtime.log.warn(
          { err: err.message, upstream: this.upstream.origin },
          'upstream request failed',
        );
        answer(
          timeout ? 504 : 502,
          errorBody(
            timeout ? 'upstream_timeout' : 'upstream_unavailable',
            timeout ? 'The upstream API did not answer in time.' : 'The upstream API could not be reached.',
          ),
          'forwarded',
        );
      } else res.destroy();
    });

    req.on('data', (chunk: Buffer) => {
      requestBytes += chunk.length;
      if (requestBytes > this.maxBodyBytes && !answered) {
        captured = null;
        req.unpipe(up);
        up.destroy();
        answer(413, tooLarge(this.maxBodyBytes), 'rejected', { connection: 'close' });
        return;
      }
      if (captured) {
        capturedBytes += chunk.length;
        if (capturedBytes > CAPTURE_BYTES) captured = null;
        else captured.push(chunk);
      }
    });
    req.on('error', () => up.destroy());
    req.pipe(up);
  }
}

class UpstreamTimeout extends Error {
  constructor() {
    super('upstream timeout');
  }
}

function errorReason(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) return 'tls';
  return 'other';
}

function tooLarge(max: number): string {
  return errorBody('request_too_large', `The request body is larger than ${max} bytes.`);
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? null) : null;
}

/** Request bodies worth reading: JSON sent with a method that carries one. */
function wantsCapture(req: IncomingMessage): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return false;
  const type = req.headers['content-type'];
  return type === undefined || type.toLowerCase().includes('json');
}

function parseBody(chunks: Buffer[], encoding: string | string[] | undefined): unknown {
  if (chunks.length === 0) return null;
  try {
    let raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const enc = typeof encoding === 'string' ? encoding.trim().toLowerCase() : '';
    const limit = { maxOutputLength: CAPTURE_BYTES };
    if (enc === 'gzip' || enc === 'x-gzip') raw = zlib.gunzipSync(raw, limit);
    else if (enc === 'deflate') raw = zlib.inflateSync(raw, limit);
    else if (enc === 'br') raw = zlib.brotliDecompressSync(raw, limit);
    else if (enc !== '' && enc !== 'identity') return null;
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
}

/** The path and query to send upstream: an absolute-form target ("http://host/p?q") gives its path. */
function forwardPath(target: string): string {
  if (target.startsWith('/')) return target;
  const scheme = target.indexOf('://');
  if (scheme > 0) {
    const slash = target.indexOf('/', scheme + 3);
    return slash < 0 ? '/' : target.slice(slash);
  }
  return `/${target}`;
}

/** Header names the Connection header lists: they are hop-by-hop too. Null when there is none. */
function connectionTokens(raw: string[]): Set<string> | null {
  let tokens: Set<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'connection') {
      tokens ??= new Set();
      for (const t of raw[i + 1]!.split(',')) tokens.add(t.trim().toLowerCase());
    }
  }
  return tokens;
}

/**
 * The client's headers as sent (names, order, repeats), less hop-by-hop ones, with Host naming the
 * upstream. An object, not node:http's flat list: with a list, node fixes the framing when the request
 * is made, and a POST without a body would go out chunked instead of with Content-Length: 0.
 */
export function forwardHeaders(raw: string[], upstreamHost: string): OutgoingHttpHeaders {
  const listed = connectionTokens(raw);
  const out: Record<string, string | string[]> = {};
  const names = new Map<string, string>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed?.has(lower) || lower === 'host') continue;
    const value = raw[i + 1]!;
    const seen = names.get(lower);
    if (seen === undefined) {
      names.set(lower, name);
      out[name] = value;
    } else {
      const prev = out[seen]!;
      out[seen] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  }
  out.Host = upstreamHost;
  return out;
}

/** The upstream's response headers as sent, less hop-by-hop ones, as the flat list writeHead takes. */
export function responseHeaders(raw: string[]): string[] {
  const listed = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed?.has(lower)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}
