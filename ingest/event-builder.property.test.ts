import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestEvent } from '../schemas/request-event.js';
import { event, eventOf, ip, ts } from '../test/helpers/event-arbitraries.js';
import { requestEvent } from '../test/helpers/events.js';
import { buildEvent, problem } from './event-builder.js';

describe('the direct check of built events', () => {
  it('agrees with the schema on the time and the address, each alone', () => {
    fc.assert(
      fc.property(ts, ip, (t, a) => {
        for (const e of [requestEvent({ ts: t }), requestEvent({ client: { ip: a, userAgent: null } })])
          expect(problem(e) === null).toBe(RequestEvent.safeParse(e).success);
      }),
      { numRuns: 5000 },
    );
  });

  it('never accepts what the RequestEvent v1 schema rejects', () => {
    fc.assert(
      fc.property(event, (v) => {
        const e = eventOf(v);
        if (problem(e) === null) expect(RequestEvent.safeParse(e).success).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with the schema on what the builder makes', () => {
    fc.assert(
      fc.property(event, (v) => {
        const built = buildEvent({
          start: v.ts,
          durationMs: Number.isFinite(v.durationMs) ? v.durationMs : 0,
          clientIp: v.ip,
          userAgent: v.userAgent,
          key: v.key,
          method: v.method,
          target: v.path,
          status: v.status,
          requestBytes: v.requestBytes,
          responseBytes: v.responseBytes,
          ai: v.ai,
          prompt: v.prompt,
          outcome: v.outcome as 'forwarded',
          gatewayId: v.gatewayId,
        });
        expect(built.ok).toBe(RequestEvent.safeParse(built.event).success);
      }),
      { numRuns: 3000 },
    );
  });
});
