/** A record of the address stage, from one key partition (its lane), in that partition's order. */
export interface LaneRecord<T> {
  lane: number;
  /** The record's offset in its key partition: what deduplicates a record the key stage sent twice. */
  sourceOffset: number;
  /** Event time, epoch ms. */
  ts: number;
  item: T;
}

interface Lane<T> {
  queue: LaneRecord<T>[];
  head: number;
  /** Highest source offset taken in: a record at or below it was sent twice and is dropped. */
  taken: number;
  /** Highest source offset released, the one a snapshot keeps. */
  released: number;
  /** Latest event time taken in. */
  maxTs: number;
  /** When this lane, empty, first held the merge back (wall clock); null while it is not doing so. */
  waitingSince: number | null;
}

/**
 * Puts the records of one address partition back in event-time order across the key partitions
 * they were re-keyed from (Kafka Streams' max.task.idle.ms, within a partition). Each key partition
 * is a lane, in its own order; the lanes progress unevenly (a slower key partition, a broker that
 * came back), and without this a lane ahead would push the watermark past the others' events and
 * get them dropped as late. A record is released once every known lane has reached its event time,
 * or once a lane that holds it back has sent nothing for `waitMs`. Pure: the caller gives the time.
 */
export class LaneMerge<T> {
  private readonly lanes = new Map<number, Lane<T>>();
  private count = 0;
  /** Records released out of order: past the buffer cap, or past a lane that was waited for in vain. */
  overflowed = 0;
  waitedOut = 0;

  /** `lanes`: how many key partitions there are; each is waited for from the start. */
  constructor(private readonly options: { waitMs: number; maxBuffered: number; lanes?: number }) {
    for (let n = 0; n < (options.lanes ?? 0); n++) this.lane(n);
  }

  /** Lanes known from a snapshot: their released offsets, and that they exist (so they are waited for). */
  restore(released: Record<string, number>): void {
    for (const [lane, offset] of Object.entries(released)) {
      const l = this.lane(Number(lane));
      l.taken = Math.max(l.taken, offset);
      l.released = Math.max(l.released, offset);
    }
  }

  /** False when the record was taken in before (a re-send of the key stage): it is dropped. */
  push(record: LaneRecord<T>): boolean {
    const lane = this.lane(record.lane);
    if (record.sourceOffset <= lane.taken) return false;
    lane.taken = record.sourceOffset;
    if (record.ts > lane.maxTs) lane.maxTs = record.ts;
    lane.waitingSince = null;
    lane.queue.push(record);
    this.count++;
    return true;
  }

  /** The records that can be scored now, in event-time order. */
  release(now: number): LaneRecord<T>[] {
    const out: LaneRecord<T>[] = [];
    for (;;) {
      let next: Lane<T> | null = null;
      for (const lane of this.lanes.values()) {
        if (lane.head < lane.queue.length && (!next || lane.queue[lane.head]!.ts < next.queue[next.head]!.ts))
          next = lane;
      }
      if (!next) break;
      const record = next.queue[next.head]!;
      const overflowing = this.count > this.options.maxBuffered;
      if (overflowing) this.overflowed++;
      else if (this.heldBack(record.ts, now)) break;
      next.head++;
      next.released = record.sourceOffset;
      this.count--;
      if (next.head === next.queue.length) {
        next.queue = [];
        next.head = 0;
      }
      out.push(record);
    }
    return out;
  }

  get buffered(): number {
    return this.count;
  }

  /** Items taken in and not yet released, oldest first per lane. */
  *pending(): Iterable<T> {
    for (const lane of this.lanes.values())
      for (let i = lane.head; i < lane.queue.length; i++) yield lane.queue[i]!.item;
  }

  /** Released source offset per lane: what a snapshot of the scored state includes. */
  releasedOffsets(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [n, lane] of this.lanes) if (lane.released >= 0) out[n] = lane.released;
    return out;
  }

  /** Whether an empty lane, not yet at `ts`, holds the merge back (starting its wait if it was not). */
  private heldBack(ts: number, now: number): boolean {
    let held = false;
    let expired = false;
    for (const lane of this.lanes.values()) {
      if (lane.head < lane.queue.length || lane.maxTs >= ts) continue;
      lane.waitingSince ??= now;
      if (now - lane.waitingSince < this.options.waitMs) held = true;
      else expired = true;
    }
    if (!held && expired) this.waitedOut++;
    return held;
  }

  private lane(n: number): Lane<T> {
    let lane = this.lanes.get(n);
    if (!lane) {
      lane = { queue: [], head: 0, taken: -1, released: -1, maxTs: -Infinity, waitingSince: null };
      this.lanes.set(n, lane);
    }
    return lane;
  }
}
