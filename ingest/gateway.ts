import { hostname } from 'node:os';
import { DeadLetterWriter } from '../infra/dead-letter.js';
import { GatehoundError } from '../infra/errors.js';
import type { Role } from '../infra/metrics.js';
import type { Runtime } from '../infra/runtime.js';
import type { RequestEvent } from '../schemas/request-event.js';
import { Emitter } from './emitter.js';
import { Enforcement, errorBody, type Rejection } from './enforcement.js';
import { buildEvent, type RequestRecord } from './event-builder.js';
import { KeyIdentifier } from './key-id.js';
import { type IngestMetrics, ingestMetrics } from './metrics.js';
import { type PromptOptions, promptFromTexts, userTexts } from './prompt-capture.js';
import { RateLimiter } from './rate-limit.js';
import { Spool } from './spool.js';
import type { Usage } from './usage.js';

/**
 * What the proxy and the Fastify plugin share: key identity, revocation enforcement, rate limits,
 * prompt capture and the event pipeline (build, validate, emit or dead-letter). An entry point only
 * adapts its own request and response objects to these calls.
 */
export class Gateway {
  readonly keys: KeyIdentifier;
  readonly limiter: RateLimiter;
  readonly metrics: IngestMetrics;
  readonly prompt: PromptOptions;
  readonly id: string;
  private readonly deadLetters: DeadLetterWriter;

  private constructor(
    readonly runtime: Runtime,
    readonly role: Role,
    readonly enforcement: Enforcement,
    readonly emitter: Emitter,
  ) {
    const g = runtime.config.gateway;
    this.keys = new KeyIdentifier(runtime.config.keyIdSecret!, g.keyRefMode);
    this.limiter = new RateLimiter(g.rateLimit);
    this.metrics = ingestMetrics(runtime.metrics);
    this.prompt = { mode: g.promptCapture, maxChars: g.promptMaxChars };
    this.id = g.id ?? runtime.instanceId ?? hostname();
    this.deadLetters = new DeadLetterWriter(
      runtime.bus,
      runtime.config.kafka.topics.dlq,
      role,
      runtime.clock,
      runtime.metrics,
    );
  }

  /** Checks the configuration, opens the spool and starts following revocations. */
  static async start(
    runtime: Runtime,
    role: Role,
    options: { spoolDir?: string | null } = {},
  ): Promise<Gateway> {
    const { config, log } = runtime;
    if (!config.keyIdSecret)
      throw new GatehoundError(
        'CONFIG_INVALID',
        'invalid configuration:\n  GATEHOUND_KEY_ID_SECRET: required by the gateway (at least 16 characters): key ids are HMACs with it',
      );
    const g = config.gateway;
    const spoolDir = options.spoolDir === undefined ? g.spoolDir : options.spoolDir;
    const spool = spoolDir
      ? await Spool.open({ dir: spoolDir, maxBytes: g.spoolMaxBytes, log: log.child({ component: 'spool' }) })
      : null;
    const metrics = ingestMetrics(runtime.metrics);
    const emitter = new Emitter({
      bus: runtime.bus,
      topic: config.kafka.topics.requests,
      role,
      log: log.child({ component: 'emitter' }),
      metrics,
      bufferSize: g.bufferSize,
      sendTimeoutMs: g.sendTimeoutMs,
      spool,
    });
    const enforcement = await Enforcement.start(runtime, g.revocationWaitMs);
    return new Gateway(runtime, role, enforcement, emitter);
  }

  /** Revocation first (401/403), then the rate limit (429); null lets the request through. */
  admit(keyId: string | null, ip: string): Rejection | null {
    const rejection = this.enforcement.check(keyId, ip);
    if (rejection) return rejection;
    if (!this.limiter.enabled) return null;
    const d = this.limiter.check(keyId, ip, this.runtime.clock.now());
    if (d.allowed) return null;
    const seconds = Math.max(1, Math.ceil(d.retryAfterMs / 1000));
    return {
      status: 429,
      outcome: 'rate_limited',
      body: errorBody('rate_limited', `Rate limit exceeded (${d.limit} per minute); retry in ${seconds} s.`),
      headers: { 'retry-after': String(seconds) },
    };
  }

  /** The `ai` and `prompt` fields from a parsed request body and the usage the response reported. */
  describe(
    body: unknown,
    usage: Usage | null,
    streamed: boolean,
  ): { ai: RequestEvent['ai']; prompt: RequestEvent['prompt'] } {
    const b =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : null;
    const model = typeof b?.model === 'string' ? b.model : (usage?.model ?? null);
    const texts = b ? userTexts(b) : null;
    const isAi = model !== null || usage !== null || texts !== null;
    const ai = isAi
      ? {
          model,
          inputTokens: usage?.inputTokens ?? null,
          outputTokens: usage?.outputTokens ?? null,
          stream: streamed || b?.stream === true,
        }
      : null;
    const prompt =
      this.prompt.mode === 'none' || !texts || texts.length === 0
        ? null
        : promptFromTexts(texts, this.prompt.maxChars);
    return { ai, prompt };
  }

  /** Builds, validates and emits the event of a finished request; never throws. */
  finish(record: Omit<RequestRecord, 'gatewayId'>): void {
    try {
      const built = buildEvent({ ...record, gatewayId: this.id });
      this.metrics.request(this.role, record.outcome, record.status, record.durationMs / 1000);
      if (record.prompt) this.metrics.redacted(this.role, record.prompt.redactions);
      const tokens = (record.ai?.inputTokens ?? 0) + (record.ai?.outputTokens ?? 0);
      if (tokens > 0)
        this.limiter.charge(record.key?.id ?? null, record.clientIp ?? '', tokens, this.runtime.clock.now());
      if (built.ok) {
        this.emitter.emit(built.event);
        return;
      }
      // Never produced as a RequestEvent: it goes to the dead-letter topic with the reason.
      this.runtime.log.warn({ reason: built.reason }, 'an event failed validation; dead-lettered');
      this.deadLetters
        .write([
          { code: 'EVENT_INVALID', reason: built.reason, payload: JSON.stringify(built.event), source: {} },
        ])
        .catch(() => this.runtime.metrics.dropped.inc({ role: this.role, reason: 'dead_letter_failed' }));
    } catch (err) {
      this.runtime.log.error({ err }, 'could not record a request');
      this.runtime.metrics.error(this.role, 'INTERNAL');
    }
  }

  async stop(): Promise<void> {
    await this.enforcement.stop();
    await this.emitter.close();
  }
}
