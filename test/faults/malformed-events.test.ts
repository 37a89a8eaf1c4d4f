import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { detectorRegistry, startDetector } from '../../detectors/index.js';
import { RequestEvent } from '../../schemas/request-event.js';
import { kafkaDetectHarness } from '../helpers/detect-harness.js';
import { requestEvent } from '../helpers/events.js';
import { overrideScanner } from '../helpers/override-scanner.js';
import { stuffing } from '../helpers/scenarios.js';
import { keyIdFor } from '../helpers/traffic.js';
import { waitFor } from '../helpers/wait.js';

/** Ways a producer can get an event wrong; each case is applied to a valid event. */
const broken = fc.oneof(
  // wrong types in every field
  fc
    .record({
      field: fc.constantFrom('id', 'ts', 'durationMs', 'client', 'http', 'key', 'gateway'),
      value: fc.anything(),
    })
    .map(({ field, value }) => {
      const e: Record<string, unknown> = { ...requestEvent() };
      e[field] = value;
      return JSON.stringify(e) ?? 'null';
    }),
  // huge strings
  fc
    .integer({ min: 70_000, max: 300_000 })
    .map((n) => JSON.stringify({ ...requestEvent(), id: 'x'.repeat(n) })),
  // deep nesting
  fc
    .integer({ min: 100, max: 5000 })
    .map((depth) =>
      JSON.stringify({ ...requestEvent(), http: '['.repeat(depth) + ']'.repeat(depth) }).replace(
        /"\[+\]+"/,
        '['.repeat(depth) + ']'.repeat(depth),
      ),
    ),
  // unknown fields
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter((k) => !(k in requestEvent()))
    .map((k) => JSON.stringify({ ...requestEvent(), [k]: 1 })),
  // not JSON, or not UTF-8 at all
  fc
    .uint8Array({ minLength: 1, maxLength: 200 })
    .map((b) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(b)])),
  fc.string().map((s) => `{${s}`),
  // wrong JSON kinds at the top
  fc.constantFrom('null', '[]', '42', '"event"', 'true', '{}'),
);

describe('malformed input (property-based)', () => {
  it('every broken event ends in the dead-letter topic with a reason; the valid ones around it are scored', async () => {
    const cases = fc.sample(broken, { numRuns: 2000, seed: 20261201 });
    // The generator can produce a valid event by chance (a field set to a valid value): count what is really invalid.
    const invalid = cases.filter((c) => {
      try {
        return !RequestEvent.safeParse(JSON.parse(Buffer.isBuffer(c) ? c.toString('utf8') : c)).success;
      } catch {
        return true;
      }
    });
    const h = await kafkaDetectHarness(inject('kafkaBrokers'));
    const config = h.config;
    const worker = await startDetector(h.rt, { specs: detectorRegistry(overrideScanner) });
    // Broken events interleaved with a real attack.
    for (let i = 0; i < stuffing.length; i++) {
      await h.send([stuffing[i]!]);
      const slice = invalid.slice(i * 50, i * 50 + 50);
      await h.bus.send(
        config.kafka.topics.requests,
        slice.map((value, j) => ({ key: `bad-${i}-${j}`, value })),
      );
    }
    await h.bus.send(
      config.kafka.topics.requests,
      invalid.slice(stuffing.length * 50).map((value) => ({ key: 'bad', value })),
    );
    await waitFor('every broken event dead-lettered', () => h.dead.length === invalid.length, 60_000);
    const victim = keyIdFor('victim');
    await waitFor('the attack among them detected', () =>
      h.findings.some((f) => f.subject.id === victim && f.severity === 'critical'),
    );
    const letters = h.dead.map((d) => JSON.parse(d.value!.toString()) as { code: string; reason: string });
    expect(
      letters.every((l) => ['EVENT_INVALID', 'EVENT_UNPARSABLE'].includes(l.code) && l.reason.length > 0),
    ).toBe(true);
    console.log(
      `malformed: sent ${invalid.length} broken + ${stuffing.length} valid, dead-lettered ${h.dead.length}, lost 0`,
    );
    await worker.stop();
    await h.close();
  }, 120_000);
});
