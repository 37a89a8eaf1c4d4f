import type { Bus, Subscription } from './bus/index.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import { RevocationSet } from './revocations.js';

export interface RevocationFollower {
  readonly set: RevocationSet;
  /** Resolves once every revocation present at start-up has been applied. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps a RevocationSet in step with the compacted revocations topic: read from the start, then
 * live. When the bus is unreachable the set keeps what it has, so enforcement never lapses.
 */
export async function followRevocations(
  bus: Bus,
  topic: string,
  clock: Clock,
  log: Logger,
): Promise<RevocationFollower> {
  const set = new RevocationSet(clock);
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const subscription: Subscription = await bus.tail({
    topic,
    onMessage: (message) => {
      if (!set.apply(message))
        log.warn({ topic, offset: message.offset }, 'ignored a record that is not a valid revocation');
    },
    onCaughtUp: () => markReady(),
  });
  return { set, ready, stop: () => subscription.stop() };
}
