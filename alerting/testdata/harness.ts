import type { Bus } from '../../infra/bus/index.js';
import { MemoryBus } from '../../infra/bus/index.js';
import { ManualClock } from '../../infra/clock.js';
import { createLogger } from '../../infra/logger.js';
import { Metrics } from '../../infra/metrics.js';
import { createRuntime, type Runtime } from '../../infra/runtime.js';
import { MemoryStore, type Store } from '../../infra/store/index.js';
import { Config, type ConfigInput } from '../../schemas/config.js';
import type { Finding } from '../../schemas/finding.js';

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** Fast retries so failure paths finish in milliseconds; the clock starts at the real time (webhook timestamps). */
export const FAST_DELIVERY = {
  timeoutMs: 2000,
  maxAttempts: 3,
  retryBaseMs: 5,
  retryMaxMs: 10,
  concurrency: 2,
  queueLimit: 100,
  breakerFailures: 50,
  breakerCooldownMs: 1000,
};

export function testRuntime(
  input: ConfigInput,
  parts: { bus?: Bus; store?: Store; clock?: ManualClock } = {},
): Runtime & { clock: ManualClock } {
  const config = Config.parse(input);
  const clock = parts.clock ?? new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  const runtime = createRuntime(config, {
    bus: parts.bus ?? new MemoryBus(config.kafka),
    store: parts.store ?? new MemoryStore(),
    clock,
    log: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    metrics: new Metrics(),
    instanceId: 'test',
  });
  return { ...runtime, clock };
}

export function findingMessages(findings: Finding[]) {
  return findings.map((f) => ({ key: `${f.subject.kind}:${f.subject.id}`, value: JSON.stringify(f) }));
}
