import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';

/** Token usage and model as an upstream reports them. */
export interface Usage {
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
}

const MAX_SSE_LINE = 1024 * 1024;

function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

/**
 * Usage from one JSON document: a whole response (`usage` at the top: OpenAI's prompt_tokens /
 * completion_tokens, or input_tokens / output_tokens of the Responses API and Anthropic), or one
 * streamed event (`response.usage` of response.completed, `message.usage` of Anthropic's
 * message_start). Later values win when merged, so a stream's final usage chunk decides.
 */
export function usageFromJson(
  doc: unknown,
  into: Usage = { model: null, inputTokens: null, outputTokens: null },
): Usage {
  if (typeof doc !== 'object' || doc === null) return into;
  const d = doc as Record<string, unknown>;
  const nested = (d.response ?? d.message) as Record<string, unknown> | undefined;
  const holders = typeof nested === 'object' && nested !== null ? [d, nested] : [d];
  for (const h of holders) {
    if (into.model === null && typeof h.model === 'string') into.model = h.model;
    const u = h.usage;
    if (typeof u !== 'object' || u === null) continue;
    const usage = u as Record<string, unknown>;
    const input = count(usage.prompt_tokens) ?? count(usage.input_tokens);
    const output = count(usage.completion_tokens) ?? count(usage.output_tokens);
    if (input !== null) into.inputTokens = input;
    if (output !== null) into.outputTokens = output;
  }
  return into;
}

/**
 * Reads a server-sent event stream as it passes, chunk by chunk, keeping only what usage needs:
 * the model from the first event and the usage of any event that has one (the final chunk of an
 * OpenAI stream with `stream_options.include_usage`). Only `data:` lines that mention "usage" or
 * come first are parsed, so a long stream costs little.
 */
export class SseUsageReader {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private sawData = false;
  readonly usage: Usage = { model: null, inputTokens: null, outputTokens: null };

  write(chunk: Buffer | string): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    this.partial = text.length - start > MAX_SSE_LINE ? '' : text.slice(start);
  }

  end(): Usage {
    const rest = this.partial + this.decoder.end();
    if (rest) this.line(rest);
    this.partial = '';
    return this.usage;
  }

  private line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith('data:')) return;
    const first = !this.sawData;
    this.sawData = true;
    if (!first && !line.includes('"usage"')) return;
    const payload = line.slice(line.charCodeAt(5) === 32 ? 6 : 5);
    if (payload === '[DONE]') return;
    try {
      usageFromJson(JSON.parse(payload), this.usage);
    } catch {
      // Not JSON: nothing to learn from this event.
    }
  }
}

/**
 * A copy of a response body as it is forwarded, for its usage: JSON bodies are kept (up to a cap)
 * and parsed at the end, event streams are read as they go. Compressed bodies are inflated on the
 * side; the bytes sent to the client are never touched.
 */
export class ResponseTap {
  private readonly kind: 'json' | 'sse' | null;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private overflow = false;
  /** Only an event stream needs one (its decoder is not free): JSON bodies are parsed at the end. */
  private readonly sse: SseUsageReader | null;
  private readonly inflater: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null;
  private readonly done: Promise<void>;
  private failed = false;

  constructor(
    contentType: string | undefined,
    contentEncoding: string | undefined,
    private readonly maxBytes: number,
  ) {
    const type = (contentType ?? '').toLowerCase();
    this.kind = type.includes('text/event-stream') ? 'sse' : type.includes('json') ? 'json' : null;
    this.sse = this.kind === 'sse' ? new SseUsageReader() : null;
    const enc = (contentEncoding ?? '').trim().toLowerCase();
    this.inflater =
      this.kind === null || enc === '' || enc === 'identity'
        ? null
        : enc === 'gzip' || enc === 'x-gzip'
          ? zlib.createGunzip()
          : enc === 'deflate'
            ? zlib.createInflate()
            : enc === 'br'
              ? zlib.createBrotliDecompress()
              : null;
    if (this.kind !== null && this.inflater === null && enc !== '' && enc !== 'identity') this.failed = true;
    if (this.inflater) {
      const inflater = this.inflater;
      inflater.on('data', (c: Buffer) => this.take(c));
      this.done = new Promise((resolve) => {
        inflater.once('end', resolve);
        inflater.once('error', () => {
          this.failed = true;
          resolve();
        });
      });
    } else this.done = Promise.resolve();
  }

