import { clientIp } from '../client-ip.js';
import { buildEvent } from '../event-builder.js';
import { formatLogTime, type LogTime, parseEpochSeconds, parseIsoTime, parseTimeLocal } from './time.js';
import {
  fail,
  isMasked,
  type LineContext,
  type LineResult,
  type LogFormat,
  lineEventId,
  type NginxOptions,
} from './types.js';

/** nginx's predefined `combined` format. */
export const COMBINED =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

type Segment = { literal: string } | { variable: string };

/** Variables whose value is a key; `--key-field` adds one. */
const KEY_VARIABLES = ['http_authorization', 'http_x_api_key', 'http_api_key'];

/**
 * Compiles an nginx `log_format` string ("$remote_addr - [$time_local] \"$request\" …") into the
 * literals and variables it alternates. Throws on a format with two variables in a row (nothing to
 * tell where the first ends).
 */
export function compileLogFormat(format: string): Segment[] {
  const segments: Segment[] = [];
  let literal = '';
  for (let i = 0; i < format.length; ) {
    if (format[i] !== '$') {
      literal += format[i++];
      continue;
    }
    let name = '';
    let j = i + 1;
    if (format[j] === '{') {
      const close = format.indexOf('}', j);
      if (close < 0) throw new Error(`unclosed \${ at column ${i + 1}`);
      name = format.slice(j + 1, close);
      j = close + 1;
    } else {
      while (j < format.length && /[A-Za-z0-9_]/.test(format[j]!)) j++;
      name = format.slice(i + 1, j);
    }
    if (!name) {
      literal += '$';
      i++;
      continue;
    }
    if (literal) segments.push({ literal });
    else if (segments.length > 0)
      throw new Error(`$${name} follows another variable with nothing between them`);
    literal = '';
    segments.push({ variable: name });
    i = j;
  }
  if (literal) segments.push({ literal });
  return segments;
}

/**
 * Reads a line by the compiled format with one left-to-right scan: each variable runs to the next
 * occurrence of the literal after it (nginx escapes quotes inside values, so a quoted field ends at
 * its quote). No regular expression, no backtracking: a line is read once. Text after the format's
 * end is ignored, so `combined` also reads the common "main" format with extra fields.
 */
export function scanLine(segments: Segment[], line: string): Map<string, string> | string {
  const fields = new Map<string, string>();
  let pos = 0;
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s]!;
    if ('literal' in seg) {
      if (!line.startsWith(seg.literal, pos))
        return `expected ${JSON.stringify(seg.literal)} at column ${pos + 1}`;
      pos += seg.literal.length;
      continue;
    }
    const next = segments[s + 1] as { literal: string } | undefined;
    let end: number;
    if (next === undefined) end = line.length;
    else {
      end = line.indexOf(next.literal, pos);
      if (end < 0)
        return `no ${JSON.stringify(next.literal)} after $${seg.variable} (from column ${pos + 1})`;
    }
    fields.set(seg.variable, line.slice(pos, end));
    pos = end;
  }
  return fields;
}

function value(fields: Map<string, string>, name: string): string | null {
  const v = fields.get(name);
  return v === undefined || v === '-' || v === '' ? null : v;
}

