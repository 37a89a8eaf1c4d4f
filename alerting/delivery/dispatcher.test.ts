import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../infra/clock.js';
import { type DeliveryOptions, type Destination, Dispatcher, type Outcome } from './dispatcher.js';
import { DeliveryError } from './retry.js';

const OPTIONS: DeliveryOptions = {
  timeoutMs: 50,
  maxAttempts: 4,
  retryBaseMs: 1,
  retryMaxMs: 2,
  concurrency: 2,
  queueLimit: 100,
  breakerFailures: 100,
  breakerCooldownMs: 1000,
};

function destination(
  name: string,
  behaviour: (attempt: number) => Promise<void>,
): Destination<string> & { calls: number } {
  const d = {
    name,
    calls: 0,
    send: async () => {
      d.calls++;
      await behaviour(d.calls);
    },
  };
  return d;
}

const fail500 = async () => {
  throw new DeliveryError('NOTIFY_FAILED', 'answered HTTP 500', true, 500);
};
const hang = () => new Promise<void>(() => {});

function setup(destinations: Destination<string>[], options: Partial<DeliveryOptions> = {}) {
  const outcomes: Outcome<string>[] = [];
  const waits: number[] = [];
  const d = new Dispatcher<string>(
    destinations,
    { ...OPTIONS, ...options },
    new ManualClock(),
    (o) => {
      outcomes.push(o);
    },
    async (ms) => {
      waits.push(ms);
    },
    () => 0.5,
  );
  return { d, outcomes, waits };
}

describe('dispatcher', () => {
  it('delivers once and reports success', async () => {
    const ok = destination('ok', async () => {});
    const { d, outcomes } = setup([ok]);
    d.enqueue('ok', 'n1');
    await d.idle();
    expect(outcomes).toEqual([
      { destination: 'ok', item: 'n1', status: 'succeeded', attempts: 1, code: null, reason: null },
    ]);
  });

  it('retries a failing destination with back-off, then dead-letters it', async () => {
    const bad = destination('bad', fail500);
    const { d, outcomes, waits } = setup([bad]);
    d.enqueue('bad', 'n1');
    await d.idle();
    expect(bad.calls).toBe(4);
    expect(waits).toHaveLength(3);
    expect(outcomes[0]).toMatchObject({ status: 'dead_lettered', attempts: 4, code: 'NOTIFY_FAILED' });
  });

  it('recovers when a retry succeeds', async () => {
    const flaky = destination('flaky', async (n) => (n < 3 ? fail500() : undefined));
    const { d, outcomes } = setup([flaky]);
    d.enqueue('flaky', 'n1');
    await d.idle();
    expect(outcomes[0]).toMatchObject({ status: 'succeeded', attempts: 3 });
  });

  it('does not retry what cannot succeed (a 4xx)', async () => {
    const gone = destination('gone', async () => {
      throw new DeliveryError('NOTIFY_FAILED', 'answered HTTP 404', false, 404);
    });
    const { d, outcomes } = setup([gone]);
    d.enqueue('gone', 'n1');
    await d.idle();
    expect(gone.calls).toBe(1);
    expect(outcomes[0]).toMatchObject({ status: 'dead_lettered', attempts: 1 });
  });

  it('times out a destination that never answers, and other destinations are not held up', async () => {
    const slow = destination('slow', hang);
    const ok = destination('ok', async () => {});
    const { d, outcomes } = setup([slow, ok], { maxAttempts: 2, concurrency: 1 });
    for (const n of ['n1', 'n2', 'n3']) {
      d.enqueue('slow', n);
      d.enqueue('ok', n);
    }
    // ok's three deliveries land while slow's first is still waiting for its timeout.
    await new Promise((r) => setTimeout(r, 20));
    expect(outcomes.filter((o) => o.destination === 'ok').map((o) => o.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    await d.idle();
    const slowOutcomes = outcomes.filter((o) => o.destination === 'slow');
    expect(slowOutcomes).toHaveLength(3);
    expect(slowOutcomes.every((o) => o.status === 'dead_lettered' && o.code === 'NOTIFY_TIMEOUT')).toBe(true);
  });

  it('fails fast while the circuit is open', async () => {
    const bad = destination('bad', fail500);
    const { d, outcomes } = setup([bad], { breakerFailures: 2, maxAttempts: 5 });
    d.enqueue('bad', 'n1');
    await d.idle();
    expect(bad.calls).toBe(2); // the other three attempts were refused by the open circuit
    expect(outcomes[0]).toMatchObject({ status: 'dead_lettered', code: 'CIRCUIT_OPEN', attempts: 5 });
    expect(d.breakerState('bad')).toBe('open');
  });

  it('dead-letters at once instead of growing a full queue', async () => {
    const slow = destination('slow', hang);
    const { d, outcomes } = setup([slow], { queueLimit: 1, concurrency: 1, maxAttempts: 1, timeoutMs: 20 });
    d.enqueue('slow', 'n1'); // in flight
    d.enqueue('slow', 'n2'); // queued
    d.enqueue('slow', 'n3'); // over the limit
    expect(outcomes).toEqual([
      expect.objectContaining({ item: 'n3', status: 'dead_lettered', code: 'QUEUE_FULL' }),
    ]);
    await d.idle();
  });
});
