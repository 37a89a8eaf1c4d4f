import { createHash } from 'node:crypto';
import type { RequestEvent } from '../../schemas/request-event.js';

/**
 * A compact way to write traffic in fixtures: groups of requests with a count, a start, an interval
 * and the fields that matter. Key aliases ("alice") become stable 32-hex key ids.
 */
export interface TrafficGroup {
  count: number;
  /** ISO time, or "+30s" / "+5m" after the previous group's last request. */
  start?: string;
  /** Between requests: "2s", "500ms". */
  every?: string;
  ip?: string;
  /** Rotates through this many addresses ip.0, ip.1 ... (ip must then be a /24 prefix like "198.51.100"). */
  ips?: number;
  key?: string | null;
  /** Rotates through this many distinct keys derived from `key`. */
  keys?: number;
  status?: number;
  method?: string;
  path?: string;
  /** Every request gets its own path `${path}/${i}`. */
  distinctPaths?: boolean;
  model?: string;
  /** Rotates through this many distinct models. */
  models?: number;
  tokens?: number;
  prompt?: string;
  outcome?: RequestEvent['gateway']['outcome'];
  userAgent?: string;
}

export function keyIdFor(alias: string): string {
  return createHash('sha256').update(`fixture-key:${alias}`).digest('hex').slice(0, 32);
}

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`bad duration "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

export function generateTraffic(groups: TrafficGroup[], origin = '2026-11-30T12:00:00Z'): RequestEvent[] {
  const events: RequestEvent[] = [];
  let cursor = Date.parse(origin);
  let seq = 0;
  for (const g of groups) {
    let t =
      g.start === undefined
        ? cursor
        : g.start.startsWith('+')
          ? cursor + parseDuration(g.start.slice(1))
          : Date.parse(g.start);
    const every = parseDuration(g.every ?? '1s');
    for (let i = 0; i < g.count; i++) {
      const ip = g.ips ? `${g.ip ?? '198.51.100'}.${i % g.ips}` : (g.ip ?? '203.0.113.10');
      const keyAlias = g.key === null ? null : g.keys ? `${g.key ?? 'k'}-${i % g.keys}` : (g.key ?? 'alice');
      const model = g.models ? `${g.model ?? 'model'}-${i % g.models}` : (g.model ?? 'gpt-4o-mini');
      events.push({
        schema: 'gatehound.request.v1',
        id: `e${++seq}`,
        ts: new Date(t).toISOString(),
        durationMs: 100,
        client: { ip, userAgent: g.userAgent ?? 'fixture' },
        key: keyAlias === null ? null : { id: keyIdFor(keyAlias) },
        http: {
          method: g.method ?? 'POST',
          path: g.distinctPaths ? `${g.path ?? '/probe'}/${i}` : (g.path ?? '/v1/chat/completions'),
          query: null,
          status: g.status ?? 200,
          requestBytes: 200,
          responseBytes: 400,
        },
        ai: { model, inputTokens: g.tokens ?? 100, outputTokens: g.tokens ?? 100, stream: false },
        prompt: g.prompt
          ? { text: g.prompt, chars: g.prompt.length, truncated: false, redactions: {} }
          : null,
        gateway: { id: 'gw-fixture', outcome: g.outcome ?? 'forwarded' },
      });
      cursor = t;
      t += every;
    }
  }
  return events.sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
}
