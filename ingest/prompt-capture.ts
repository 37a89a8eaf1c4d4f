import type { RequestEvent } from '../schemas/request-event.js';
import { redact } from './redaction/index.js';

export type PromptCapture = 'redacted' | 'none';

export interface PromptOptions {
  mode: PromptCapture;
  maxChars: number;
}

/**
 * Extra text read past the limit before redacting, so that a secret straddling the cut is still
 * seen whole and replaced, instead of leaking its first half.
 */
const REDACTION_MARGIN = 1024;
const MAX_ITEMS = 2000;
const SEPARATOR = '\n';

/**
 * The user-authored texts of an AI request body, oldest first, or null when the body is not one:
 * chat completions and Anthropic messages (`messages[]` with role "user": strings and text parts),
 * completions (`prompt`), embeddings (`input`) and the Responses API (`input`: a string, or items
 * with role "user"). System, developer, assistant and tool content is not the user's and is skipped.
 */
export function userTexts(body: unknown): string[] | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  const out: string[] = [];
  if (Array.isArray(b.messages)) {
    for (const m of b.messages.slice(0, MAX_ITEMS)) userMessage(m, out);
    return out;
  }
  if ('prompt' in b) {
    strings(b.prompt, out);
    return out;
  }
  if ('input' in b) {
    const input = b.input;
    if (Array.isArray(input)) {
      for (const item of input.slice(0, MAX_ITEMS)) {
        if (typeof item === 'string') out.push(item);
        else userMessage(item, out);
      }
    } else strings(input, out);
    return out;
  }
  return null;
}

function userMessage(m: unknown, out: string[]): void {
  if (typeof m !== 'object' || m === null) return;
  const msg = m as Record<string, unknown>;
  if (msg.role !== 'user') return;
  const content = msg.content;
  if (typeof content === 'string') out.push(content);
  else if (Array.isArray(content)) {
    for (const part of content.slice(0, MAX_ITEMS)) {
      if (typeof part === 'string') out.push(part);
      else if (typeof part === 'object' && part !== null) {
        const p = part as Record<string, unknown>;
        if ((p.type === 'text' || p.type === 'input_text') && typeof p.text === 'string') out.push(p.text);
      }
    }
  }
}

function strings(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const s of v.slice(0, MAX_ITEMS)) if (typeof s === 'string') out.push(s);
}

/**
 * The event's `prompt`: the user's content, redacted and cut to `maxChars`. When it is longer, the
 * most recent messages are kept (the newest turn is the one this request adds; older ones were seen
 * when they were new) and a single long message keeps its beginning. `chars` is the length of all
 * of the user's content. Null when capture is off or the body is not an AI request.
 */
export function capturePrompt(body: unknown, options: PromptOptions): RequestEvent['prompt'] {
  if (options.mode === 'none') return null;
  const texts = userTexts(body);
  if (texts === null || texts.length === 0) return null;
  return promptFromTexts(texts, options.maxChars);
}

export function promptFromTexts(texts: string[], maxChars: number): NonNullable<RequestEvent['prompt']> {
  let chars = 0;
  for (const t of texts) chars += t.length;
  chars += (texts.length - 1) * SEPARATOR.length;
  const window = maxChars + REDACTION_MARGIN;
  let selected: string;
  let dropped = false;
  if (chars <= window) selected = texts.join(SEPARATOR);
  else {
    const parts: string[] = [];
    let size = 0;
    for (let k = texts.length - 1; k >= 0; k--) {
      const add = texts[k]!.length + (parts.length > 0 ? SEPARATOR.length : 0);
      if (size + add > window) break;
      parts.push(texts[k]!);
      size += add;
    }
    if (parts.length === 0) selected = texts[texts.length - 1]!.slice(0, window);
    else selected = parts.reverse().join(SEPARATOR);
    dropped = true;
  }
  const r = redact(selected);
  let text = r.text;
  let truncated = dropped;
  if (text.length > maxChars) {
    text = cut(text, maxChars);
    truncated = true;
  }
  return { text, chars, truncated, redactions: r.counts };
}

/** The first `max` characters, never ending inside a placeholder or between a surrogate pair. */
function cut(text: string, max: number): string {
  let end = max;
  const open = text.lastIndexOf('[', end - 1);
  if (open >= 0 && open > end - 16) {
    const close = text.indexOf(']', open);
    if (close >= end && /^\[[A-Z_]+$/.test(text.slice(open, Math.min(close, end)))) end = open;
  }
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return text.slice(0, end);
}
