import type { RequestEvent } from '../../schemas/request-event.js';
import { requestEvent } from './events.js';
import { generateTraffic, keyIdFor } from './traffic.js';

export const FLOOD_START = Date.parse('2026-11-30T12:00:00Z');
/** The address that stuffs credentials during the flood, then gets in with the key `victim`. */
export const STUFFING_IP = '192.0.2.66';

/**
 * An attacker's flood: `n` events, each from a spoofed address never seen before, rotating through
 * 100,000 keys, a third failing auth; event i at `tsOf(i)`. In event-time order among them, a real
 * attack: 40 failed keys from STUFFING_IP, every 3 s from 12:00:30, then a success for `victim`.
 */
export function* hostileTraffic(n: number, tsOf: (i: number) => number): Generator<RequestEvent> {
  const attack = generateTraffic(
    [
      { count: 40, every: '3s', key: 'guess', keys: 40, ip: STUFFING_IP, status: 401 },
      { count: 1, start: '+2s', key: 'victim', ip: STUFFING_IP, status: 200 },
    ],
    '2026-11-30T12:00:30Z',
  );
  const base = requestEvent();
  let a = 0;
  for (let i = 0; i < n; i++) {
    const ts = tsOf(i);
    while (a < attack.length && Date.parse(attack[a]!.ts) <= ts) yield attack[a++]!;
    yield {
      ...base,
      id: `flood-${i}`,
      ts: new Date(ts).toISOString(),
      client: { ip: `${10 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}.1`, userAgent: null },
      key: { id: keyIdFor(`flood-${i % 100_000}`) },
      http: { ...base.http, status: i % 3 === 0 ? 401 : 200 },
      prompt: null,
    };
  }
  while (a < attack.length) yield attack[a++]!;
}
