import { randomUUID } from 'node:crypto';
import { IpAddress, Timestamp } from '../schemas/common.js';
import {
  GatewayOutcome,
  MAX_PROMPT_TEXT,
  REQUEST_EVENT_SCHEMA,
  RequestEvent,
} from '../schemas/request-event.js';
import { describeIssues } from '../schemas/validate.js';
import { digits } from './log-formats/time.js';
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
  const event: RequestEvent = {
    schema: REQUEST_EVENT_SCHEMA,
    id: r.id ?? randomUUID(),
    ts: typeof r.start === 'number' ? new Date(r.start).toISOString() : r.start,
    durationMs: Math.round(Math.min(Math.max(r.durationMs, 0), 86_400_000) * 1000) / 1000,
    client: {
      ip: r.clientIp !== null && ipValid(r.clientIp) ? r.clientIp : UNKNOWN_IP,
      userAgent:
        r.userAgent === null || r.userAgent === '' ? null : userAgents.get(r.userAgent, redactUserAgent),
    },
    key:
      r.key === null ? null : r.key.ref === undefined ? { id: r.key.id } : { id: r.key.id, ref: r.key.ref },
    http: {
      method: normaliseMethod(r.method),
      path: redactPath(path),
      query: query === null || query === '' ? null : redactQueryText(query),
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
    prompt:
      r.prompt === null
        ? null
        : {
            text: r.prompt.text,
            chars: r.prompt.chars,
            truncated: r.prompt.truncated,
            redactions: r.prompt.redactions,
          },
    gateway: { id: capped(r.gatewayId, 128), outcome: r.outcome },
  };
  // The contract's checks, done directly: zod's full parse copies the event and costs more than
  // the rest of the pipeline. Only an event that fails here meets zod, for its reason; a property
  // test holds that this check never accepts what the schema rejects.
  if (problem(event) === null) return { ok: true, event };
  const parsed = RequestEvent.safeParse(event);
  return parsed.success
    ? { ok: true, event: parsed.data }
    : { ok: false, reason: describeIssues(parsed.error.issues), event };
}

const KEY_ID = /^[0-9a-f]{32}$/;
const METHOD = /^[A-Z]{1,16}$/;
const REDACTION_NAME = /^[a-z_]{1,32}$/;
const OUTCOMES = new Set(GatewayOutcome.options);
const validIps = new Map<string, boolean>();

function ipValid(ip: string): boolean {
  if (dottedQuad(ip)) return true;
  const known = validIps.get(ip);
  if (known !== undefined) return known;
  const ok = IpAddress.safeParse(ip).success;
  if (validIps.size >= 10_000) validIps.clear();
  validIps.set(ip, ok);
  return ok;
}

/**
 * True for an IPv4 address as the schema's pattern takes it (four parts 0–255, no leading zeros):
 * most addresses, checked without the schema or a cache. Anything else is left to the schema.
 */
function dottedQuad(ip: string): boolean {
  const n = ip.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let k = 0; k <= n; k++) {
    const c = k < n ? ip.charCodeAt(k) : 46;
    if (c === 46) {
      if (digits === 0 || value > 255 || ++parts > 4) return false;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && !(digits === 1 && value === 0) && digits < 3) {
      value = value * 10 + c - 48;
      digits++;
    } else return false;
  }
  return parts === 4;
}

/**
 * True for "YYYY-MM-DDTHH:MM:SS.mmm" with "Z" or "±HH:MM", a real date and time: what gatehound
 * writes (toISOString, the replay's log times), checked without the schema's pattern. Any other
 * form is left to the schema.
 */
function isoMillis(ts: string): boolean {
  const n = ts.length;
  if (n !== 24 && n !== 29) return false;
  if (ts[4] !== '-' || ts[7] !== '-' || ts[10] !== 'T' || ts[13] !== ':' || ts[16] !== ':' || ts[19] !== '.')
    return false;
  const year = digits(ts, 0, 4);
  const month = digits(ts, 5, 2);
  const day = digits(ts, 8, 2);
  // NaN (a non-digit) fails every comparison below.
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month))) return false;
  if (!(digits(ts, 11, 2) <= 23 && digits(ts, 14, 2) <= 59 && digits(ts, 17, 2) <= 59)) return false;
  if (!(digits(ts, 20, 3) >= 0)) return false;
  if (n === 24) return ts[23] === 'Z';
  return (
    (ts[23] === '+' || ts[23] === '-') && ts[26] === ':' && digits(ts, 24, 2) <= 23 && digits(ts, 27, 2) <= 59
  );
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const count = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
const text = (s: unknown, min: number, max: number) =>
  typeof s === 'string' && s.length >= min && s.length <= max;

