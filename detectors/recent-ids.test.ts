import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

describe('recent event ids', () => {
  it('refuses an id seen among the last `capacity`, and forgets the oldest beyond it', () => {
    const r = new RecentIds(3);
    expect(['a', 'b', 'a', 'c'].map((id) => r.add(id))).toEqual([true, true, false, true]);
    expect(r.add('d')).toBe(true); // 'a' is forgotten
    expect(r.add('a')).toBe(true);
    expect(r.add('c')).toBe(false);
    expect(r.toJSON()).toEqual(['c', 'd', 'a']);
  });

  it('survives a snapshot: the restored set refuses what the original did', () => {
    const r = new RecentIds(4);
    for (const id of ['a', 'b', 'c', 'd', 'e']) r.add(id);
    const back = RecentIds.fromJSON(r.toJSON(), 4);
    expect(back.add('e')).toBe(false);
    expect(back.add('b')).toBe(false);
    expect(back.add('a')).toBe(true); // forgotten before the snapshot
    expect(RecentIds.fromJSON(['x', 'y', 'z'], 2).toJSON()).toEqual(['y', 'z']);
  });
});
