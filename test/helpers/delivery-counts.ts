import { Client } from '@opensearch-project/opensearch';
import type { Admin } from 'kafkajs';
import type { Bus } from '../../infra/bus/index.js';
import type { Incident } from '../../schemas/incident.js';
import { LANE_PROGRESS_SCHEMA } from '../../schemas/lane-progress.js';
import { waitFor } from './wait.js';

/**
 * Counting what went where, for the fault tests: every record of a topic, the records a consumer
 * group has not committed, every document of an index. Counts are by id, so "lost" and "duplicated"
 * mean the same thing at every hop.
 */

export interface IdCount {
  /** Records (or documents) read, duplicates included. */
  total: number;
  ids: Set<string>;
}

/** Reads a topic from the start to its end at the time of the call; `idOf` names each record. */
/** The ids of a topic's records; `idOf` answers null for a record that is not counted. */
export async function topicIds(
  bus: Bus,
  topic: string,
  idOf: (value: string) => string | null,
): Promise<IdCount> {
  const counted: IdCount = { total: 0, ids: new Set() };
  let done!: () => void;
  const caughtUp = new Promise<void>((resolve) => {
    done = resolve;
  });
  const sub = await bus.tail({
    topic,
    onMessage: (m) => {
      const id = idOf(m.value!.toString());
      if (id === null) return;
      counted.total++;
      counted.ids.add(id);
    },
    onCaughtUp: () => done(),
  });
  await caughtUp;
  await sub.stop();
  return counted;
}

/** The record id of a JSON value (RequestEvent, Finding, …). */
export const jsonId = (value: string): string => (JSON.parse(value) as { id: string }).id;

/** The event id of a re-keyed event; null for the key stage's progress reports beside them. */
export const reKeyedId = (value: string): string | null => {
  const record = JSON.parse(value) as { id?: string; schema: string };
  return record.schema === LANE_PROGRESS_SCHEMA ? null : record.id!;
};

/** Records on the topic the group has not committed yet: 0 means every record was handled and acknowledged. */
export async function uncommitted(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const at = new Map(committed!.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
  return ends.reduce((n, p) => n + Number(p.high) - (at.get(p.partition) ?? 0), 0);
}

/**
 * Waits until the detect role (groups `<prefix>-detect-key|ip`) and the responder have committed
 * every record of their topics: everything sent so far has been scored and handled.
 */
export async function waitDrained(
  admin: Admin,
  prefix: string,
  topics: { requests: string; requestsByIp: string; findings: string },
  timeoutMs: number,
  why: () => string,
): Promise<void> {
  await waitFor(
    'every event scored and every finding handled',
    async () =>
      (await uncommitted(admin, `${prefix}-detect-key`, topics.requests)) === 0 &&
      (await uncommitted(admin, `${prefix}-detect-ip`, topics.requestsByIp)) === 0 &&
      (await uncommitted(admin, `${prefix}-respond`, topics.findings)) === 0,
    timeoutMs,
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${why()}`);
  });
}

/** Every document of the indices matching `pattern` (ids, and the sources when `withSource`). */
export async function indexedDocs<T>(
  url: string,
  pattern: string,
  withSource = false,
): Promise<{ total: number; ids: Set<string>; docs: T[] }> {
  const client = new Client({ node: url });
  try {
    await client.indices.refresh({ index: pattern, allow_no_indices: true, ignore_unavailable: true });
    const docs: T[] = [];
    const ids = new Set<string>();
    let total = 0;
    let page = await client.search({
      index: pattern,
      scroll: '1m',
      size: 5000,
      allow_no_indices: true,
      ignore_unavailable: true,
      body: { _source: withSource, query: { match_all: {} } },
    });
    for (;;) {
      const hits = page.body.hits.hits;
      if (hits.length === 0) break;
      for (const h of hits) {
        total++;
        ids.add(h._id!);
        if (withSource) docs.push(h._source as T);
      }
      page = await client.scroll({ body: { scroll_id: page.body._scroll_id!, scroll: '1m' } });
    }
    if (page.body._scroll_id)
      await client.clearScroll({ body: { scroll_id: page.body._scroll_id } }).catch(() => undefined);
    return { total, ids, docs };
  } finally {
    await client.close();
  }
}

/**
 * Incidents that correlation should have made one: the same type and subject, the later opened
 * within the quiet period of the earlier one's last finding. A redelivered finding that opened a
 * second incident instead of joining its own shows up here.
 */
export function duplicateIncidents(incidents: Incident[], quietMs: number): Incident[] {
  const bySubject = new Map<string, Incident[]>();
  for (const i of incidents) {
    const k = `${i.type}\u0000${i.subject.kind}\u0000${i.subject.id}`;
    bySubject.set(k, [...(bySubject.get(k) ?? []), i]);
  }
  const duplicates: Incident[] = [];
  for (const group of bySubject.values()) {
    group.sort((a, b) => Date.parse(a.detectedAt) - Date.parse(b.detectedAt));
    for (let i = 1; i < group.length; i++) {
      const earlier = group[i - 1]!;
      const later = group[i]!;
      if (
        earlier.status !== 'resolved' &&
        Date.parse(later.detectedAt) - Date.parse(earlier.lastSeen) <= quietMs
      )
        duplicates.push(later);
    }
  }
  return duplicates;
}

/** Sum of the incidents' finding counts: equal to the distinct findings when each was folded exactly once. */
export function foldedFindings(incidents: Incident[]): number {
  return incidents.reduce((n, i) => n + i.findingCount, 0);
}
