import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from './bus.js';
import { SerialSender } from './serial-sender.js';

describe('SerialSender', () => {
  it('keeps one send in flight and folds what arrives meanwhile into the next send', async () => {
    const calls: { topic: string; n: number }[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const sender = new SerialSender(async (topic, messages) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls.push({ topic, n: messages.length });
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
    });
    const msg = (i: number): OutgoingMessage => ({ key: String(i), value: String(i) });
    await Promise.all([
      sender.send('a', [msg(1)]),
      sender.send('a', [msg(2), msg(3)]),
      sender.send('a', [msg(4)]),
      sender.send('b', [msg(5)]),
    ]);
    expect(maxInFlight).toBe(1);
    expect(calls).toEqual([
      { topic: 'a', n: 1 },
      { topic: 'a', n: 3 },
      { topic: 'b', n: 1 },
    ]);
  });

  it('rejects exactly the callers whose messages failed', async () => {
    const sender = new SerialSender(async (topic) => {
      await new Promise((r) => setTimeout(r, 1));
      if (topic === 'bad') throw new Error('broker said no');
    });
    const results = await Promise.allSettled([
      sender.send('ok', [{ key: null, value: 'x' }]),
      sender.send('bad', [{ key: null, value: 'y' }]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });
});