/**
 * Null when a built event satisfies RequestEvent v1, else the first field that does not. The shape
 * (which keys exist) is fixed by `buildEvent`'s object literals; this checks the values, using the
 * schema's own validators for the address and the time.
 */
export function problem(e: RequestEvent): string | null {
  if (!text(e.id, 1, 128)) return 'id';
  if (typeof e.ts !== 'string' || !(isoMillis(e.ts) || Timestamp.safeParse(e.ts).success)) return 'ts';
  if (!(typeof e.durationMs === 'number' && e.durationMs >= 0 && e.durationMs <= 86_400_000))
    return 'durationMs';
  if (typeof e.client.ip !== 'string' || !ipValid(e.client.ip)) return 'client.ip';
  if (e.client.userAgent !== null && !text(e.client.userAgent, 0, MAX_USER_AGENT)) return 'client.userAgent';
  if (e.key !== null) {
    if (typeof e.key.id !== 'string' || !KEY_ID.test(e.key.id)) return 'key.id';
    if (e.key.ref !== undefined && !text(e.key.ref, 1, 256)) return 'key.ref';
  }
  const h = e.http;
  if (typeof h.method !== 'string' || !METHOD.test(h.method)) return 'http.method';
  if (!text(h.path, 1, MAX_PATH) || h.path.charCodeAt(0) !== 47) return 'http.path';
  if (h.query !== null && !text(h.query, 0, MAX_QUERY)) return 'http.query';
  if (!(Number.isInteger(h.status) && h.status >= 100 && h.status <= 599)) return 'http.status';
  if (!count(h.requestBytes) || !count(h.responseBytes)) return 'http.bytes';
  if (e.ai !== null) {
    if (e.ai.model !== null && !text(e.ai.model, 0, MAX_MODEL)) return 'ai.model';
    if (
      (e.ai.inputTokens !== null && !count(e.ai.inputTokens)) ||
      (e.ai.outputTokens !== null && !count(e.ai.outputTokens))
    )
      return 'ai.tokens';
    if (typeof e.ai.stream !== 'boolean') return 'ai.stream';
  }
  if (e.prompt !== null) {
    const p = e.prompt;
    if (!text(p.text, 0, MAX_PROMPT_TEXT) || !count(p.chars) || typeof p.truncated !== 'boolean')
      return 'prompt';
    if (typeof p.redactions !== 'object' || p.redactions === null) return 'prompt.redactions';
    for (const [k, v] of Object.entries(p.redactions))
      if (!REDACTION_NAME.test(k) || !count(v)) return 'prompt.redactions';
  }
  if (!text(e.gateway.id, 1, 128) || !OUTCOMES.has(e.gateway.outcome)) return 'gateway';
  return null;
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

/**
 * Paths, short queries and user agents repeat (a few routes, `?api-version=…`, a few SDK versions):
 * their redactions are kept for the last few thousand distinct values instead of being worked out
 * per request.
 */
class Memo {
  private readonly map = new Map<string, string>();
  constructor(private readonly max: number) {}
  get(key: string, make: (k: string) => string): string {
    // Long values are rarely repeats, and would make the memo hold megabytes.
    if (key.length > 512) return make(key);
    let v = this.map.get(key);
    if (v === undefined) {
      v = make(key);
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
      this.map.set(key, v);
    }
    return v;
  }
}
const paths = new Memo(4096);
const queries = new Memo(4096);
const userAgents = new Memo(1024);

function redactPath(path: string): string {
  return paths.get(path, redactPathNow);
}

function redactPathNow(path: string): string {
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

function redactQueryText(query: string): string {
  return queries.get(query, redactQueryNow);
}

function redactQueryNow(query: string): string {
  return capped(redactQuery(query).query, MAX_QUERY);
}

function redactUserAgent(ua: string): string {
  return redactText(ua, MAX_USER_AGENT);
}

function redactText(text: string, max: number): string {
  return capped(redact(text).text, max);
}

function normaliseMethod(method: string): string {
  if (METHOD.test(method)) return method;
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
      query: e.http.query === null ? null : redactQueryText(e.http.query),
    },
    prompt,
  };
}
