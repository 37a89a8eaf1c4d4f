import { describe, expect, it, vi } from 'vitest';
import type { OutgoingMessage } from './bus.js';
import { chunks, SerialSender } from './serial-sender.js';

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

  it('reports a send still waiting for the broker every 10 s, and stops once it is answered', async () => {
    vi.useFakeTimers();
    try {
      const slow: unknown[] = [];
      let answer!: () => void;
      const sender = new SerialSender(
        () => new Promise<void>((r) => (answer = r)),
        (s) => slow.push(s),
      );
      const sent = sender.send('t', [{ key: null, value: 'x' }]);
      await vi.advanceTimersByTimeAsync(25_000);
      expect(slow).toEqual([
        { topic: 't', messages: 1, waitedMs: 10_000 },
        { topic: 't', messages: 1, waitedMs: 20_000 },
      ]);
      answer();
      await sent;
      await vi.advanceTimersByTimeAsync(30_000);
      expect(slow).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('chunks', () => {
  const sized = (n: number, bytes: number): OutgoingMessage[] =>
    Array.from({ length: n }, (_, i) => ({ key: `k${i % 10}`, value: 'v'.repeat(bytes - 2) }));
  const total = (parts: OutgoingMessage[][]) => parts.reduce((n, p) => n + p.length, 0);

  it('splits by count: 12,000 small messages go in sends of 5,000, in order', () => {
    const messages = sized(12_000, 10);
    const parts = [...chunks(messages)];
    expect(parts.map((p) => p.length)).toEqual([5000, 5000, 2000]);
    expect(parts.flat()).toEqual(messages);
  });

  it('splits by bytes: no send of 4 KB prompts reaches the broker’s 1 MB batch limit, whatever the compression', () => {
    const parts = [...chunks(sized(5000, 4096))];
    expect(total(parts)).toBe(5000);
    for (const p of parts)
      expect(p.reduce((n, m) => n + (m.value as string).length + 2, 0)).toBeLessThanOrEqual(900 * 1024);
    expect(parts.length).toBeGreaterThanOrEqual(Math.ceil((5000 * 4096) / (900 * 1024)));
  });

  it('counts bytes, not characters: multi-byte text is split sooner', () => {
    const wide = Array.from({ length: 1000 }, () => ({ key: null, value: 'é'.repeat(1000) }));
    // 2,000 bytes each: at most 460 a send.
    for (const p of chunks(wide)) expect(p.length).toBeLessThanOrEqual(460);
  });

  it('sends a single message larger than the limit alone rather than never', () => {
    const parts = [
      ...chunks([...sized(2, 10), { key: null, value: 'x'.repeat(2_000_000) }, ...sized(2, 10)]),
    ];
    expect(parts.map((p) => p.length)).toEqual([2, 1, 2]);
  });
});
