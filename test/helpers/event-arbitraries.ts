import fc from 'fast-check';
import type { RequestEvent } from '../../schemas/request-event.js';
import { requestEvent } from './events.js';

/** Values around every limit of the contract, valid and not. */
export const str = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constant(''),
    fc.integer({ min: max - 1, max: max + 1 }).map((n) => 'x'.repeat(Math.max(0, n))),
  );
export const num = fc.oneof(
  fc.integer({ min: -2, max: 1000 }),
  fc.constantFrom(99, 100, 599, 600, 86_400_000, 86_400_001, 1.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY),
);
export const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof(fc.constant(null), a);

export const ts = fc.oneof(
  fc.constantFrom(
    '2026-11-30T12:00:00.000Z',
    '2026-11-30T12:00:00-07:00',
    '2026-11-30 12:00:00',
    'x',
    '2026-11-30T12:00:00+0100',
  ),
  // Millisecond times in every field's range and just outside it: leap days, 31 April, hour 24, ±HH:MM.
  fc
    .tuple(
      fc.constantFrom('2024', '2026', '2000', '1900', '0000', '2100', '2400', '9999', '20x6'),
      fc.constantFrom('00', '01', '02', '04', '09', '11', '12', '13'),
      fc.constantFrom('00', '01', '28', '29', '30', '31', '32'),
      fc.constantFrom('00', '09', '19', '23', '24', '2x'),
      fc.constantFrom('00', '59', '60'),
      fc.constantFrom('000', '999', '0x0'),
      fc.constantFrom('Z', 'z', '+00:00', '-07:00', '+23:59', '+24:00', '-07:60', '+0700', '+07:0x', ''),
    )
    .map(([y, mo, d, h, mi, ms, off]) => `${y}-${mo}-${d}T${h}:${mi}:${mi}.${ms}${off}`),
);
export const ip = fc.oneof(
  fc.constantFrom('203.0.113.7', '::1', '::ffff:192.0.2.1', 'fe80::1%eth0', '999.1.1.1', '', 'host'),
  // Dotted quads and near misses: leading zeros, parts over 255, too few or too many parts.
  fc
    .array(fc.oneof(fc.nat(300).map(String), fc.constantFrom('', '00', '01', '007', '0255', '1000', 'a')), {
      minLength: 1,
      maxLength: 6,
    })
    .map((parts) => parts.join('.')),
  fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9', '.'), maxLength: 17 }),
);

export const event = fc.record({
  id: str(128),
  ts,
  durationMs: num,
  ip,
  userAgent: maybe(str(1024)),
  key: maybe(
    fc.record({
      id: fc.constantFrom('0123456789abcdef0123456789abcdef', '0123456789ABCDEF0123456789abcdef', 'short'),
      ref: fc.oneof(fc.constant(undefined), str(256)),
    }),
  ),
  method: fc.constantFrom('GET', 'POST', 'get', 'M-SEARCH', '', 'AVERYVERYLONGMETHODNAME'),
  path: fc.oneof(
    fc.constantFrom('/', '/v1/x', 'v1', ''),
    str(8192).map((s) => `/${s}`),
  ),
  query: maybe(str(8192)),
  status: num,
  requestBytes: num,
  responseBytes: num,
  ai: maybe(
    fc.record({
      model: maybe(str(256)),
      inputTokens: maybe(num),
      outputTokens: maybe(num),
      stream: fc.boolean(),
    }),
  ),
  prompt: maybe(
    fc.record({
      text: str(65_536),
      chars: num,
      truncated: fc.boolean(),
      redactions: fc.dictionary(fc.constantFrom('email', 'api_key', 'Bad-Name', ''), num, { maxKeys: 3 }),
    }),
  ),
  gatewayId: str(128),
  outcome: fc.constantFrom('forwarded', 'revoked', 'blocked', 'rate_limited', 'rejected', 'other'),
});

/** A RequestEvent-shaped value from `event`'s fields: valid or not, as they are. */
export function eventOf(v: typeof event extends fc.Arbitrary<infer T> ? T : never): RequestEvent {
  return {
    ...requestEvent(),
    id: v.id,
    ts: v.ts,
    durationMs: v.durationMs,
    client: { ip: v.ip, userAgent: v.userAgent },
    key:
      v.key === null ? null : v.key.ref === undefined ? { id: v.key.id } : { id: v.key.id, ref: v.key.ref },
    http: {
      method: v.method,
      path: v.path,
      query: v.query,
      status: v.status,
      requestBytes: v.requestBytes,
      responseBytes: v.responseBytes,
    },
    ai: v.ai,
    prompt: v.prompt,
    gateway: { id: v.gatewayId, outcome: v.outcome },
  } as RequestEvent;
}
