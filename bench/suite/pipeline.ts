import { type Admin, Kafka } from 'kafkajs';
import { KafkaBus } from '../../infra/bus/index.js';
import { kafkaClientConfig } from '../../infra/bus/kafka.js';
import { ConsumerLag } from '../../infra/bus/lag.js';
import { createLogger } from '../../infra/logger.js';
import { OpenSearchStore } from '../../infra/store/index.js';
import type { SuiteContext } from './context.js';
import { replayChunks } from './events.js';
import { produceAll } from './produce.js';
import { RoleProcess } from './role-process.js';
import { type RunConfig, runConfig } from './run-config.js';

export const log = createLogger({ level: 'warn' });

export interface RoleFigures {
  cpuSeconds: number;
  peakRssMb: number;
}

export interface PipelineResult {
  events: number;
  seconds: number;
  eps: number;
  findings: number;
  /** Seconds from spawning the roles until every group was stable: part of `seconds`. */
  startSeconds: number;
  /** Per role, from process start; several detect workers are summed (CPU) and maxed (RSS). */
  roles: Record<string, RoleFigures>;
}

/** The roles of a run, started and joined to their groups. */
export class Roles {
  readonly procs: RoleProcess[] = [];

  private constructor(
    readonly run: RunConfig,
    readonly admin: Admin,
    /** Members each consumer group should have. */
    readonly members: Map<string, number>,
  ) {}

  static async start(run: RunConfig, o: { detectWorkers: number; respond: boolean }): Promise<Roles> {
    const admin = new Kafka(kafkaClientConfig(run.config.kafka, log)).admin();
    await admin.connect();
    const bus = new KafkaBus(run.config.kafka, log);
    await bus.ensureTopics();
    await bus.close();
    const members = new Map([
      [run.groups.key, o.detectWorkers],
      [run.groups.ip, o.detectWorkers],
      ...(o.respond ? [[run.groups.respond, 1] as const] : []),
    ]);
    const roles = new Roles(run, admin, members);
    for (let i = 0; i < o.detectWorkers; i++) roles.procs.push(new RoleProcess('detect', run.input));
    if (o.respond) roles.procs.push(new RoleProcess('respond', run.input));
    try {
      await Promise.race([roles.joined(), roles.died()]);
    } catch (err) {
      await roles.close();
      throw err;
    }
    return roles;
  }

  /** Rejects when a role process exits before it is stopped. */
  died(): Promise<never> {
    return Promise.race(this.procs.map((p) => p.died));
  }

