import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import {
  type GatewayOutcome,
  MAX_PROMPT_TEXT,
  REQUEST_EVENT_SCHEMA,
  RequestEvent,
} from '../schemas/request-event.js';
import { describeIssues } from '../schemas/validate.js';
import { addCounts, redact, redactQuery } from './redaction/index.js';

/** What an entry point knows about one request, before normalisation and redaction. */
export interface RequestRecord {
  id?: string;
  /** Request start: epoch milliseconds, or an ISO-8601 time with its offset (log replay). */
  start: number | string;
  durationMs: number;
  clientIp: string | null;
  userAgent: string | null;
  key: RequestEvent['key'];
  method: string;
  /** The request target as sent: path and, after "?", the query. */
  target: string;
  status: number;
  requestBytes: number;
  responseBytes: number;
  ai: RequestEvent['ai'];
  prompt: RequestEvent['prompt'];
  outcome: GatewayOutcome;
  gatewayId: string;
}

export type Built = { ok: true; event: RequestEvent } | { ok: false; reason: string; event: unknown };

const MAX_PATH = 8192;
const MAX_QUERY = 8192;
const MAX_USER_AGENT = 1024;
const MAX_MODEL = 256;
/** Used when the client's address is unknown (a socket already gone): the field is required. */
export const UNKNOWN_IP = '0.0.0.0';

/**
 * One RequestEvent v1 from a record: path, query and user agent redacted (a key or an e-mail in a
 * URL is as sensitive as in a prompt), lengths capped, numbers made whole, then validated against
 * the strict schema. An event that still fails is returned as not ok with the reason: it must go
 * to the dead-letter topic, never out as a RequestEvent.
 */
export function buildEvent(r: RequestRecord): Built {
  const { path, query } = splitTarget(r.target);
  const event = {
    schema: REQUEST_EVENT_SCHEMA,
    id: r.id ?? randomUUID(),
    ts: typeof r.start === 'number' ? new Date(r.start).toISOString() : r.start,
    durationMs: Math.round(Math.min(Math.max(r.durationMs, 0), 86_400_000) * 1000) / 1000,
    client: {
      ip: r.clientIp !== null && isIP(r.clientIp) ? r.clientIp : UNKNOWN_IP,
      userAgent: r.userAgent === null || r.userAgent === '' ? null : redactText(r.userAgent, MAX_USER_AGENT),
    },
    key: r.key,
    http: {
      method: normaliseMethod(r.method),
      path: redactPath(path),
      query: query === null || query === '' ? null : capped(redactQuery(query).query, MAX_QUERY),
      status: r.status,
      requestBytes: whole(r.requestBytes) ?? 0,
      responseBytes: whole(r.responseBytes) ?? 0,
    },
    ai:
      r.ai === null
        ? null
        : {
            model: r.ai.model === null ? null : capped(r.ai.model, MAX_MODEL),
            inputTokens: whole(r.ai.inputTokens),
            outputTokens: whole(r.ai.outputTokens),
            stream: r.ai.stream,
          },
    prompt: r.prompt,
    gateway: { id: capped(r.gatewayId, 128), outcome: r.outcome },
  };
  const parsed = RequestEvent.safeParse(event);
  return parsed.success
    ? { ok: true, event: parsed.data }
    : { ok: false, reason: describeIssues(parsed.error.issues), event };
}

/** Path and query of a request target; an absolute-form target ("http://h/p") gives its path. */
export function splitTarget(target: string): { path: string; query: string | null } {
  let t = target;
  if (!t.startsWith('/')) {
    const scheme = t.indexOf('://');
    if (scheme > 0) {
      const slash = t.indexOf('/', scheme + 3);
      t = slash < 0 ? '/' : t.slice(slash);
    } else t = `/${t}`;
  }
  const hash = t.indexOf('#');
  if (hash >= 0) t = t.slice(0, hash);
  const q = t.indexOf('?');
  return q < 0 ? { path: t, query: null } : { path: t.slice(0, q) || '/', query: t.slice(q + 1) };
}

function redactPath(path: string): string {
  // Look at the decoded path, so "/users/jane%40example.com" is seen as the address it is.
  let decoded = path;
  if (path.includes('%')) {
    try {
      decoded = decodeURIComponent(path);
    } catch {
      decoded = path;
    }
  }
  const r = redact(decoded);
  const out = Object.keys(r.counts).length === 0 ? path : r.text;
  return capped(out.startsWith('/') ? out : `/${out}`, MAX_PATH);
}

function redactText(text: string, max: number): string {
  return capped(redact(text).text, max);
}

function normaliseMethod(method: string): string {
  const m = method
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .slice(0, 16);
  return m === '' ? 'OTHER' : m;
}

function whole(n: number | null): number | null {
  return n === null || !Number.isFinite(n) || n < 0 ? null : Math.floor(n);
}

function capped(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

/**
 * An event from elsewhere (another gateway, a JSON Lines file) redacted again: prompt text, path,
 * query and user agent. Redaction is idempotent, so an already redacted event comes out the same.
 */
export function redactEvent(e: RequestEvent): RequestEvent {
  let prompt = e.prompt;
  if (prompt) {
    const r = redact(prompt.text);
    if (Object.keys(r.counts).length > 0)
      prompt = {
        ...prompt,
        text: capped(r.text, MAX_PROMPT_TEXT),
        redactions: addCounts({ ...prompt.redactions }, r.counts) as Record<string, number>,
      };
  }
  return {
    ...e,
    client: {
      ...e.client,
      userAgent: e.client.userAgent === null ? null : redactText(e.client.userAgent, MAX_USER_AGENT),
    },
    http: {
      ...e.http,
      path: redactPath(e.http.path),
      query: e.http.query === null ? null : capped(redactQuery(e.http.query).query, MAX_QUERY),
    },
    prompt,
  };
}
