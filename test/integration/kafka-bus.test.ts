import { describe, expect, inject, it } from 'vitest';
import { type BusMessage, createKafkaBus, type OutgoingMessage } from '../../infra/bus/index.js';
import { partitionFor } from '../../infra/bus/partitioner.js';
import { createLogger } from '../../infra/logger.js';
import { Config } from '../../schemas/config.js';
import { describeBusConformance } from '../helpers/bus-conformance.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

const CLIENTS = ['kafkajs', 'platformatic', 'mixed'] as const;
type Client = (typeof CLIENTS)[number];

/** `compression` unset: the configured default (lz4). */
function kafkaBus(client: Client, compression?: Config['kafka']['compression']) {
  const prefix = uniqueName('gh');
  const config = Config.parse({
    kafka: {
      brokers: inject('kafkaBrokers').split(','),
      client,
      compression,
      partitions: 3,
      topics: {
        requests: `${prefix}.requests`,
        requestsByIp: `${prefix}.requests-by-ip`,
        findings: `${prefix}.findings`,
        revocations: `${prefix}.revocations`,
        state: `${prefix}.state`,
        dlq: `${prefix}.dlq`,
      },
    },
  });
  return createKafkaBus(config.kafka, createLogger({ level: 'error' }));
}

/** Reads a topic until `count` messages have arrived (`count` distinct ones, when `identity` is given). */
async function collect(
  bus: ReturnType<typeof kafkaBus>,
  topic: string,
  count: number,
  identity?: (m: BusMessage) => string,
): Promise<BusMessage[]> {
  const got: BusMessage[] = [];
  const seen = new Set<string>();
  const sub = await bus.consume({
    groupId: uniqueName('g'),
    topics: [topic],
    fromBeginning: true,
    onBatch: async (b) => {
      for (const m of b.messages) {
        const id = identity?.(m);
        if (id !== undefined && seen.has(id)) continue;
        if (id !== undefined) seen.add(id);
        got.push(m);
      }
    },
  });
  await waitFor(`${count} messages`, () => got.length >= count);
  await sub.stop();
  return got;
}

