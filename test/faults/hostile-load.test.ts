import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { detectOffline, detectorRegistry, type Engine } from '../../detectors/index.js';
import { DetectorsConfig } from '../../schemas/config/detectors.js';
import type { RequestEvent } from '../../schemas/request-event.js';
import { FLOOD_START, hostileTraffic, STUFFING_IP } from '../helpers/hostile-traffic.js';
import { overrideScanner } from '../helpers/override-scanner.js';
import { keyIdFor } from '../helpers/traffic.js';

/**
 * An attacker rotating through a million spoofed addresses and 100,000 keys must not exhaust the
 * detectors' memory, nor push the state of a real attack running at the same time out of it.
 */
/** A real collection before each reading, so the figure is retained state, not garbage. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('hostile load', () => {
  it('1,000,000 addresses and 100,000 keys in minutes: bounded state, counted evictions, the concurrent attack still caught', () => {
    const cap = 50_000;
    const config = DetectorsConfig.parse({ maxEntities: cap });
    const specs = detectorRegistry(overrideScanner);
    const N = Number(process.env.HOSTILE_EVENTS ?? 1_000_000);
    let events = 0;
    function* flood(): Generator<RequestEvent> {
      for (const e of hostileTraffic(N, (i) => FLOOD_START + Math.floor(i / 5000) * 1000)) {
        events++;
        yield e;
      }
    }
    gc();
    const before = process.memoryUsage().heapUsed;
    const engines: Engine[] = [];
    const findings = detectOffline(flood(), specs, config, 1, engines);
    gc();
    const grownMb = (process.memoryUsage().heapUsed - before) / 1e6;
    const victim = keyIdFor('victim');
    expect(findings.some((f) => f.subject.id === victim && f.severity === 'critical')).toBe(true);
    expect(findings.some((f) => f.subject.kind === 'ip' && f.subject.id === STUFFING_IP)).toBe(true);
    let evicted = 0;
    for (const engine of engines) {
      for (const slot of engine.slots) expect(slot.table.size).toBeLessThanOrEqual(cap);
      evicted += engine.evicted;
    }
    // At least the address-stage volume table (two thirds of the flood succeed) overflowed.
    expect(evicted).toBeGreaterThanOrEqual(Math.floor((N * 2) / 3) - cap);
    // 7 detector tables at most `cap` entries each, well under a kilobyte per entity.
    expect(grownMb).toBeLessThan((7 * cap * 1000) / 1e6);
    console.log(
      `hostile load: ${N.toLocaleString('en')} flood events + ${events - N} attack events, ${evicted.toLocaleString('en')} evictions, heap +${grownMb.toFixed(0)} MB, attack detected`,
    );
  }, 180_000);
});
