import type { RequestEvent } from '../schemas/request-event.js';
import { makeEvent } from './event.js';
import { benignPrompt } from './prompts.js';
import type { Random } from './random.js';

export interface SimUser {
  keyId: string;
  ip: string;
  /** Requests per minute at the daily peak. */
  rate: number;
  tokens: number;
  model: string;
}

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small', 'o4-mini'];
const TYPO_PATHS = [
  '/v1/chat/completion',
  '/v1/model',
  '/v1/embedding',
  '/v1/chat/completions/',
  '/v2/chat/completions',
];
/** Offices behind one NAT address each: several users share an address. */
const OFFICES = 5;

export function makeUsers(r: Random, count: number): SimUser[] {
  const offices = Array.from({ length: OFFICES }, (_, i) => `100.64.${i}.1`);
  return Array.from({ length: count }, (_, i) => ({
    keyId: r.hex(32),
    ip: r.chance(0.15) ? r.pick(offices) : `10.${(i >> 8) & 255}.${i & 255}.${r.int(2, 250)}`,
    rate: Math.min(40, r.logNormal(2.5, 0.9)),
    tokens: Math.round(r.logNormal(300, 0.6)),
    model: r.pick(MODELS),
  }));
}

/** Office-hours rhythm in UTC: quiet at night, busy in the afternoon. */
export function rhythm(ts: number): number {
  const h = new Date(ts).getUTCHours() + new Date(ts).getUTCMinutes() / 60;
  return 0.3 + 0.7 * Math.max(0, Math.sin((Math.PI * (h - 6)) / 16));
}

/**
 * Ordinary traffic of one user for one minute: Poisson arrivals at the user's rate and the hour's
 * rhythm, with the noise of real clients: the odd typo'd path, a wrong key now and then, upstream errors.
 */
export function userMinute(r: Random, u: SimUser, minuteStart: number, nextId: () => string): RequestEvent[] {
  const out: RequestEvent[] = [];
  const n = r.poisson(u.rate * rhythm(minuteStart));
  for (let i = 0; i < n; i++) {
    const ts = minuteStart + Math.floor(r.next() * 60_000);
    const roll = r.next();
    const embed = u.model.startsWith('text-embedding');
    const path = roll < 0.004 ? r.pick(TYPO_PATHS) : embed ? '/v1/embeddings' : '/v1/chat/completions';
    const status = roll < 0.004 ? 404 : roll < 0.006 ? 429 : roll < 0.007 ? 500 : 200;
    const out1 = Math.round(u.tokens * r.logNormal(1, 0.4));
    out.push(
      makeEvent(nextId(), {
        ts,
        ip: u.ip,
        keyId: u.keyId,
        path,
        status,
        model: u.model,
        tokens: [Math.round(out1 / 2), embed ? 0 : out1],
        prompt: embed ? null : benignPrompt(r),
      }),
    );
  }
  // About once a day per user: a wrong or expired key, retried a couple of times.
  if (r.chance(1 / 1440)) {
    const wrong = r.hex(32);
    for (let i = 0, c = r.int(1, 3); i < c; i++) {
      out.push(
        makeEvent(nextId(), {
          ts: minuteStart + i * 4000,
          ip: u.ip,
          keyId: wrong,
          status: 401,
          model: u.model,
          tokens: [0, 0],
        }),
      );
    }
  }
  return out;
}