for (const client of CLIENTS) {
  describeBusConformance(`kafka (${client})`, async () => kafkaBus(client));

  describe(`Kafka bus on ${client}`, () => {
    it('processes batches of different partitions at once under `concurrency`, in order per partition', async () => {
      const bus = kafkaBus(client);
      try {
        const t = uniqueName('conc');
        await bus.createTopic(t, 3);
        // One key per partition, so each partition holds an ordered run of values.
        const keys = [0, 1, 2].map((p) => {
          for (let i = 0; ; i++) if (partitionFor(`k${i}`, 3, () => 0) === p) return `k${i}`;
        });
        await bus.send(
          t,
          keys.flatMap((key) => Array.from({ length: 5 }, (_, i) => ({ key, value: String(i) }))),
        );
        let inFlight = 0;
        let maxInFlight = 0;
        const got = new Map<string, string[]>();
        const sub = await bus.consume({
          groupId: uniqueName('g'),
          topics: [t],
          fromBeginning: true,
          concurrency: 3,
          onBatch: async (b) => {
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            await new Promise((r) => setTimeout(r, 300));
            for (const m of b.messages) got.set(m.key!, [...(got.get(m.key!) ?? []), m.value!.toString()]);
            inFlight--;
          },
        });
        await waitFor('15 messages', () => [...got.values()].flat().length >= 15);
        await sub.stop();
        expect(maxInFlight).toBeGreaterThan(1);
        for (const key of keys) expect(got.get(key)).toEqual(['0', '1', '2', '3', '4']);
      } finally {
        await bus.close();
      }
    });

    it('keeps fetching across many fetches: 30 MB through 1 MiB-per-partition fetches, nothing lost', async () => {
      // Uncompressed, so the topic really is far larger than one fetch.
      const bus = kafkaBus(client, 'none');
      try {
        const t = uniqueName('volume');
        await bus.createTopic(t, 6);
        const value = 'v'.repeat(750);
        const count = 40_000;
        await bus.send(
          t,
          Array.from({ length: count }, (_, i) => ({ key: `k${i % 50}`, value, headers: { i: String(i) } })),
        );
        const seen = new Set<string>();
        const sub = await bus.consume({
          groupId: uniqueName('g'),
          topics: [t],
          fromBeginning: true,
          // A handler that takes a while, so fetches complete while a batch is being handled.
          onBatch: async (b) => {
            await new Promise((r) => setTimeout(r, 20));
            for (const m of b.messages) seen.add(m.headers.i!);
          },
        });
        await waitFor(`${count} distinct messages`, () => seen.size >= count, 40_000);
        await sub.stop();
        expect(seen.size).toBe(count);
      } finally {
        await bus.close();
      }
    });

    it('keeps its membership through a handler slower than the session timeout (30 s): no rebalance, every message once', async () => {
      const bus = kafkaBus(client);
      try {
        const t = uniqueName('slow');
        await bus.createTopic(t, 1);
        await bus.send(
          t,
          ['a', 'b', 'c'].map((v) => ({ key: v, value: v })),
        );
        const handled: string[] = [];
        let assignments = 0;
        let first = true;
        const sub = await bus.consume({
          groupId: uniqueName('g'),
          topics: [t],
          fromBeginning: true,
          onAssignment: () => void assignments++,
          onBatch: async (batch) => {
            // A CPU-starved worker or a store that is down: one batch takes longer than the session.
            if (first) await new Promise((r) => setTimeout(r, 35_000));
            first = false;
            handled.push(...batch.messages.map((m) => m.value!.toString()));
          },
        });
        await waitFor('the slow batch handled', () => handled.length >= 3, 60_000);
        await bus.send(t, [{ key: 'd', value: 'd' }]);
        await waitFor('the next message', () => handled.length >= 4, 20_000);
        await sub.stop();
        expect(handled).toEqual(['a', 'b', 'c', 'd']);
        expect(assignments).toBe(1);
      } finally {
        await bus.close();
      }
    }, 120_000);

    it('reassigns partitions when a second member joins: assignments split, every message handled once', async () => {
      const a = kafkaBus(client);
      const b = kafkaBus(client);
      try {
        const t = uniqueName('rebal');
        await a.createTopic(t, 4);
        const groupId = uniqueName('g');
        const assigned = { a: [] as number[], b: [] as number[] };
        const handled: string[] = [];
        const member = (bus: typeof a, name: 'a' | 'b') =>
          bus.consume({
            groupId,
            topics: [t],
            fromBeginning: true,
            onBatch: async (batch) => {
              handled.push(...batch.messages.map((m) => m.value!.toString()));
            },
            onAssignment: (tps) => {
              assigned[name] = tps.map((tp) => tp.partition).sort();
            },
          });
        const subA = await member(a, 'a');
        await waitFor('a owns all', () => assigned.a.length === 4);
        const subB = await member(b, 'b');
        await waitFor('a split', () => assigned.a.length > 0 && assigned.b.length > 0, 40_000);
        await waitFor('a settled split', () => assigned.a.length + assigned.b.length === 4, 40_000);
        expect([...assigned.a, ...assigned.b].sort()).toEqual([0, 1, 2, 3]);
        const values = Array.from({ length: 40 }, (_, i) => `v${i}`);
        await a.send(
          t,
          values.map((v) => ({ key: v, value: v })),
        );
        await waitFor('40 handled', () => handled.length >= 40);
        await Promise.all([subA.stop(), subB.stop()]);
        expect(handled.sort()).toEqual(values.sort());
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}

describe('kafkajs and @platformatic/kafka on one topic', () => {
  for (const compression of ['lz4', 'gzip'] as const)
    for (const [producer, consumer] of [
      ['kafkajs', 'platformatic'],
      ['platformatic', 'kafkajs'],
    ] as const) {
      it(`${consumer} reads what ${producer} produced (${compression}): keys, values, headers, tombstones; keys on the same partitions`, async () => {
        const p = kafkaBus(producer, compression);
        const c = kafkaBus(consumer, compression);
        try {
          const t = uniqueName('cross');
          await p.createTopic(t, 6);
          const batch = (from: Client): OutgoingMessage[] => [
            ...Array.from({ length: 30 }, (_, i) => ({
              key: `key-${i}`,
              value: Buffer.from(`${from}-${i}`),
              headers: { 'x-from': from, 'x-i': String(i) },
            })),
            { key: 'key-0', value: null, headers: { 'x-from': from } },
            { key: null, value: `${from}-keyless` },
          ];
          // Both clients produce the same keys to the same topic: each key must stay on one partition.
          await p.send(t, batch(producer));
          await c.send(t, batch(consumer));
          // At least once: a batch the broker refuses as out of order (kafkajs, on a topic this
          // fresh, now and then) is sent again by a new producer (producer-state.ts).
          const identity = (m: BusMessage) =>
            JSON.stringify([m.key, m.value?.toString() ?? null, m.headers, m.partition]);
          const got = await collect(c, t, 64, identity);
          expect(got).toHaveLength(64);
          for (const from of [producer, consumer]) {
            const mine = got.filter(
              (m) => m.headers['x-from'] === from || m.value?.toString() === `${from}-keyless`,
            );
            expect(mine).toHaveLength(32);
            for (let i = 0; i < 30; i++) {
              const m = mine.find((x) => x.headers['x-i'] === String(i))!;
              expect(m.key).toBe(`key-${i}`);
              expect(m.value?.toString()).toBe(`${from}-${i}`);
              expect(m.partition).toBe(partitionFor(`key-${i}`, 6, () => 0));
            }
            const tombstone = mine.find((m) => m.key === 'key-0' && m.value === null)!;
            expect(tombstone.partition).toBe(partitionFor('key-0', 6, () => 0));
            expect(tombstone.headers).toEqual({ 'x-from': from });
            expect(mine.find((m) => m.value?.toString() === `${from}-keyless`)?.key).toBeNull();
          }
        } finally {
          await Promise.all([p.close(), c.close()]);
        }
      });
    }
});
