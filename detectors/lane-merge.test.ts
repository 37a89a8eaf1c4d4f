import { describe, expect, it } from 'vitest';
import { LaneMerge, type LaneRecord } from './lane-merge.js';

const rec = (lane: number, sourceOffset: number, ts: number): LaneRecord<string> => ({
  lane,
  sourceOffset,
  ts,
  item: `${lane}@${ts}`,
});

const items = (records: LaneRecord<string>[]) => records.map((r) => r.item);

const merge = (options: { waitMs?: number; maxBuffered?: number; lanes?: number } = {}) =>
  new LaneMerge<string>({ waitMs: 1000, maxBuffered: 100, now: 0, ...options });

describe('lane merge (address stage, event time across key partitions)', () => {
  it('releases records in event-time order once every lane has reached them', () => {
    const m = merge();
    for (const r of [rec(0, 0, 10), rec(0, 1, 30), rec(1, 0, 20)]) m.push(r, 0);
    // Lane 1 has reached 20, lane 0 30: everything up to 20 is safe; 30 waits for lane 1.
    expect(items(m.release())).toEqual(['0@10', '1@20']);
    m.push(rec(1, 1, 40), 0);
    expect(items(m.release())).toEqual(['0@30']);
    expect(m.buffered).toBe(1);
  });

  it('holds a lane that is ahead until the one behind catches up, then interleaves them', () => {
    const m = merge();
    m.push(rec(0, 0, 1), 0);
    m.push(rec(1, 0, 1), 0);
    expect(items(m.release())).toEqual(['0@1', '1@1']);
    // A broker came back and lane 0 resumed first, far ahead in event time.
    for (let i = 1; i <= 5; i++) m.push(rec(0, i, 100 + i), 100);
    expect(m.release()).toEqual([]);
    for (let i = 1; i <= 3; i++) m.push(rec(1, i, 50 * i), 200);
    expect(items(m.release())).toEqual(['1@50', '1@100', '0@101', '0@102', '0@103', '0@104', '0@105']);
    expect(m.buffered).toBe(1);
  });

  it('a progress report moves a lane on without a record, so the others need not wait for it', () => {
    const m = merge({ lanes: 2 });
    m.push(rec(0, 0, 10), 0);
    m.push(rec(0, 1, 20), 0);
    expect(m.release()).toEqual([]); // lane 1 has said nothing yet
    m.progress(1, 4, 15, 1);
    expect(items(m.release())).toEqual(['0@10']); // lane 1 re-keyed everything up to 15 elsewhere
    m.progress(1, 5, null, 2); // a report without events moves nothing
    expect(m.release()).toEqual([]);
  });

  it('passes a lane whose key partition was seen holding nothing more after the record arrived', () => {
    const m = merge({ lanes: 2 });
    m.push(rec(0, 0, 10), 100);
    expect(m.waitingOn()).toEqual(new Map([[1, -1]]));
    m.caughtUp(1, 99); // seen before the record arrived: lane 1's events may be on their way
    expect(m.release()).toEqual([]);
    m.caughtUp(1, 100);
    expect(items(m.release())).toEqual(['0@10']);
    m.push(rec(0, 1, 20), 101); // a later record needs a later look
    expect(m.release()).toEqual([]);
    m.progress(1, 7, null, 102);
    expect(m.waitingOn()).toEqual(new Map([[1, 7]])); // the offset its partition must end after
    m.caughtUp(1, 103);
    expect(items(m.release())).toEqual(['0@20']);
    expect(m.waitingOn()).toEqual(new Map());
  });

  it('gives up on a lane only once the others were heard from for waitMs while it said nothing', () => {
    const m = merge({ lanes: 2 });
    m.push(rec(0, 0, 10), 0);
    expect(m.release()).toEqual([]);
    m.push(rec(0, 1, 20), 999);
    expect(m.release()).toEqual([]);
    m.push(rec(0, 2, 30), 1000);
    expect(items(m.release())).toEqual(['0@10', '0@20', '0@30']);
    expect(m.waitedOut).toBe(3);
    m.push(rec(1, 0, 40), 1001); // lane 1 is back: waited for again
    m.push(rec(0, 3, 50), 1001);
    expect(items(m.release())).toEqual(['1@40']);
  });

  it('does not count an outage as silence: only time in which others were heard or the broker answered', () => {
    const m = merge({ lanes: 2, waitMs: 5000 });
    m.push(rec(0, 0, 10), 0);
    m.push(rec(1, 0, 10), 0);
    expect(items(m.release())).toEqual(['0@10', '1@10']);
    m.push(rec(1, 1, 20), 100);
    expect(m.release()).toEqual([]); // lane 0 is behind
    // The broker is down for a minute: nothing arrives, nothing answers. Then lane 1 is back first.
    m.push(rec(1, 2, 30), 60_100);
    expect(m.release()).toEqual([]);
    expect(m.waitedOut).toBe(0);
    // The broker answers for 5 s while lane 0 stays silent (its key stage is stuck): given up.
    for (let t = 60_200; t <= 65_200; t += 100) m.alive(t);
    expect(items(m.release())).toEqual(['1@20', '1@30']);
    expect(m.waitedOut).toBe(2);
    expect(m.takeGivenUp()).toEqual([0]);
    expect(m.takeGivenUp()).toEqual([]);
  });

  it('waits from the start for every key partition it is told of', () => {
    const m = merge({ lanes: 2 });
    m.push(rec(1, 0, 50), 0);
    expect(m.release()).toEqual([]);
    m.push(rec(0, 0, 10), 1);
    m.push(rec(0, 1, 60), 1);
    expect(items(m.release())).toEqual(['0@10', '1@50']);
  });

  it('drops a record the key stage sent twice (same lane, offset already taken in)', () => {
    const m = merge({ waitMs: 0 });
    expect(m.push(rec(0, 0, 1), 0)).toBe(true);
    expect(m.push(rec(0, 1, 2), 0)).toBe(true);
    expect(m.push(rec(0, 1, 2), 0)).toBe(false);
    expect(m.push(rec(0, 0, 1), 0)).toBe(false);
    expect(m.push(rec(1, 0, 1), 0)).toBe(true); // the same offset of another lane is another record
    expect(items(m.release())).toEqual(['0@1', '1@1', '0@2']);
  });

  it('after a restore, drops what the snapshot includes and waits for the lanes it knew', () => {
    const m = merge();
    m.restore({ released: { 0: 5, 1: 7 }, reported: { 1: 9 } });
    expect(m.push(rec(0, 5, 50), 0)).toBe(false);
    expect(m.push(rec(0, 6, 60), 0)).toBe(true);
    expect(m.release()).toEqual([]); // lane 1 is known and has not sent yet
    expect(m.push(rec(1, 7, 55), 1)).toBe(false);
    m.push(rec(1, 8, 70), 1);
    expect(items(m.release())).toEqual(['0@60']);
    expect(m.state()).toEqual({ released: { 0: 6, 1: 7 }, reported: { 1: 9 } });
  });

  it('releases regardless once more than maxBuffered records wait', () => {
    const m = merge({ waitMs: 60_000, maxBuffered: 3 });
    m.push(rec(0, 0, 1), 0);
    m.push(rec(1, 0, 1), 0);
    m.release();
    for (let i = 1; i <= 4; i++) m.push(rec(0, i, 10 * i), 1);
    expect(items(m.release())).toEqual(['0@10']);
    expect(m.buffered).toBe(3);
    expect(m.overflowed).toBe(1);
    expect([...m.pending()]).toEqual(['0@20', '0@30', '0@40']);
  });
});
