/** A record of the address stage, from one key partition (its lane), in that partition's order. */
export interface LaneRecord<T> {
  lane: number;
  /** The record's offset in its key partition: what deduplicates a record the key stage sent twice. */
  sourceOffset: number;
  /** Event time, epoch ms. */
  ts: number;
  item: T;
}

interface Waiting<T> extends LaneRecord<T> {
  /** When it was taken in (wall clock). */
  arrivedAt: number;
}

interface Lane<T> {
  queue: Waiting<T>[];
  head: number;
  /** Highest source offset taken in: a record at or below it was sent twice and is dropped. */
  taken: number;
  /** Highest source offset released, the one a snapshot keeps. */
  released: number;
  /** Highest offset of its key partition the lane reported as taken in (records re-keyed or not). */
  reported: number;
  /** Latest event time taken in or reported. */
  maxTs: number;
  /** The merge's active time when the lane was last heard from, by a record or a progress report. */
  heardAt: number;
  /** When its key partition was last seen to hold nothing beyond what the lane reported (wall clock). */
  caughtUpAt: number;
}

/** A gap longer than this between signs of life counts as this much: the time nothing could arrive. */
const MAX_GAP_MS = 1000;

/**
 * Puts the records of one address partition back in event-time order across the key partitions
 * they were re-keyed from (Kafka Streams' max.task.idle.ms, within a partition). Each key partition
 * is a lane, in its own order; the lanes progress unevenly (a slower key partition, a broker that
 * came back), and without this a lane ahead would push the watermark past the others' events and
 * get them dropped as late. A record is released once every lane
 * - has reached its event time (by its records or its progress reports), or
 * - was seen, after the record arrived, to have nothing left to read in its key partition (the
 *   caller checks the broker's end offsets against `waitingOn()`), or
 * - stayed silent for `waitMs` of active time: time in which other lanes were heard from or the
 *   broker answered (`alive`). When nothing arrives and the broker does not answer (it is down), the
 *   time does not count, so nobody is given up on for an outage.
 * Pure: the caller gives the time.
 */
export class LaneMerge<T> {
  private readonly lanes = new Map<number, Lane<T>>();
  private count = 0;
  /** Time during which something was heard or the broker answered, gaps capped at MAX_GAP_MS. */
  private active = 0;
  /** When the last sign of life came (wall clock). */
  private lastSign: number;
  /** Records released out of order: past the buffer cap, or past a lane that was waited for in vain. */
  overflowed = 0;
  waitedOut = 0;
  /** The lanes given up on since `takeGivenUp` was last called. */
  private givenUp = new Set<number>();

  /** `lanes`: how many key partitions there are; each is waited for from the start (`now`). */
  constructor(
    private readonly options: { waitMs: number; maxBuffered: number; lanes?: number; now: number },
  ) {
    this.lastSign = options.now;
    for (let n = 0; n < (options.lanes ?? 0); n++) this.lane(n);
  }

  /** Lanes as a snapshot left them: the offsets released and reported per lane. */
  restore(state: LaneState): void {
    for (const [lane, offset] of Object.entries(state.released)) {
      const l = this.lane(Number(lane));
      l.taken = Math.max(l.taken, offset);
      l.released = Math.max(l.released, offset);
    }
    for (const [lane, offset] of Object.entries(state.reported)) {
      const l = this.lane(Number(lane));
      l.reported = Math.max(l.reported, offset);
    }
  }

  /** False when the record was taken in before (a re-send of the key stage): it is dropped. */
  push(record: LaneRecord<T>, now: number): boolean {
    const lane = this.heard(record.lane, now);
    if (record.sourceOffset <= lane.taken) return false;
    lane.taken = record.sourceOffset;
    if (record.ts > lane.maxTs) lane.maxTs = record.ts;
    lane.queue.push({ ...record, arrivedAt: now });
    this.count++;
    return true;
  }

  /** A lane's progress report: it has taken in its key partition up to `offset`, events up to `ts` (null: none yet). */
  progress(lane: number, offset: number, ts: number | null, now: number): void {
    const l = this.heard(lane, now);
    if (offset > l.reported) l.reported = offset;
    if (ts !== null && ts > l.maxTs) l.maxTs = ts;
  }

