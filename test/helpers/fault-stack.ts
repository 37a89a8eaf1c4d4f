import os from 'node:os';
import path from 'node:path';
import { probeKafka, probeOpenSearch, waitHealthy } from '../../infra/stack/health.js';
import { type ComponentName, type StackOptions, stackDown, stackUp } from '../../infra/stack/index.js';
import { kafkaNeedles } from '../../infra/stack/kafka.js';
import { opensearchNeedles } from '../../infra/stack/opensearch.js';
import { resolveStackPaths } from '../../infra/stack/paths.js';
import { isAlive, locate } from '../../infra/stack/processes.js';

/**
 * A Kafka and an OpenSearch of the fault tests' own, started with the project's launcher on other
 * ports and another state dir than the shared test stack (19092/19200), because these tests kill
 * and restart them. One stack serves every fault file of a run (`stackUp` finds it running); the
 * faults project's globalSetup stops it at the end.
 */
export const FAULT_STACK: StackOptions = {
  stateDir: path.join(os.tmpdir(), 'gatehound-fault-stack'),
  kafkaPort: 29092,
  opensearchPort: 29200,
  mode: 'jvm',
};

export interface FaultStack {
  kafkaBrokers: string;
  opensearchUrl: string;
  /** Signals the component's process (by its pid file, checked against its command line) and waits until it is gone. */
  kill(component: ComponentName, signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts the component again with the launcher and waits until it answers. */
  restart(component: ComponentName): Promise<void>;
}

function pidOf(component: ComponentName): number | undefined {
  const p = resolveStackPaths(FAULT_STACK);
  return component === 'kafka'
    ? locate(p.kafka.pidFile, kafkaNeedles(p))
    : locate(p.opensearch.pidFile, opensearchNeedles(p));
}

export async function faultStack(): Promise<FaultStack> {
  const t0 = Date.now();
  const info = await stackUp(FAULT_STACK);
  process.stderr.write(
    `[faults] dedicated stack in ${FAULT_STACK.stateDir} (Kafka ${info.kafkaBrokers}, OpenSearch ${info.opensearchUrl}) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  return {
    kafkaBrokers: info.kafkaBrokers,
    opensearchUrl: info.opensearchUrl,
    async kill(component, signal = 'SIGKILL') {
      const pid = pidOf(component);
      if (pid === undefined) throw new Error(`${component} of the fault stack is not running`);
      process.kill(pid, signal);
      const deadline = Date.now() + 60_000;
      while (isAlive(pid)) {
        if (Date.now() > deadline) throw new Error(`${component} (pid ${pid}) still alive after ${signal}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async restart(component) {
      await stackUp(FAULT_STACK);
      const probe =
        component === 'kafka'
          ? () => probeKafka(info.kafkaBrokers, 3000)
          : () => probeOpenSearch(info.opensearchUrl, 3000);
      const res = await waitHealthy(probe, { timeoutMs: 120_000, intervalMs: 500 });
      if (res.outcome !== 'healthy')
        throw new Error(`${component} not healthy after restart: ${res.probe.detail}`);
    },
  };
}

/** Stops the dedicated stack if a fault file started it; nothing happens when it never ran. */
export function stopFaultStack(): Promise<void> {
  return stackDown(FAULT_STACK);
}
