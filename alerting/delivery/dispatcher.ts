import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../infra/clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { asDeliveryError, backoffMs, DeliveryError } from './retry.js';

export interface Destination<T> {
  readonly name: string;
  send(item: T, signal: AbortSignal): Promise<void>;
}

export interface DeliveryOptions {
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  concurrency: number;
  queueLimit: number;
  breakerFailures: number;
  breakerCooldownMs: number;
}

export interface Outcome<T> {
  destination: string;
  item: T;
  status: 'succeeded' | 'dead_lettered';
  attempts: number;
  code: DeliveryError['code'] | 'QUEUE_FULL' | null;
  reason: string | null;
}

interface Lane<T> {
  destination: Destination<T>;
  breaker: CircuitBreaker;
  queue: T[];
  active: number;
}

/**
 * Delivery written once for every notifier and adapter (like crowdsec's plugin broker): a queue per
 * destination with bounded concurrency, a timeout per attempt, retries with full-jitter back-off, a
 * circuit breaker, and an outcome for every item (succeeded or dead-lettered), so nothing is lost
 * silently. `enqueue` never waits, so a slow destination holds up neither the caller nor other lanes.
 */
export class Dispatcher<T> {
  private readonly lanes = new Map<string, Lane<T>>();
  private readonly idleWaiters = new Set<() => void>();
  private stopping = false;

  constructor(
    destinations: readonly Destination<T>[],
    private readonly options: DeliveryOptions,
    clock: Clock,
    private readonly onOutcome: (outcome: Outcome<T>) => Promise<void> | void,
    private readonly wait: (ms: number) => Promise<unknown> = sleep,
    private readonly random: () => number = Math.random,
  ) {
    for (const destination of destinations) {
      this.lanes.set(destination.name, {
        destination,
        breaker: new CircuitBreaker(clock, options.breakerFailures, options.breakerCooldownMs),
        queue: [],
        active: 0,
      });
    }
  }

  get destinations(): string[] {
    return [...this.lanes.keys()];
  }

  breakerState(name: string) {
    return this.lanes.get(name)?.breaker.state ?? null;
  }

  /** Queues an item for one destination; a full queue dead-letters the item at once instead of growing. */
  enqueue(name: string, item: T): void {
    const lane = this.lanes.get(name);
    if (!lane) throw new Error(`unknown destination "${name}"`);
    if (lane.queue.length >= this.options.queueLimit) {
      void this.report({
        destination: name,
        item,
        status: 'dead_lettered',
        attempts: 0,
        code: 'QUEUE_FULL',
        reason: `${name} has ${lane.queue.length} deliveries waiting`,
      });
      return;
    }
    lane.queue.push(item);
    this.pump(lane);
  }

  /** Resolves when every queue is empty and nothing is in flight. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.add(resolve));
  }

  /** Stops retrying (remaining items are dead-lettered after their current attempt) and waits. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.idle();
  }

  private pump(lane: Lane<T>): void {
    while (lane.active < this.options.concurrency && lane.queue.length > 0) {
      const item = lane.queue.shift() as T;
      lane.active++;
      void this.deliver(lane, item).finally(() => {
        lane.active--;
        this.pump(lane);
        if (this.isIdle()) this.wakeIdle();
      });
    }
  }

  private async deliver(lane: Lane<T>, item: T): Promise<void> {
    const name = lane.destination.name;
    let last: DeliveryError | null = null;
    let attempts = 0;
    while (attempts < this.options.maxAttempts) {
      if (attempts > 0) {
        if (this.stopping) break;
        await this.wait(
          backoffMs(attempts - 1, this.options.retryBaseMs, this.options.retryMaxMs, this.random),
        );
      }
      attempts++;
      if (!lane.breaker.allow()) {
        last = new DeliveryError('CIRCUIT_OPEN', `${name} is failing; circuit open`, true);
        continue;
      }
      try {
        await this.attempt(lane.destination, item);
        lane.breaker.success();
        await this.report({
          destination: name,
          item,
          status: 'succeeded',
          attempts,
          code: null,
          reason: null,
        });
        return;
      } catch (err) {
        lane.breaker.failure();
        last = asDeliveryError(name, err);
        if (!last.retryable) break;
      }
    }
    await this.report({
      destination: name,
      item,
      status: 'dead_lettered',
      attempts,
      code: last?.code ?? 'NOTIFY_FAILED',
      reason: last?.message ?? 'not delivered',
    });
  }

  /** One call, bounded by the timeout even if the destination ignores the abort signal. */
  private async attempt(destination: Destination<T>, item: T): Promise<void> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(
          new DeliveryError(
            'NOTIFY_TIMEOUT',
            `${destination.name} did not answer within ${this.options.timeoutMs} ms`,
            true,
          ),
        );
      }, this.options.timeoutMs);
    });
    try {
      await Promise.race([destination.send(item, controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async report(outcome: Outcome<T>): Promise<void> {
    try {
      await this.onOutcome(outcome);
    } catch {
      // The outcome sink records actions; its own failures are logged there and must not kill a lane.
    }
  }

  private wakeIdle(): void {
    const waiters = [...this.idleWaiters];
    this.idleWaiters.clear();
    for (const w of waiters) w();
  }

  private isIdle(): boolean {
    for (const lane of this.lanes.values()) if (lane.active > 0 || lane.queue.length > 0) return false;
    return true;
  }
}
