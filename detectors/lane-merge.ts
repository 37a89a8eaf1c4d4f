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
  /** Latest event time taken in or reported by the lane's progress. */
  maxTs: number;
  /** Its key partition said it has read to the end and gone quiet: it holds nothing back until it sends. */
  idle: boolean;
  /** When the lane was last heard from, a record or a progress report (wall clock). */
  heardAt: number;
}

/**
 * Puts the records of one address partition back in event-time order across the key partitions
 * they were re-keyed from (Kafka Streams' max.task.idle.ms, within a partition). Each key partition
 * is a lane, in its own order; the lanes progress unevenly (a slower key partition, a broker that
 * came back), and without this a lane ahead would push the watermark past the others' events and
 * get them dropped as late. A record is released once every lane has reached its event time (by its
 * records or its progress reports), or said it is idle, or stayed silent while the others were heard
 * from for `waitMs`. Silence is measured against the other lanes, not the clock: when nothing arrives
 * at all (the broker is down, the whole key stage is restarting) nobody is given up on. Pure: the
 * caller gives the time.
 */
export class LaneMerge<T> {
  private readonly lanes = new Map<number, Lane<T>>();
  private count = 0;
  /** When any lane was last heard from. */
  private lastHeard: number;
  /** Records released out of order: past the buffer cap, or past a lane that was waited for in vain. */
  overflowed = 0;
  waitedOut = 0;

  /** `lanes`: how many key partitions there are; each is waited for from the start (`now`). */
  constructor(
    private readonly options: { waitMs: number; maxBuffered: number; lanes?: number; now: number },
  ) {
    this.lastHeard = options.now;
    for (let n = 0; n < (options.lanes ?? 0); n++) this.lane(n);
  }

  /** Lanes known from a snapshot: their released offsets, that they exist (so they are waited for), which were idle. */
  restore(released: Record<string, number>, idle: number[] = []): void {
    for (const [lane, offset] of Object.entries(released)) {
      const l = this.lane(Number(lane));
      l.taken = Math.max(l.taken, offset);
      l.released = Math.max(l.released, offset);
    }
    for (const lane of idle) this.lane(lane).idle = true;
  }

  /** False when the record was taken in before (a re-send of the key stage): it is dropped. */
  push(record: LaneRecord<T>, now: number): boolean {
    const lane = this.heard(record.lane, now);
    lane.idle = false;
    if (record.sourceOffset <= lane.taken) return false;
    lane.taken = record.sourceOffset;
    if (record.ts > lane.maxTs) lane.maxTs = record.ts;
    lane.queue.push(record);
    this.count++;
    return true;
  }

  /**
   * A lane's progress report: it has re-keyed everything up to `ts` (null: nothing yet), and whether
   * it is idle. True when that changed whether it is idle.
   */
  progress(lane: number, ts: number | null, idle: boolean, now: number): boolean {
    const l = this.heard(lane, now);
    const changed = l.idle !== idle;
    l.idle = idle;
    if (ts !== null && ts > l.maxTs) l.maxTs = ts;
    return changed;
  }

  /** The records that can be scored now, in event-time order. */
  release(): LaneRecord<T>[] {
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
      else if (this.heldBack(record.ts)) break;
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

  /** The lanes that said they are idle. */
  idleLanes(): number[] {
    return [...this.lanes].filter(([, lane]) => lane.idle).map(([n]) => n);
  }

  /** Released source offset per lane: what a snapshot of the scored state includes. */
  releasedOffsets(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [n, lane] of this.lanes) if (lane.released >= 0) out[n] = lane.released;
    return out;
  }

  /** Whether an empty lane that is not idle, not yet at `ts`, and not silent for too long holds the merge back. */
  private heldBack(ts: number): boolean {
    let held = false;
    let expired = false;
    for (const lane of this.lanes.values()) {
      if (lane.head < lane.queue.length || lane.maxTs >= ts || lane.idle) continue;
      if (this.lastHeard - lane.heardAt < this.options.waitMs) held = true;
      else expired = true;
    }
    if (!held && expired) this.waitedOut++;
    return held;
  }

  private heard(n: number, now: number): Lane<T> {
    const lane = this.lane(n);
    lane.heardAt = Math.max(lane.heardAt, now);
    if (now > this.lastHeard) this.lastHeard = now;
    return lane;
  }

  private lane(n: number): Lane<T> {
    let lane = this.lanes.get(n);
    if (!lane) {
      // A lane learnt of now is waited for as one that was just heard from.
      const heardAt = this.lastHeard;
      lane = { queue: [], head: 0, taken: -1, released: -1, maxTs: -Infinity, idle: false, heardAt };
      this.lanes.set(n, lane);
    }
    return lane;
  }
}
