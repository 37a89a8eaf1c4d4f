import { describe, expect, it } from 'vitest';
import { DetectorsConfig } from '../schemas/config/detectors.js';
import type { Finding } from '../schemas/finding.js';
import type { RequestEvent } from '../schemas/request-event.js';
import { overrideScanner } from '../test/helpers/override-scanner.js';
import { generateTraffic } from '../test/helpers/traffic.js';
import { Engine, type EngineSnapshot } from './engine.js';
import { detectorRegistry } from './registry.js';
import { decodeState, encodeState } from './state-codec.js';

const specs = detectorRegistry(overrideScanner);

function runAll(engine: Engine, events: RequestEvent[]): Finding[] {
  return events.flatMap((e) => {
    const r = engine.observe(e);
    return r.late ? [] : r.findings;
  });
}

const attack = generateTraffic([
  { count: 600, every: '3s', key: 'steady', ip: '203.0.113.10' },
  { count: 400, start: '+3s', every: '150ms', key: 'steady', ip: '203.0.113.10' },
]);

describe('Engine', () => {
  it('drops events older than the allowed lateness and counts them', () => {
    const engine = new Engine('key', specs, DetectorsConfig.parse({ allowedLatenessMs: 10_000 }));
    const [a, b, c] = generateTraffic([{ count: 3, every: '1s' }]);
    engine.observe({ ...c!, ts: '2026-11-30T12:10:00.000Z' });
    expect(engine.observe({ ...a!, ts: '2026-11-30T12:09:55.000Z' }).late).toBe(false);
    expect(engine.observe({ ...b!, ts: '2026-11-30T12:09:45.000Z' }).late).toBe(true);
    expect(engine.late).toBe(1);
  });

  it('gives the same findings, with the same ids, when the same events are replayed', () => {
    const config = DetectorsConfig.parse({});
    const first = runAll(new Engine('key', specs, config), attack);
    const second = runAll(new Engine('key', specs, config), attack);
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });

  it('scores an event produced twice once, also across a snapshot: a batch resent whole changes nothing', () => {
    const config = DetectorsConfig.parse({});
    const whole = runAll(new Engine('key', specs, config), attack);
    const engine = new Engine('key', specs, config);
    // The spike's first 200 events arrive twice, right after their first copies.
    const doubled = [...attack.slice(0, 800), ...attack.slice(600, 800)];
    const first = runAll(engine, doubled);
    expect(engine.duplicates).toBe(200);
    const resumed = new Engine('key', specs, config);
    resumed.restore(decodeState<EngineSnapshot>(encodeState(engine.snapshot())));
    const rest = runAll(resumed, [...attack.slice(700, 800), ...attack.slice(800)]);
    expect(resumed.duplicates).toBe(100);
    expect([...first, ...rest]).toEqual(whole);
  });

  it('bounds its entities: the least recently active are evicted and counted', () => {
    const engine = new Engine('ip', specs, DetectorsConfig.parse({ maxEntities: 100 }));
    runAll(
      engine,
      generateTraffic([{ count: 1000, every: '10ms', ip: '10.1.2', ips: 250, key: 'k', keys: 1 }]),
    );
    for (const slot of engine.slots) expect(slot.table.size).toBeLessThanOrEqual(100);
    expect(engine.evicted).toBeGreaterThan(0);
  });

  it('forgets entities idle for longer than entityIdleMs of event time', () => {
    const engine = new Engine('key', specs, DetectorsConfig.parse({ entityIdleMs: 3_600_000 }));
    runAll(engine, generateTraffic([{ count: 10, every: '1s', key: 'old' }]));
    expect(engine.entities).toBeGreaterThan(0);
    runAll(
      engine,
      generateTraffic([{ count: 5000, start: '2026-11-30T14:00:00Z', every: '10ms', key: 'new' }]),
    );
    const keys = engine.slots.flatMap((s) => [...s.table.entries.keys()]);
    expect(keys.some((k) => k.includes('old'))).toBe(false);
  });

  it('resumes from a snapshot as if it had never stopped', () => {
    const config = DetectorsConfig.parse({});
    const whole = runAll(new Engine('key', specs, config), attack);
    const before = new Engine('key', specs, config);
    const firstHalf = runAll(before, attack.slice(0, 700));
    const saved = decodeState<EngineSnapshot>(encodeState(before.snapshot()));
    const after = new Engine('key', specs, config);
    after.restore(saved);
    const secondHalf = runAll(after, attack.slice(700));
    expect([...firstHalf, ...secondHalf]).toEqual(whole);
  });
});