  /** Every group has all its members and a settled assignment, so no rebalance is timed. */
  private async joined(): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { groups } = await this.admin.describeGroups([...this.members.keys()]);
      if (groups.every((g) => g.state === 'Stable' && g.members.length === this.members.get(g.groupId)))
        return;
      if (Date.now() > deadline)
        throw new Error(
          `groups did not settle: ${JSON.stringify(groups.map((g) => [g.groupId, g.state, g.members.length]))}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Groups short of members: a consumer that crashed out of its group while its process lives on. */
  async shortGroups(): Promise<string[]> {
    const { groups } = await this.admin.describeGroups([...this.members.keys()]);
    return groups
      .filter((g) => g.members.length < this.members.get(g.groupId)!)
      .map((g) => `${g.groupId} (${g.state}, ${g.members.length} of ${this.members.get(g.groupId)} members)`);
  }

  figures(): Record<string, RoleFigures> {
    const out: Record<string, RoleFigures> = {};
    for (const p of this.procs) {
      const s = p.sample();
      const prev = out[p.role];
      out[p.role] = prev
        ? { cpuSeconds: prev.cpuSeconds + s.cpuSeconds, peakRssMb: Math.max(prev.peakRssMb, s.peakRssMb) }
        : s;
    }
    return out;
  }

  /** Stops the roles and removes what the run created: its topics, groups and indices. */
  async close(): Promise<void> {
    await Promise.allSettled(this.procs.map((p) => p.stop()));
    await this.admin.deleteGroups(Object.values(this.run.groups)).catch(() => undefined);
    await this.admin.deleteTopics({ topics: this.run.ownTopics }).catch(() => undefined);
    await this.admin.disconnect();
    const store = new OpenSearchStore(this.run.config.opensearch, log);
    await store.dropAll().catch(() => undefined);
    await store.close();
  }
}

/**
 * A part's input, produced once (set-up, not timed): `events` simulated events on a requests topic
 * that every run of the part reads with fresh consumer groups.
 */
export async function sharedRequests(
  ctx: SuiteContext,
  name: string,
): Promise<{ topic: string; drop: () => Promise<void> }> {
  const { config } = runConfig(ctx.stack, name);
  const topic = config.kafka.topics.requests;
  const admin = new Kafka(kafkaClientConfig(config.kafka, log)).admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: config.kafka.partitions }],
  });
  const seconds = await produceAll(config.kafka, log, topic, replayChunks(ctx.events));
  process.stderr.write(`produced ${ctx.events} events to ${topic} in ${seconds.toFixed(1)} s\n`);
  return {
    topic,
    drop: async () => {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((p) => [p.partition, Number(p.high)]));
}

const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/**
 * True when every group has consumed everything on its topic: lag 0 on every partition that holds
 * messages (infra/bus/lag.ts), and the address stage has received every event.
 */
export async function drained(roles: Roles, lag: ConsumerLag, events: number): Promise<boolean> {
  const { topics } = roles.run.config.kafka;
  const rows = await lag.read();
  const byIp = await endOffsets(roles.admin, topics.requestsByIp);
  if (sum(byIp) < events) return false;
  const wanted: [string, string][] = [
    [roles.run.groups.key, topics.requests],
    [roles.run.groups.ip, topics.requestsByIp],
  ];
  if (roles.procs.some((p) => p.role === 'respond')) wanted.push([roles.run.groups.respond, topics.findings]);
  for (const [group, topic] of wanted) {
    const ends = await endOffsets(roles.admin, topic);
    for (const [partition, end] of ends) {
      if (end === 0) continue;
      const row = rows.find((r) => r.group === group && r.topic === topic && r.partition === partition);
      if (!row || row.lag > 0) return false;
    }
  }
  return true;
}

/**
 * One run on events already on the requests topic, timed from spawning the roles until every group's
 * lag is zero. Process start and group join are inside the window: a first worker consumes as soon as
 * it has joined, before a second one is up, so timing from the join would credit work done before it.
 */
export async function pipelineRun(
  run: RunConfig,
  o: { detectWorkers: number; respond: boolean; events: number },
): Promise<PipelineResult> {
  const t0 = performance.now();
  const roles = await Roles.start(run, o);
  const startSeconds = (performance.now() - t0) / 1000;
  const lag = new ConsumerLag(run.config.kafka, log);
  try {
    // Two drained reads in a row (a commit between the reads of one check cannot fool it), timed at the first.
    let drainedAt = 0;
    let shortSince = 0;
    for (let streak = 0; streak < 2; ) {
      await Promise.race([new Promise((r) => setTimeout(r, 250)), roles.died()]);
      const ok = await drained(roles, lag, o.events);
      if (ok && streak === 0) drainedAt = performance.now();
      streak = ok ? streak + 1 : 0;
      if (performance.now() - t0 > 900_000) throw new Error('not drained within 15 minutes');
      // A member may leave for a rebalance; one gone for 30 s will not be back, and the run would never end.
      const short = ok ? [] : await roles.shortGroups();
      shortSince = short.length ? shortSince || performance.now() : 0;
      if (shortSince && performance.now() - shortSince > 30_000)
        throw new Error(`consumer left its group and did not rejoin: ${short.join(', ')}`);
    }
    const seconds = (drainedAt - t0) / 1000;
    return {
      events: o.events,
      seconds,
      startSeconds,
      eps: o.events / seconds,
      findings: sum(await endOffsets(roles.admin, run.config.kafka.topics.findings)),
      roles: roles.figures(),
    };
  } finally {
    await lag.close();
    await roles.close();
  }
}
