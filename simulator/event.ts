import type { RequestEvent } from '../schemas/request-event.js';

export interface EventSpec {
  ts: number;
  ip: string;
  keyId: string | null;
  method?: string;
  path?: string;
  status?: number;
  model?: string | null;
  tokens?: [number, number];
  prompt?: string | null;
  userAgent?: string;
}

/** One RequestEvent v1 as a gateway would emit it. */
export function makeEvent(id: string, s: EventSpec): RequestEvent {
  const ai = s.model === null || s.path?.startsWith('/v1/') === false ? null : s.model;
  return {
    schema: 'gatehound.request.v1',
    id,
    ts: new Date(s.ts).toISOString(),
    durationMs: s.status && s.status >= 400 ? 15 : 400 + (s.tokens?.[1] ?? 0),
    client: { ip: s.ip, userAgent: s.userAgent ?? 'openai-python/1.54.0' },
    key: s.keyId ? { id: s.keyId } : null,
    http: {
      method: s.method ?? 'POST',
      path: s.path ?? '/v1/chat/completions',
      query: null,
      status: s.status ?? 200,
      requestBytes: 300 + (s.prompt?.length ?? 0),
      responseBytes: s.status && s.status >= 400 ? 120 : 600 + 4 * (s.tokens?.[1] ?? 0),
    },
    ai:
      ai === undefined || ai === null
        ? null
        : {
            model: ai,
            inputTokens: s.tokens?.[0] ?? null,
            outputTokens: s.tokens?.[1] ?? null,
            stream: false,
          },
    prompt: s.prompt ? { text: s.prompt, chars: s.prompt.length, truncated: false, redactions: {} } : null,
    gateway: { id: 'gw-sim', outcome: 'forwarded' },
  };
}
