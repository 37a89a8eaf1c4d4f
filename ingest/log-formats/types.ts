import type { ErrorCode } from '../../infra/errors.js';
import type { RequestEvent } from '../../schemas/request-event.js';
import type { KeyIdentifier } from '../key-id.js';
import type { PromptOptions } from '../prompt-capture.js';

/** What a format needs besides the line: how to turn a logged key into a key id, and where the line is. */
export interface LineContext {
  /** Null when no key id secret is configured: logged keys then cannot be used and are ignored. */
  keys: KeyIdentifier | null;
  gatewayId: string;
  prompt: PromptOptions;
  /** Stable id of the input (name and first line), so a replay of the same file gives the same event ids. */
  sourceId: string;
  line: number;
  trustProxy: number;
}

export type LineResult = { ok: true; event: RequestEvent } | { ok: false; code: ErrorCode; reason: string };

/** nginx's settings: a custom `log_format`, and where the key is logged. */
export interface NginxOptions {
  /** A custom `log_format` for text lines; default `combined`. */
  logFormat?: string;
  /** The variable (text) or key (JSON) that holds the API key or Authorization header, if logged. */
  keyField?: string | null;
}

/** A log format: one line in, its events out (Kong batches several records in one line). */
export interface LogFormat {
  readonly name: string;
  /** What `logFormat(name, options)` built it from: a worker thread builds its own copy with them. */
  readonly options?: NginxOptions;
  parse(line: string, ctx: LineContext): LineResult[];
}

export function fail(code: ErrorCode, reason: string): LineResult[] {
  return [{ ok: false, code, reason }];
}

/** Event id for record `index` of line `line` of a source: the same input always gives the same ids. */
export function lineEventId(ctx: LineContext, index = 0): string {
  return index === 0 ? `${ctx.sourceId}-${ctx.line}` : `${ctx.sourceId}-${ctx.line}-${index}`;
}

/** Values logging systems write where a secret was removed: not keys. */
export function isMasked(v: string): boolean {
  const t = v.trim().toLowerCase();
  return t === '' || t === '-' || t === 'redacted' || t === '[redacted]' || t === '***' || /^\*+$/.test(t);
}