  /** True for an event stream. */
  get streamed(): boolean {
    return this.kind === 'sse';
  }

  get active(): boolean {
    return this.kind !== null && !this.failed;
  }

  write(chunk: Buffer): void {
    if (!this.active) return;
    if (this.inflater) this.inflater.write(chunk);
    else this.take(chunk);
  }

  private ended: Promise<Usage | null> | null = null;

  /** The usage the body reported, once it has ended; null when there is none to be had. Idempotent. */
  end(): Promise<Usage | null> {
    this.ended ??= this.finish();
    return this.ended;
  }

  private async finish(): Promise<Usage | null> {
    if (this.kind === null) return null;
    if (this.inflater && !this.failed) {
      this.inflater.end();
      await this.done;
    }
    if (this.failed) return null;
    if (this.sse) return found(this.sse.end());
    if (this.overflow || this.size === 0) return null;
    return usageFromJsonBytes(
      this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size),
    );
  }

  private take(chunk: Buffer): void {
    if (this.sse) {
      this.sse.write(chunk);
      return;
    }
    if (this.overflow) return;
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.overflow = true;
      this.chunks.length = 0;
      return;
    }
    this.chunks.push(chunk);
  }
}

function found(u: Usage): Usage | null {
  return u.model === null && u.inputTokens === null && u.outputTokens === null ? null : u;
}

const USAGE_KEY = Buffer.from('"usage"');
const MODEL_KEY = Buffer.from('"model"');

/**
 * Usage from a whole JSON response without parsing all of it: only the `usage` object (OpenAI and
 * Anthropic put it last) and the first `model` string are read. A body too odd for that (usage
 * nested under `response`, say) is parsed whole.
 */
export function usageFromJsonBytes(body: Buffer): Usage | null {
  const at = body.lastIndexOf(USAGE_KEY);
  if (at < 0) return found(usageFromJson(parseOrNull(body.toString('utf8'))));
  const open = body.indexOf(123 /* { */, at + USAGE_KEY.length);
  const close = open < 0 ? -1 : matchingBrace(body, open);
  // Only a top-level usage is read this way: Responses API events carry it under "response".
  if (close < 0 || !topLevel(body, at)) return found(usageFromJson(parseOrNull(body.toString('utf8'))));
  const usage = parseOrNull(body.toString('utf8', open, close + 1));
  const u: Usage = { model: modelOf(body), inputTokens: null, outputTokens: null };
  return found(usageFromJson({ usage }, u));
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The `}` closing the object opened at `open`, skipping strings; -1 when it does not close. */
function matchingBrace(b: Buffer, open: number): number {
  let depth = 0;
  for (let k = open; k < b.length; k++) {
    const c = b[k]!;
    if (c === 34 /* " */) {
      for (k++; k < b.length && b[k] !== 34; k++) if (b[k] === 92 /* \ */) k++;
    } else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return k;
  }
  return -1;
}

/** True when position `at` is a key of the outermost object (depth 1), skipping strings. */
function topLevel(b: Buffer, at: number): boolean {
  let depth = 0;
  for (let k = 0; k < at; k++) {
    const c = b[k]!;
    if (c === 34) {
      for (k++; k < at && b[k] !== 34; k++) if (b[k] === 92) k++;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  return depth === 1;
}

function modelOf(b: Buffer): string | null {
  const at = b.indexOf(MODEL_KEY);
  if (at < 0 || at > 4096) return null;
  const q = b.indexOf(34, b.indexOf(58 /* : */, at + MODEL_KEY.length) + 1);
  const end = q < 0 ? -1 : b.indexOf(34, q + 1);
  return end < 0 || end - q > 257 ? null : b.toString('utf8', q + 1, end);
}
