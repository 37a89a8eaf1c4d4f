import { randomUUID } from 'node:crypto';
import type { Bus, OutgoingMessage } from '../infra/bus/index.js';
import type { Stage } from './detector.js';
import type { EngineSnapshot } from './engine.js';
import { decodeState, encodeState } from './state-codec.js';

/** Kafka's default message limit is 1 MB; chunks stay well below it. */
const CHUNK_CHARS = 512 * 1024;

/** Address stage: where its merge of the key partitions stood. */
export interface LaneReach {
  /** Per key partition, the offset of the last re-keyed event the snapshot includes. */
  lanes?: Record<string, number>;
  /** Per key partition, the last offset it reported having taken in. */
  reported?: Record<string, number>;
}

/** What a snapshot includes of its partition's records. */
interface Reach extends LaneReach {
  /** Offset of the last event the snapshot includes. */
  offset: string;
}

interface Manifest extends Reach {
  snapshotId: string;
  chunks: number;
}

export interface SavedState extends Reach {
  snapshot: EngineSnapshot;
}

/**
 * Engine snapshots on the compacted state topic: chunks under `<stage>:<partition>:<snapshot>:<n>`,
 * then a manifest under `<stage>:<partition>` naming them, then tombstones for the previous
 * snapshot's chunks. A reader follows the manifest, so it never mixes two snapshots, and compaction
 * leaves one snapshot per partition.
 */
export class StateStore {
  private readonly previous = new Map<string, { snapshotId: string; chunks: number }>();

  constructor(
    private readonly bus: Bus,
    private readonly topic: string,
  ) {}

  async save(
    stage: Stage,
    partition: number,
    snapshot: EngineSnapshot,
    offset: string,
    lanes: LaneReach = {},
  ): Promise<void> {
    const text = encodeState(snapshot);
    const snapshotId = randomUUID();
    const chunks: OutgoingMessage[] = [];
    for (let i = 0, n = 0; i < text.length || n === 0; i += CHUNK_CHARS, n++) {
      chunks.push({ key: `${stage}:${partition}:${snapshotId}:${n}`, value: text.slice(i, i + CHUNK_CHARS) });
    }
    await this.bus.send(this.topic, chunks);
    const base = `${stage}:${partition}`;
    const manifest: Manifest = { snapshotId, chunks: chunks.length, offset, ...lanes };
    await this.bus.send(this.topic, [{ key: base, value: JSON.stringify(manifest) }]);
    const old = this.previous.get(base);
    if (old) {
      const tombstones = Array.from({ length: old.chunks }, (_, n) => ({
        key: `${base}:${old.snapshotId}:${n}`,
        value: null,
      }));
      await this.bus.send(this.topic, tombstones);
    }
    this.previous.set(base, { snapshotId, chunks: chunks.length });
  }

  /** The latest complete snapshot of each wanted partition of a stage. */
  async load(stage: Stage, partitions: number[]): Promise<Map<number, SavedState>> {
    const wanted = new Set(partitions.map((p) => `${stage}:${p}`));
    const manifests = new Map<string, Manifest>();
    const chunks = new Map<string, string>();
    let done!: () => void;
    const caughtUp = new Promise<void>((resolve) => {
      done = resolve;
    });
    const sub = await this.bus.tail({
      topic: this.topic,
      onMessage: (m) => {
        if (m.key === null) return;
        const base = m.key.split(':').slice(0, 2).join(':');
        if (!wanted.has(base)) return;
        if (m.value === null) chunks.delete(m.key);
        else if (m.key === base) manifests.set(base, JSON.parse(m.value.toString()) as Manifest);
        else chunks.set(m.key, m.value.toString());
      },
      onCaughtUp: () => done(),
    });
    await caughtUp;
    await sub.stop();
    const out = new Map<number, SavedState>();
    for (const [base, manifest] of manifests) {
      const parts: string[] = [];
      for (let n = 0; n < manifest.chunks; n++) {
        const chunk = chunks.get(`${base}:${manifest.snapshotId}:${n}`);
        if (chunk === undefined) break;
        parts.push(chunk);
      }
      if (parts.length !== manifest.chunks) continue;
      this.previous.set(base, { snapshotId: manifest.snapshotId, chunks: manifest.chunks });
      out.set(Number(base.split(':')[1]), {
        snapshot: decodeState<EngineSnapshot>(parts.join('')),
        offset: manifest.offset,
        lanes: manifest.lanes,
        reported: manifest.reported,
      });
    }
    return out;
  }
}
