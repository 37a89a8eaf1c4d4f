import { describe, expect, it } from 'vitest';
import { GatehoundError } from '../infra/errors.js';
import { sendWithRetry } from './send-retry.js';

function fakeTime() {
  let t = 0;
  const sleep = async (ms: number) => {
    t += ms;
  };
  return { now: () => t, sleep, slept: () => t };
}

describe('sendWithRetry', () => {
  it('repeats a send the bus refused until it is taken, backing off', async () => {
    const time = fakeTime();
    let calls = 0;
    const delays: number[] = [];
    await sendWithRetry(
      async () => {
        if (++calls < 6) throw new GatehoundError('BUS_SEND_FAILED', 'broker away');
      },
      { giveUpAfterMs: 60_000, ...time, onRetry: (_e, _a, d) => delays.push(d) },
    );
    expect(calls).toBe(6);
    expect(delays).toEqual([500, 1000, 2000, 5000, 5000]);
  });

  it('gives up with the last error once the bus has been away too long', async () => {
    const time = fakeTime();
    const send = async () => {
      throw new GatehoundError('BUS_UNAVAILABLE', 'no broker');
    };
    await expect(sendWithRetry(send, { giveUpAfterMs: 20_000, ...time })).rejects.toMatchObject({
      code: 'BUS_UNAVAILABLE',
    });
    expect(time.slept()).toBeGreaterThanOrEqual(20_000);
    expect(time.slept()).toBeLessThan(26_000);
  });

  it('does not repeat an error that is not the bus being away', async () => {
    let calls = 0;
    const send = async () => {
      calls++;
      throw new Error('bug');
    };
    await expect(sendWithRetry(send, { giveUpAfterMs: 60_000, ...fakeTime() })).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });
});
