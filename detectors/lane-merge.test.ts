import { describe, expect, it } from 'vitest';
import { LaneMerge, type LaneRecord } from './lane-merge.js';

const rec = (lane: number, sourceOffset: number, ts: number): LaneRecord<string> => ({
  lane,
  sourceOffset,
  ts,
  item: `${lane}@${ts}`,
});

const items = (records: LaneRecord<string>[]) => records.map((r) => r.item);

describe('lane merge (address stage, event time across key partitions)', () => {
  it('releases records in event-time order once every lane has reached them', () => {
    const m = new LaneMerge<string>({ waitMs: 1000, maxBuffered: 100 });
    for (const r of [rec(0, 0, 10), rec(0, 1, 30), rec(1, 0, 20)]) m.push(r);
    // Lane 1 has reached 20, lane 0 30: everything up to 20 is safe; 30 waits for lane 1.
    expect(items(m.release(0))).toEqual(['0@10', '1@20']);
    m.push(rec(1, 1, 40));
    expect(items(m.release(0))).toEqual(['0@30']);
    expect(m.buffered).toBe(1);
  });

  it('holds a lane that is ahead until the one behind catches up, then interleaves them', () => {
    const m = new LaneMerge<string>({ waitMs: 1000, maxBuffered: 100 });
    m.push(rec(0, 0, 1));
    m.push(rec(1, 0, 1));
    expect(items(m.release(0))).toEqual(['0@1', '1@1']);
    // A broker came back and lane 0 resumed first, far ahead in event time.
    for (let i = 1; i <= 5; i++) m.push(rec(0, i, 100 + i));
    expect(m.release(100)).toEqual([]);
    for (let i = 1; i <= 3; i++) m.push(rec(1, i, 50 * i));
    expect(items(m.release(200))).toEqual(['1@50', '1@100', '0@101', '0@102', '0@103', '0@104', '0@105']);
    expect(m.buffered).toBe(1);
  });

  it('stops waiting for a lane that sent nothing for waitMs, and waits for it again once it sends', () => {
    const m = new LaneMerge<string>({ waitMs: 1000, maxBuffered: 100 });
    m.push(rec(0, 0, 1));
    m.push(rec(1, 0, 1));
    m.release(0);
    m.push(rec(0, 1, 10));
    expect(m.release(5000)).toEqual([]); // the wait starts when lane 1 first holds the merge back
    expect(m.release(5999)).toEqual([]);
    expect(items(m.release(6000))).toEqual(['0@10']);
    expect(m.waitedOut).toBe(1);
    m.push(rec(0, 2, 20));
    expect(items(m.release(6001))).toEqual(['0@20']); // lane 1 still silent: not waited for again
    m.push(rec(1, 1, 30));
    m.push(rec(0, 3, 40));
    expect(items(m.release(6002))).toEqual(['1@30']); // lane 1 is back: 40 waits for it
  });

  it('waits from the start for every key partition it is told of', () => {
    const m = new LaneMerge<string>({ waitMs: 1000, maxBuffered: 100, lanes: 2 });
    m.push(rec(1, 0, 50));
    expect(m.release(0)).toEqual([]);
    m.push(rec(0, 0, 10));
    m.push(rec(0, 1, 60));
    expect(items(m.release(1))).toEqual(['0@10', '1@50']);
  });

  it('drops a record the key stage sent twice (same lane, offset already taken in)', () => {
    const m = new LaneMerge<string>({ waitMs: 0, maxBuffered: 100 });
    expect(m.push(rec(0, 0, 1))).toBe(true);
    expect(m.push(rec(0, 1, 2))).toBe(true);
    expect(m.push(rec(0, 1, 2))).toBe(false);
    expect(m.push(rec(0, 0, 1))).toBe(false);
    expect(m.push(rec(1, 0, 1))).toBe(true); // the same offset of another lane is another record
    expect(items(m.release(0))).toEqual(['0@1', '1@1', '0@2']);
  });

  it('after a restore, drops what the snapshot includes and waits for the lanes it knew', () => {
    const m = new LaneMerge<string>({ waitMs: 1000, maxBuffered: 100 });
    m.restore({ 0: 5, 1: 7 });
    expect(m.push(rec(0, 5, 50))).toBe(false);
    expect(m.push(rec(0, 6, 60))).toBe(true);
    expect(m.release(0)).toEqual([]); // lane 1 is known and has not sent yet
    expect(m.push(rec(1, 7, 55))).toBe(false);
    m.push(rec(1, 8, 70));
    expect(items(m.release(1))).toEqual(['0@60']);
    expect(m.releasedOffsets()).toEqual({ 0: 6, 1: 7 });
  });

  it('releases regardless once more than maxBuffered records wait', () => {
    const m = new LaneMerge<string>({ waitMs: 60_000, maxBuffered: 3 });
    m.push(rec(0, 0, 1));
    m.push(rec(1, 0, 1));
    m.release(0);
    for (let i = 1; i <= 4; i++) m.push(rec(0, i, 10 * i));
    expect(items(m.release(1))).toEqual(['0@10']);
    expect(m.buffered).toBe(3);
    expect(m.overflowed).toBe(1);
    expect([...m.pending()]).toEqual(['0@20', '0@30', '0@40']);
  });
});
