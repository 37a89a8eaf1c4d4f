import { describe, expect, inject, it } from 'vitest';
import { detectorRegistry } from '../../detectors/registry.js';
import { startDetector } from '../../detectors/worker.js';
import { Finding } from '../../schemas/finding.js';
import { kafkaDetectHarness } from '../helpers/detect-harness.js';
import { overrideScanner } from '../helpers/override-scanner.js';
import { spike, stuffing } from '../helpers/scenarios.js';
import { keyIdFor } from '../helpers/traffic.js';
import { waitFor } from '../helpers/wait.js';

const specs = detectorRegistry(overrideScanner);

const kafkaHarness = () => kafkaDetectHarness(inject('kafkaBrokers'));

describe('detect role on real Kafka', () => {
  it('turns a credential-stuffing burst into findings, valid against the contract, and dead-letters bad input', async () => {
    const h = await kafkaHarness();
    const worker = await startDetector(h.rt, { specs });
    await h.send([
      ...stuffing.slice(0, 30),
      { schema: 'gatehound.request.v1', id: 'broken' },
      ...stuffing.slice(30),
    ]);
    const victim = keyIdFor('victim');
    await waitFor('the compromise finding', () => h.findings.some((f) => f.subject.id === victim), 30_000);
    await waitFor('the dead letter', () => h.dead.length === 1, 30_000);
    for (const f of h.findings) expect(Finding.safeParse(f).success).toBe(true);
    expect(h.findings.find((f) => f.subject.id === victim)).toMatchObject({
      detector: 'auth_failure_burst',
      severity: 'critical',
    });
    expect(h.findings.some((f) => f.subject.kind === 'ip' && f.subject.id === '192.0.2.66')).toBe(true);
    expect(JSON.parse(h.dead[0]!.value!.toString())).toMatchObject({
      code: 'EVENT_INVALID',
      stage: 'detect',
    });
    await worker.stop();
    await h.close();
  });

  it('a worker restarted mid-stream restores its baselines from the state topic', async () => {
    const h = await kafkaHarness();
    const first = await startDetector(h.rt, { specs });
    await h.send(spike.slice(0, 600));
    await waitFor('the baseline to be consumed', async () => (await h.consumed()) >= 600, 30_000);
    await first.stop();
    const second = await startDetector(h.rt, { specs });
    await h.send(spike.slice(600));
    const steady = keyIdFor('steady');
    await waitFor(
      'the spike finding',
      () => h.findings.some((f) => f.detector === 'volume_spike' && f.subject.id === steady),
      30_000,
    );
    const finding = h.findings.find((f) => f.detector === 'volume_spike' && f.subject.id === steady)!;
    expect(finding.evidence.details?.baselineFrom).toBe('entity');
    expect(finding.evidence.baseline).toBeGreaterThan(15);
    // Scored once each: findings are deduplicated by id, and the restart replayed nothing.
    expect(await h.consumed()).toBe(spike.length);
    await second.stop();
    await h.close();
  });
});
