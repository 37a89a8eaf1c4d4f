import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus, BusMessage } from '../../infra/bus/index.js';
import { uniqueName, waitFor } from './wait.js';

export interface TestBus extends Bus {
  createTopic(name: string, partitions: number, compacted?: boolean): void | Promise<void>;
}

/**
 * The behaviour every Bus must have, run against the in-process bus (unit) and Kafka (integration).
 * Each test uses its own topics and groups, so the suite can share one broker.
 */
export function describeBusConformance(name: string, makeBus: () => Promise<TestBus>): void {
  describe(`Bus conformance: ${name}`, () => {
    let bus: TestBus;
    beforeAll(async () => {
      bus = await makeBus();
    });
    afterAll(async () => {
      await bus?.close();
    });

    async function topic(partitions = 3, compacted = false): Promise<string> {
      const t = uniqueName('conf');
      await bus.createTopic(t, partitions, compacted);
      return t;
    }

    /** Reads the topic from the beginning in a fresh group until `count` messages came. */
    async function readAll(t: string, count: number): Promise<BusMessage[]> {
      const got: BusMessage[] = [];
      const sub = await bus.consume({
        groupId: uniqueName('g'),
        topics: [t],
        fromBeginning: true,
        onBatch: async (b) => {
          got.push(...b.messages);
        },
      });
      await waitFor(`${count} messages`, () => got.length >= count);
      await sub.stop();
      return got;
    }

    it('delivers every message with its key, value and headers, in order per key', async () => {
      const t = await topic(3);
      const sent = Array.from({ length: 200 }, (_, i) => ({
        key: `k${i % 7}`,
        value: JSON.stringify({ i }),
        headers: { 'x-seq': String(i) },
      }));
      await bus.send(t, sent.slice(0, 100));
      await bus.send(t, sent.slice(100));
      const got = await readAll(t, 200);
      expect(got).toHaveLength(200);
      for (let k = 0; k < 7; k++) {
        const seqs = got.filter((m) => m.key === `k${k}`).map((m) => Number(m.headers['x-seq']));
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(new Set(got.filter((m) => m.key === `k${k}`).map((m) => m.partition)).size).toBe(1);
      }
      expect(JSON.parse(got.find((m) => m.headers['x-seq'] === '42')!.value!.toString())).toEqual({ i: 42 });
    });

    it('puts a message on the partition it names, whatever its key, and counts what each partition holds', async () => {
      const t = await topic(3);
      expect([...(await bus.endOffsets(t, [0, 1, 2])).values()]).toEqual([0n, 0n, 0n]);
      await bus.send(
        t,
        [0, 1, 2, 2].map((partition) => ({ key: 'same-key', value: String(partition), partition })),
      );
      const got = await readAll(t, 4);
      for (const m of got) expect(m.partition).toBe(Number(m.value!.toString()));
      expect(await bus.endOffsets(t, [2, 0])).toEqual(
        new Map([
          [2, 2n],
          [0, 1n],
        ]),
      );
    });

    it('redelivers a batch whose handler failed, and commits only after success', async () => {
      const t = await topic(1);
      await bus.send(t, [
        { key: 'a', value: '1' },
        { key: 'a', value: '2' },
      ]);
      let attempts = 0;
      const processed: string[] = [];
      const sub = await bus.consume({
        groupId: uniqueName('g'),
        topics: [t],
        fromBeginning: true,
        onBatch: async (b) => {
          attempts++;
          if (attempts === 1) throw new Error('transient failure');
          processed.push(...b.messages.map((m) => m.value!.toString()));
        },
      });
      await waitFor('both messages processed', () => processed.length >= 2);
      await sub.stop();
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(processed).toEqual(['1', '2']);
    });

    it('a group resumes after its committed offset: nothing processed twice, nothing skipped', async () => {
      const t = await topic(2);
      const groupId = uniqueName('g');
      await bus.send(
        t,
        Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `first-${i}` })),
      );
      const first: string[] = [];
      const sub1 = await bus.consume({
        groupId,
        topics: [t],
        fromBeginning: true,
        onBatch: async (b) => {
          first.push(...b.messages.map((m) => m.value!.toString()));
        },
      });
      await waitFor('first 50', () => first.length >= 50);
      await sub1.stop();

      await bus.send(
        t,
        Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `second-${i}` })),
      );
      const second: string[] = [];
      const sub2 = await bus.consume({
        groupId,
        topics: [t],
        fromBeginning: true,
        onBatch: async (b) => {
          second.push(...b.messages.map((m) => m.value!.toString()));
        },
      });
      await waitFor('second 30', () => second.length >= 30);
      await sub2.stop();
      expect(first.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `first-${i}`).sort());
      expect(second.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `second-${i}`).sort());
    });

    it('with manual commits, a group resumes after what was committed, not after what was handled', async () => {
      const t = await topic(1);
      const groupId = uniqueName('g');
      await bus.send(
        t,
        Array.from({ length: 30 }, (_, i) => ({ key: 'k', value: `m-${i}` })),
      );
      const member = (got: BusMessage[]) =>
        bus.consume({
          groupId,
          topics: [t],
          fromBeginning: true,
          commits: 'manual',
          onBatch: async (b) => void got.push(...b.messages),
        });
      const first: BusMessage[] = [];
      const sub1 = await member(first);
      await waitFor('all 30 handled', () => first.length >= 30);
      const tenth = first[9]!;
      await sub1.commit([{ topic: t, partition: tenth.partition, offset: tenth.offset }]);
      await sub1.stop();

      const second: BusMessage[] = [];
      const sub2 = await member(second);
      await waitFor('the 20 after the commit', () => second.length >= 20);
      await new Promise((r) => setTimeout(r, 300));
      await sub2.stop();
      expect(second.map((m) => m.value!.toString())).toEqual(
        Array.from({ length: 20 }, (_, i) => `m-${i + 10}`),
      );
    });

    it('reports the partitions a member is assigned', async () => {
      const t = await topic(4);
      let assigned: number[] = [];
      const sub = await bus.consume({
        groupId: uniqueName('g'),
        topics: [t],
        onBatch: async () => {},
        onAssignment: (tps) => {
          assigned = tps.filter((tp) => tp.topic === t).map((tp) => tp.partition);
        },
      });
      await waitFor('an assignment', () => assigned.length === 4);
      await sub.stop();
      expect(assigned.sort()).toEqual([0, 1, 2, 3]);
    });

    it('tails a compacted topic from the beginning: latest value per key, tombstones as null, then live', async () => {
      const t = await topic(1, true);
      await bus.send(t, [
        { key: 'key:a', value: 'v1' },
        { key: 'key:b', value: 'v1' },
        { key: 'key:a', value: 'v2' },
        { key: 'key:b', value: null },
      ]);
      const state = new Map<string, string | null>();
      let caughtUp = false;
      const sub = await bus.tail({
        topic: t,
        onMessage: (m) => {
          state.set(m.key!, m.value === null ? null : m.value.toString());
        },
        onCaughtUp: () => {
          caughtUp = true;
        },
      });
      await waitFor('catch-up', () => caughtUp);
      expect(state.get('key:a')).toBe('v2');
      expect(state.get('key:b')).toBeNull();
      await bus.send(t, [{ key: 'key:c', value: 'live' }]);
      await waitFor('the live record', () => state.get('key:c') === 'live');
      await sub.stop();
    });

    it('tail reports catch-up at once on an empty topic', async () => {
      const t = await topic(1, true);
      let caughtUp = false;
      const sub = await bus.tail({ topic: t, onMessage: () => {}, onCaughtUp: () => (caughtUp = true) });
      await waitFor('catch-up', () => caughtUp);
      await sub.stop();
    });

    it('creates the design topics idempotently and answers ping', async () => {
      await bus.ensureTopics();
      await bus.ensureTopics();
      expect(await bus.ping()).toBe(true);
    });
  });
}
