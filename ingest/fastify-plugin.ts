import { Readable, Transform } from 'node:stream';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { loadConfig } from '../infra/config.js';
import { createRuntime, type Runtime } from '../infra/runtime.js';
import type { Config } from '../schemas/config.js';
import type { GatewayOutcome, RequestEvent } from '../schemas/request-event.js';
import { clientIp } from './client-ip.js';
import { Gateway } from './gateway.js';
import { ResponseTap, type Usage } from './usage.js';

export interface GatehoundFastifyOptions {
  /** A runtime to share (in-process with other gatehound roles); by default one is built from `config`. */
  runtime?: Runtime;
  /** The configuration; by default read from GATEHOUND_* and GATEHOUND_CONFIG_FILE, as the CLI does. */
  config?: Config;
  /** Requests to leave out of events and enforcement (health checks, metrics). */
  skip?: (request: FastifyRequest) => boolean;
}

interface State {
  started: number;
  t0: bigint;
  key: RequestEvent['key'];
  ip: string | null;
  outcome: GatewayOutcome;
  responseBytes: number;
  tap: ResponseTap | null;
  usage: Promise<Usage | null> | null;
}

const RESPONSE_CAPTURE_BYTES = 4 * 1024 * 1024;

declare module 'fastify' {
  interface FastifyInstance {
    /** The gatehound gateway this app reports to and enforces from. */
    gatehound: Gateway;
  }
}

/**
 * `gatehound/fastify`: the gateway inside a Fastify app. Every request gets the proxy's treatment
 * in-process: the key's id, revocations (401 `key_revoked`, 403 `ip_blocked`) and rate limits (429)
 * before any handler runs, and after the response one redacted RequestEvent with status, sizes,
 * duration, model, token usage (from JSON replies and streamed server-sent events) and the user's
 * prompt from the parsed body. Body size limits stay Fastify's own (`bodyLimit`, 413).
 *
 *     import gatehound from 'gatehound/fastify';
 *     await app.register(gatehound);   // GATEHOUND_KEY_ID_SECRET, GATEHOUND_KAFKA_BROKERS, …
 */
const plugin: FastifyPluginAsync<GatehoundFastifyOptions> = async (app: FastifyInstance, options) => {
  const owned = options.runtime === undefined;
  const runtime = options.runtime ?? createRuntime(options.config ?? loadConfig());
  if (owned) await runtime.bus.ensureTopics().catch(() => undefined);
  const gateway = await Gateway.start(runtime, 'proxy');
  const trust = runtime.config.gateway.trustProxy;
  const states = new WeakMap<FastifyRequest, State>();
  app.decorate('gatehound', gateway);

  app.addHook('onRequest', async (request, reply) => {
    if (options.skip?.(request)) return;
    const state: State = {
      started: runtime.clock.now(),
      t0: process.hrtime.bigint(),
      key: gateway.keys.identify(request.headers),
      ip: clientIp(request.raw.socket.remoteAddress, request.headers['x-forwarded-for'], trust),
      outcome: 'forwarded',
      responseBytes: 0,
      tap: null,
      usage: null,
    };
    states.set(request, state);
    const rejection = gateway.admit(state.key?.id ?? null, state.ip ?? '');
    if (!rejection) return;
    state.outcome = rejection.outcome;
    reply.code(rejection.status).type('application/json');
    if (rejection.headers) reply.headers(rejection.headers);
    return reply.send(rejection.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const state = states.get(request);
    if (!state) return payload;
    const type = reply.getHeader('content-type');
    const encoding = reply.getHeader('content-encoding');
    const tap = new ResponseTap(
      typeof type === 'string' ? type : undefined,
      typeof encoding === 'string' ? encoding : undefined,
      RESPONSE_CAPTURE_BYTES,
    );
    state.tap = tap;
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
      const buf = typeof payload === 'string' ? Buffer.from(payload) : payload;
      state.responseBytes = buf.length;
      tap.write(buf);
      state.usage = tap.end();
      return payload;
    }
    if (payload instanceof Readable) {
      // Streams pass through chunk by chunk; the tap reads usage on the side (a listener on
      // 'data' would start the flow before Fastify pipes it, so the chunks are seen in transform).
      const through = new Transform({
        transform(chunk: Buffer | string, _enc, done) {
          const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          state.responseBytes += buf.length;
          tap.write(buf);
          done(null, buf);
        },
      });
      state.usage = new Promise((resolve) => {
        through.once('end', () => resolve(tap.end()));
        through.once('close', () => resolve(tap.end()));
      });
      payload.on('error', (err) => through.destroy(err));
      return payload.pipe(through);
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const state = states.get(request);
    if (!state) return;
    const durationMs = Number(process.hrtime.bigint() - state.t0) / 1e6;
    const usage = state.usage ? await state.usage : null;
    const { ai, prompt } =
      state.outcome === 'forwarded'
        ? gateway.describe(request.body, usage, state.tap?.streamed ?? false)
        : { ai: null, prompt: null };
    gateway.finish({
      start: state.started,
      durationMs,
      clientIp: state.ip,
      userAgent: request.headers['user-agent'] ?? null,
      key: state.key,
      method: request.method,
      target: request.url,
      status: reply.statusCode,
      requestBytes: Number(request.headers['content-length']) || 0,
      responseBytes: state.responseBytes,
      ai,
      prompt,
      outcome: state.outcome,
    });
  });

  app.addHook('onClose', async () => {
    await gateway.stop();
    if (owned) await Promise.allSettled([runtime.bus.close(), runtime.store.close()]);
  });
};

/** The plugin, wrapped so its hooks apply to the whole app rather than one encapsulated context. */
const gatehoundFastify = fp(plugin, { name: 'gatehound', fastify: '5.x' });
export default gatehoundFastify;
export { gatehoundFastify };
