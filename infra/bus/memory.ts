import type { Config } from '../../schemas/config.js';
import type {
  Bus,
  BusMessage,
  ConsumeOptions,
  GroupSubscription,
  OutgoingMessage,
  Subscription,
  TailOptions,
  TopicPartition,
} from './bus.js';
import { partitionFor } from './partitioner.js';
import { isCompacted, topicSpecs } from './topics.js';

interface Topic {
  compacted: boolean;
  /** One log per partition; compaction leaves holes so offsets stay stable. */
  logs: (BusMessage | undefined)[][];
  /** Compacted topics: offset of the latest record per key, per partition. */
  latest: Map<string, number>[];
}

interface Member {
  options: ConsumeOptions;
  assigned: TopicPartition[];
  running: boolean;
  /** Where the member reads next, per `topic/partition`: from the group's commit after each rebalance. */
  positions: Map<string, number>;
}

interface Group {
  members: Member[];
  committed: Map<string, number>;
}

const RETRY_MS = [10, 50, 200, 1000];

/**
 * The embedded bus: Kafka's semantics that the pipeline relies on (partitions by key, consumer groups
 * sharing partitions, offsets committed after processing, compaction, tombstones), in one process.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private readonly topics = new Map<string, Topic>();
  private readonly groups = new Map<string, Group>();
  private readonly wakers = new Set<() => void>();
  private rr = 0;
  private closed = false;

  constructor(
    private readonly kafka: Config['kafka'],
    private readonly defaultPartitions = kafka.partitions,
  ) {}

  async ensureTopics(): Promise<void> {
    for (const spec of topicSpecs(this.kafka))
      this.createTopic(spec.name, spec.partitions, isCompacted(spec));
  }

  createTopic(name: string, partitions: number, compacted = false): void {
    if (this.topics.has(name)) return;
    this.topics.set(name, {
      compacted,
      logs: Array.from({ length: partitions }, () => []),
      latest: Array.from({ length: partitions }, () => new Map()),
    });
  }

  async send(topicName: string, messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    const topic = this.topic(topicName);
    const now = Date.now();
    for (const m of messages) {
      const partition = m.partition ?? partitionFor(m.key, topic.logs.length, () => this.rr++);
      const log = topic.logs[partition];
      if (!log) throw new Error(`${topicName} has no partition ${partition}`);
      const offset = log.length;
      const value = m.value === null ? null : Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value);
      log.push({
        topic: topicName,
        partition,
        offset: String(offset),
        key: m.key,
        value,
        headers: { ...m.headers },
        timestamp: now,
      });
      if (topic.compacted && m.key !== null) {
        const previous = topic.latest[partition]!.get(m.key);
        if (previous !== undefined) log[previous] = undefined;
        topic.latest[partition]!.set(m.key, offset);
      }
    }
    this.wake();
  }

  async consume(options: ConsumeOptions): Promise<GroupSubscription> {
    for (const t of options.topics) this.topic(t);
    const group: Group = this.groups.get(options.groupId) ?? { members: [], committed: new Map() };
    this.groups.set(options.groupId, group);
    const member: Member = { options, assigned: [], running: true, positions: new Map() };
    group.members.push(member);
    await this.rebalance(group);
    const loop = this.runMember(group, member);
    return {
      stop: async () => {
        member.running = false;
        this.wake();
        await loop;
        group.members = group.members.filter((m) => m !== member);
        await this.rebalance(group);
      },
      commit: async (positions) => {
        for (const p of positions) group.committed.set(`${p.topic}/${p.partition}`, Number(p.offset) + 1);
      },
    };
  }

  async endOffsets(topicName: string, partitions: number[]): Promise<Map<number, bigint>> {
    const topic = this.topic(topicName);
    return new Map(partitions.map((p) => [p, BigInt(topic.logs[p]?.length ?? 0)]));
  }

  async tail(options: TailOptions): Promise<Subscription> {
    const topic = this.topic(options.topic);
    const positions = topic.logs.map(() => 0);
    const ends = topic.logs.map((log) => log.length);
    let running = true;
    let caughtUp = false;
    const loop = (async () => {
      while (running) {
        let delivered = false;
        for (let p = 0; p < topic.logs.length; p++) {
          const log = topic.logs[p]!;
          while (running && positions[p]! < log.length) {
            const message = log[positions[p]!];
            positions[p]!++;
            if (message) {
              await options.onMessage(message);
              delivered = true;
            }
          }
        }
        if (!caughtUp && positions.every((pos, p) => pos >= ends[p]!)) {
          caughtUp = true;
          options.onCaughtUp?.();
        }
        if (!delivered) await this.sleep();
      }
    })();
    return {
      stop: async () => {
        running = false;
        this.wake();
        await loop;
      },
    };
  }

  async ping(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const group of this.groups.values()) for (const m of group.members) m.running = false;
    this.wake();
  }

  /** Delivers each assigned partition in order, up to `concurrency` partitions at once (as Kafka clients do). */
  private async runMember(group: Group, member: Member): Promise<void> {
    const inFlight = new Map<string, Promise<void>>();
    const limit = member.options.concurrency ?? 1;
    while (member.running && !this.closed) {
      for (const tp of member.assigned) {
        if (!member.running || inFlight.size >= limit) break;
        const key = `${tp.topic}/${tp.partition}`;
        if (inFlight.has(key)) continue;
        const log = this.topic(tp.topic).logs[tp.partition]!;
        if (!group.committed.has(key))
          group.committed.set(key, member.options.fromBeginning ? 0 : log.length);
        const start = member.positions.get(key) ?? group.committed.get(key)!;
        if (start >= log.length) continue;
        const end = Math.min(log.length, start + 1000);
        const messages = log.slice(start, end).filter((m): m is BusMessage => m !== undefined);
        const delivery = messages.length
          ? this.deliver(member, { topic: tp.topic, partition: tp.partition, messages })
          : Promise.resolve();
        const done = delivery.then(() => {
          inFlight.delete(key);
          // A stopped member must not commit (its batch may not have finished), nor one that lost the partition.
          if (!member.running || !member.assigned.includes(tp)) return;
          member.positions.set(key, end);
          if (member.options.commits !== 'manual') group.committed.set(key, end);
          this.wake();
        });
        inFlight.set(key, done);
      }
      await Promise.race([this.sleep(), ...inFlight.values()]);
    }
    await Promise.all(inFlight.values());
  }

  private async deliver(member: Member, batch: Parameters<ConsumeOptions['onBatch']>[0]): Promise<void> {
    for (let attempt = 0; member.running; attempt++) {
      try {
        await member.options.onBatch(batch);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
      }
    }
  }

  private async rebalance(group: Group): Promise<void> {
    const live = group.members.filter((m) => m.running);
    const topics = [...new Set(live.flatMap((m) => m.options.topics))].sort();
    for (const m of live) {
      m.assigned = [];
      m.positions = new Map();
    }
    let i = 0;
    for (const t of topics) {
      const subscribers = live.filter((m) => m.options.topics.includes(t));
      for (let p = 0; p < this.topic(t).logs.length; p++)
        subscribers[i++ % subscribers.length]!.assigned.push({ topic: t, partition: p });
    }
    for (const m of live) await m.options.onAssignment?.([...m.assigned]);
  }

  private topic(name: string): Topic {
    let topic = this.topics.get(name);
    if (!topic) {
      this.createTopic(name, this.defaultPartitions);
      topic = this.topics.get(name)!;
    }
    return topic;
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, 50);
      this.wakers.add(done);
    });
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }
}