/** nginx writes unprintable bytes and quotes as \xNN. */
function unescapeNginx(v: string): string {
  if (!v.includes('\\x')) return v;
  return v.replace(/\\x([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

/**
 * One record from nginx variables (the text format's fields, or a JSON line's keys mapped to them).
 * The time is the log's own, with its offset; nginx logs when a request ends, so `$request_time`
 * is taken off to give the start. The key is null unless a key header is logged.
 */
export function eventFromFields(
  fields: Map<string, string>,
  ctx: LineContext,
  keyField: string | null,
): LineResult[] {
  const time = logTime(fields);
  if (!time) return fail('EVENT_INVALID', 'no readable time ($time_local, $time_iso8601 or $msec)');
  const statusText = value(fields, 'status');
  const status = statusText !== null && /^\d{3}$/.test(statusText) ? Number(statusText) : Number.NaN;
  if (Number.isNaN(status))
    return fail('EVENT_INVALID', `status: expected three digits, got ${JSON.stringify(statusText)}`);
  const seconds = Number(value(fields, 'request_time') ?? 0);
  const durationMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 0;

  let method = value(fields, 'request_method');
  let target = value(fields, 'request_uri');
  if (target === null && value(fields, 'uri') !== null) {
    const args = value(fields, 'args');
    target = `${value(fields, 'uri')}${args ? `?${args}` : ''}`;
  }
  const request = value(fields, 'request');
  if ((method === null || target === null) && request !== null) {
    const r = unescapeNginx(request);
    const first = r.indexOf(' ');
    const last = r.lastIndexOf(' ');
    method ??= first > 0 ? r.slice(0, first) : r;
    target ??= first > 0 ? r.slice(first + 1, last > first ? last : r.length) : '/';
  }
  const remote = value(fields, 'remote_addr');
  const ip = clientIp(
    remote ?? undefined,
    value(fields, 'http_x_forwarded_for') ?? undefined,
    ctx.trustProxy,
  );
  if (ip === null) return fail('EVENT_INVALID', `client.ip: not an address: ${JSON.stringify(remote)}`);

  const built = buildEvent({
    id: lineEventId(ctx),
    start: formatLogTime({ ms: time.ms - Math.round(durationMs), offset: time.offset }),
    durationMs,
    clientIp: ip,
    userAgent: nullable(value(fields, 'http_user_agent')),
    key: keyFrom(fields, ctx, keyField),
    method: method ?? 'OTHER',
    target: target ?? '/',
    status,
    requestBytes: Number(value(fields, 'request_length') ?? 0),
    responseBytes: Number(value(fields, 'body_bytes_sent') ?? value(fields, 'bytes_sent') ?? 0),
    ai: null,
    prompt: null,
    outcome: 'forwarded',
    gatewayId: ctx.gatewayId,
  });
  return built.ok ? [{ ok: true, event: built.event }] : fail('EVENT_INVALID', built.reason);
}

function nullable(v: string | null): string | null {
  return v === null ? null : unescapeNginx(v);
}

function logTime(fields: Map<string, string>): LogTime | null {
  const iso = value(fields, 'time_iso8601');
  if (iso !== null) return parseIsoTime(iso);
  const local = value(fields, 'time_local');
  if (local !== null) return parseTimeLocal(local);
  const msec = value(fields, 'msec');
  return msec !== null ? parseEpochSeconds(msec) : null;
}

function keyFrom(fields: Map<string, string>, ctx: LineContext, keyField: string | null) {
  if (!ctx.keys) return null;
  for (const name of keyField ? [keyField, ...KEY_VARIABLES] : KEY_VARIABLES) {
    const v = value(fields, name);
    if (v === null || isMasked(v)) continue;
    const raw = unescapeNginx(v);
    // An Authorization value is a key only as "Bearer <key>", as the proxy reads it.
    if (name === 'http_authorization' && !/^bearer\s/i.test(raw.trim())) continue;
    return ctx.keys.identifyValue(raw);
  }
  return null;
}

/** Keys of JSON log lines, by the nginx variable they stand for (the variable's own name works too). */
const JSON_ALIASES: Record<string, string[]> = {
  time_iso8601: ['time_iso8601', 'time', 'timestamp', '@timestamp', 'ts', 'date'],
  time_local: ['time_local'],
  msec: ['msec', 'epoch'],
  remote_addr: ['remote_addr', 'client_ip', 'remote_ip', 'ip', 'client'],
  http_x_forwarded_for: ['http_x_forwarded_for', 'x_forwarded_for', 'xff'],
  request: ['request'],
  request_method: ['request_method', 'method'],
  request_uri: ['request_uri', 'url', 'path'],
  uri: ['uri'],
  args: ['args', 'query_string'],
  status: ['status', 'status_code', 'response_status'],
  body_bytes_sent: ['body_bytes_sent', 'bytes', 'response_bytes'],
  bytes_sent: ['bytes_sent'],
  request_length: ['request_length', 'request_bytes'],
  request_time: ['request_time', 'duration', 'request_duration'],
  http_user_agent: ['http_user_agent', 'user_agent', 'ua', 'agent'],
  http_authorization: ['http_authorization', 'authorization'],
  http_x_api_key: ['http_x_api_key', 'x_api_key', 'api_key'],
  http_api_key: ['http_api_key'],
};

/** The nginx variables of a JSON log line (`log_format … escape=json '{"time":"$time_iso8601",…}'`). */
export function fieldsFromJson(doc: Record<string, unknown>, keyField: string | null): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [variable, names] of Object.entries(JSON_ALIASES)) {
    for (const name of names) {
      const v = doc[name];
      if (v === undefined || v === null) continue;
      if (variable === 'time_iso8601' && typeof v === 'number') {
        // Epoch numbers under a "time" key: seconds or milliseconds.
        fields.set('msec', String(v > 1e12 ? v / 1000 : v));
        break;
      }
      if (typeof v === 'string' || typeof v === 'number') {
        fields.set(variable, String(v));
        break;
      }
    }
  }
  // A time_iso8601 alias holding nginx's local format ("10/Oct/2000:13:55:36 -0700").
  const t = fields.get('time_iso8601');
  if (t !== undefined && parseIsoTime(t) === null && parseTimeLocal(t) !== null) {
    fields.delete('time_iso8601');
    fields.set('time_local', t);
  }
  if (keyField && typeof doc[keyField] === 'string') fields.set(keyField, doc[keyField] as string);
  return fields;
}

/**
 * nginx access logs: text lines in `combined` or a given `log_format`, and JSON lines (a line that
 * starts with "{"), so one file may even mix them.
 */
export function nginxFormat(options: NginxOptions = {}): LogFormat {
  const segments = compileLogFormat(options.logFormat ?? COMBINED);
  const keyField = options.keyField ? options.keyField.replace(/^\$/, '') : null;
  return {
    name: 'nginx',
    options,
    parse(line, ctx): LineResult[] {
      if (line.charCodeAt(0) === 123 /* { */) {
        let doc: unknown;
        try {
          doc = JSON.parse(line);
        } catch (err) {
          return fail('EVENT_UNPARSABLE', `not valid JSON: ${(err as Error).message.slice(0, 200)}`);
        }
        if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
          return fail('EVENT_UNPARSABLE', 'a JSON log line must be an object');
        return eventFromFields(fieldsFromJson(doc as Record<string, unknown>, keyField), ctx, keyField);
      }
      const fields = scanLine(segments, line);
      if (typeof fields === 'string') return fail('EVENT_UNPARSABLE', `not in the log format: ${fields}`);
      return eventFromFields(fields, ctx, keyField);
    },
  };
}
