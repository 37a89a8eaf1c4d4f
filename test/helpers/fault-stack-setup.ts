import { stopFaultStack } from './fault-stack.js';

/**
 * vitest globalSetup of the faults project: the dedicated fault stack is started lazily by the
 * files that kill Kafka or OpenSearch (test/helpers/fault-stack.ts); this stops it after the run.
 */
export default function setup(): () => Promise<void> {
  return () => stopFaultStack();
}
