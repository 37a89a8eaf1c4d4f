import { z } from 'zod';
import { IpAddress, KeyId, Timestamp } from './common.js';

export const REQUEST_EVENT_SCHEMA = 'gatehound.request.v1';

/** Largest prompt text a gateway may send; gateways truncate to a configured length below this. */
export const MAX_PROMPT_TEXT = 65_536;

export const GatewayOutcome = z.enum(['forwarded', 'revoked', 'blocked', 'rate_limited', 'rejected']);
export type GatewayOutcome = z.infer<typeof GatewayOutcome>;

const count = z.number().int().nonnegative();

/**
 * RequestEvent v1: one redacted record per request, produced by every gateway.
 * Strict objects: a field this version does not define makes the event invalid, so a producer
 * that drifts from the contract is noticed in the dead-letter topic instead of silently ignored.
 *
 * Compiled (zod's own code generation, falling back to the runtime parser for the issues of an invalid
 * event): the detect role validates every event, and the runtime parser costs it about 5× as much.
 * Where code cannot be generated (`--disallow-code-generation-from-strings`) it stays the runtime
 * parser; the property test fails if a change to the schema makes it uncompilable.
 */
export const RequestEvent = z.compile(
  z
    .strictObject({
      schema: z.literal(REQUEST_EVENT_SCHEMA),
      id: z.string().min(1).max(128).describe('unique per request'),
      ts: Timestamp.describe('event time: when the request started'),
      durationMs: z.number().nonnegative().max(86_400_000),
      client: z.strictObject({
        ip: IpAddress,
        userAgent: z.string().max(1024).nullable(),
      }),
      key: z
        .strictObject({
          id: KeyId,
          ref: z
            .string()
            .min(1)
            .max(256)
            .optional()
            .describe('upstream reference, e.g. SHA-256 hex for LiteLLM'),
        })
        .nullable()
        .describe('null when the request carried no credential'),
      http: z.strictObject({
        method: z
          .string()
          .regex(/^[A-Z]{1,16}$/, 'expected an upper-case HTTP method')
          .describe('HTTP method'),
        path: z.string().min(1).max(8192).startsWith('/'),
        query: z.string().max(8192).nullable().describe('redacted query string without "?", or null'),
        status: z.number().int().min(100).max(599),
        requestBytes: count,
        responseBytes: count,
      }),
      ai: z
        .strictObject({
          model: z.string().max(256).nullable(),
          inputTokens: count.nullable(),
          outputTokens: count.nullable(),
          stream: z.boolean(),
        })
        .nullable(),
      prompt: z
        .strictObject({
          text: z.string().max(MAX_PROMPT_TEXT).describe('redacted, truncated user content'),
          chars: count.describe('length of the user content before truncation'),
          truncated: z.boolean(),
          redactions: z
            .record(z.string().regex(/^[a-z_]{1,32}$/), count)
            .describe('placeholders inserted, per type'),
        })
        .nullable(),
      gateway: z.strictObject({
        id: z.string().min(1).max(128),
        outcome: GatewayOutcome,
      }),
    })
    .describe('gatehound RequestEvent v1'),
);

export type RequestEvent = z.infer<typeof RequestEvent>;