  /**
   * The lanes holding back the next record, with the offset of their key partition each has
   * reached: one whose partition ends right after that offset has nothing left to send.
   */
  waitingOn(): Map<number, number> {
    const next = this.next();
    const out = new Map<number, number>();
    if (!next) return out;
    for (const [n, lane] of this.lanes)
      if (this.holdsBack(lane, next.queue[next.head]!)) out.set(n, Math.max(lane.reported, lane.taken));
    return out;
  }

  /** The lane's key partition was seen at `at` to hold nothing beyond the offset `waitingOn` gave. */
  caughtUp(lane: number, at: number): void {
    const l = this.lane(lane);
    if (at > l.caughtUpAt) l.caughtUpAt = at;
  }

  /** The broker answered at `now`: time passes for the lanes that are silent. */
  alive(now: number): void {
    this.active += Math.min(Math.max(0, now - this.lastSign), MAX_GAP_MS);
    if (now > this.lastSign) this.lastSign = now;
  }

  /** The lanes given up on (waited for in vain) since the last call. */
  takeGivenUp(): number[] {
    const lanes = [...this.givenUp];
    this.givenUp.clear();
    return lanes;
  }

  /** The records that can be scored now, in event-time order. */
  release(): LaneRecord<T>[] {
    const out: LaneRecord<T>[] = [];
    for (let next = this.next(); next; next = this.next()) {
      const record = next.queue[next.head]!;
      const overflowing = this.count > this.options.maxBuffered;
      if (overflowing) this.overflowed++;
      else if (this.heldBack(record)) break;
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

  /** What a snapshot of the scored state includes: per lane, the offsets released and reported. */
  state(): LaneState {
    const state: LaneState = { released: {}, reported: {} };
    for (const [n, lane] of this.lanes) {
      if (lane.released >= 0) state.released[n] = lane.released;
      if (lane.reported >= 0) state.reported[n] = lane.reported;
    }
    return state;
  }

  /** The lane whose next record is the oldest. */
  private next(): Lane<T> | null {
    let next: Lane<T> | null = null;
    for (const lane of this.lanes.values()) {
      if (lane.head < lane.queue.length && (!next || lane.queue[lane.head]!.ts < next.queue[next.head]!.ts))
        next = lane;
    }
    return next;
  }

  /** An empty lane not yet at the record's event time, and not seen caught up since it arrived. */
  private holdsBack(lane: Lane<T>, record: Waiting<T>): boolean {
    return lane.head === lane.queue.length && lane.maxTs < record.ts && lane.caughtUpAt < record.arrivedAt;
  }

  /** Whether a lane that holds the record back has been silent for less than `waitMs`. */
  private heldBack(record: Waiting<T>): boolean {
    let held = false;
    const expired: number[] = [];
    for (const [n, lane] of this.lanes) {
      if (!this.holdsBack(lane, record)) continue;
      if (this.active - lane.heardAt < this.options.waitMs) held = true;
      else expired.push(n);
    }
    if (!held && expired.length) {
      this.waitedOut++;
      for (const n of expired) this.givenUp.add(n);
    }
    return held;
  }

  private heard(n: number, now: number): Lane<T> {
    this.alive(now);
    const lane = this.lane(n);
    lane.heardAt = this.active;
    return lane;
  }

  private lane(n: number): Lane<T> {
    let lane = this.lanes.get(n);
    if (!lane) {
      // A lane learnt of now is waited for as one that was just heard from.
      const heardAt = this.active;
      lane = {
        queue: [],
        head: 0,
        taken: -1,
        released: -1,
        reported: -1,
        maxTs: -Infinity,
        heardAt,
        caughtUpAt: -Infinity,
      };
      this.lanes.set(n, lane);
    }
    return lane;
  }
}

/** Per key partition, the last offset released (re-keyed records scored) and the last one reported. */
export interface LaneState {
  released: Record<string, number>;
  reported: Record<string, number>;
}
