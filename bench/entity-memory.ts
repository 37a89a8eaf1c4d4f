import { Engine } from '../detectors/engine.js';
import type { AnyDetectorSpec } from '../detectors/index.js';
import type { DetectorsConfig } from '../schemas/config/detectors.js';
import type { RequestEvent } from '../schemas/request-event.js';

/**
 * `n` distinct addresses through the address stage, state kept (no cap hit): heap per tracked entity
 * (needs node --expose-gc) and the events/s of doing it, so memory and speed are read at one size.
 */
export function trackEntities(
  n: number,
  specs: AnyDetectorSpec[],
  config: DetectorsConfig,
  base: RequestEvent,
): { bytesPerEntity: number; eps: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const engine = new Engine('ip', specs, { ...config, maxEntities: n + 1 });
  gc();
  const before = process.memoryUsage().heapUsed;
  const start = Date.parse('2026-11-30T12:00:00Z');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const ip = `${10 + (i >>> 24)}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
    engine.observe({
      ...base,
      id: `m${i}`,
      ts: new Date(start + Math.floor(i / 100)).toISOString(),
      client: { ip, userAgent: null },
    });
  }
  const eps = n / ((performance.now() - t0) / 1000);
  gc();
  const after = process.memoryUsage().heapUsed;
  return { bytesPerEntity: (after - before) / engine.entities, eps };
}
