import { normalise } from '../client-ip.js';
import { buildEvent } from '../event-builder.js';
import { formatLogTime, parseEpochMillis } from './time.js';
import { fail, isMasked, type LineContext, type LineResult, type LogFormat, lineEventId } from './types.js';

/** Request headers Kong logs that carry a key: key-auth's default `apikey`, and the proxy's three. */
const KEY_HEADERS = ['authorization', 'apikey', 'x-api-key', 'api-key'];

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Kong's `request.querystring` object back to a query string (`true` is a bare flag). */
function queryString(q: Obj): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    for (const one of Array.isArray(v) ? v : [v]) {
      if (one === true) parts.push(encodeURIComponent(k));
      else if (typeof one === 'string' || typeof one === 'number')
        parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(one))}`);
    }
  }
  return parts.join('&');
}

function record(doc: unknown, ctx: LineContext, index: number): LineResult {
  const d = obj(doc);
  if (!d) return { ok: false, code: 'EVENT_INVALID', reason: 'a Kong log record must be an object' };
  const req = obj(d.request);
  const res = obj(d.response);
  if (!req || !res)
    return { ok: false, code: 'EVENT_INVALID', reason: 'request and response objects are required' };
  const started = parseEpochMillis(d.started_at);
  if (!started)
    return { ok: false, code: 'EVENT_INVALID', reason: 'started_at: expected epoch milliseconds' };
  const status = num(res.status);
  if (status === null)
    return { ok: false, code: 'EVENT_INVALID', reason: 'response.status: expected a number' };
  const ip = normalise(str(d.client_ip) ?? undefined);
  if (!ip)
    return {
      ok: false,
      code: 'EVENT_INVALID',
      reason: `client_ip: not an address: ${JSON.stringify(d.client_ip)}`,
    };
  const headers = obj(req.headers) ?? {};
  let target = str(req.uri) ?? '/';
  const qs = obj(req.querystring);
  if (!target.includes('?') && qs && Object.keys(qs).length > 0) target += `?${queryString(qs)}`;
  const latencies = obj(d.latencies);
  const built = buildEvent({
    id: lineEventId(ctx, index),
    start: formatLogTime(started),
    durationMs: num(latencies?.request) ?? 0,
    clientIp: ip,
    userAgent: str(headers['user-agent']),
    key: keyFrom(headers, ctx),
    method: str(req.method) ?? 'OTHER',
    target,
    status,
    requestBytes: num(req.size) ?? 0,
    responseBytes: num(res.size) ?? 0,
    ai: null,
    prompt: null,
    outcome: 'forwarded',
    gatewayId: ctx.gatewayId,
  });
  return built.ok
    ? { ok: true, event: built.event }
    : { ok: false, code: 'EVENT_INVALID', reason: built.reason };
}

function keyFrom(headers: Obj, ctx: LineContext) {
  if (!ctx.keys) return null;
  for (const name of KEY_HEADERS) {
    const v = str(headers[name]);
    if (v === null || isMasked(v)) continue;
    if (name === 'authorization' && !/^bearer\s/i.test(v.trim())) continue;
    return ctx.keys.identifyValue(v);
  }
  return null;
}

/**
 * Kong's http-log and kafka-log plugins (the basic log serializer): one JSON record per line, or a
 * JSON array of records when http-log batches. `started_at` (ms) is the request start, `latencies.request`
 * its duration, `client_ip` the client; a key is read from the logged request headers when Kong logs
 * them unmasked.
 */
export const kong: LogFormat = {
  name: 'kong',
  parse(line, ctx): LineResult[] {
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch (err) {
      return fail('EVENT_UNPARSABLE', `not valid JSON: ${(err as Error).message.slice(0, 200)}`);
    }
    if (Array.isArray(doc)) {
      if (doc.length === 0) return fail('EVENT_INVALID', 'an empty batch');
      return doc.map((r, i) => record(r, ctx, i));
    }
    return [record(doc, ctx, 0)];
  },
};
