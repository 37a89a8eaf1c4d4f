import { describe, expect, it } from 'vitest';
import { blockedAncestor, type StatLike } from './unprivileged.js';

function fakeFs(entries: Record<string, { uid: number; gid: number; mode: number }>) {
  return (p: string): StatLike | undefined => {
    const e = entries[p];
    return e ? { ...e, isDirectory: () => true } : undefined;
  };
}

describe('blockedAncestor', () => {
  const fs = fakeFs({
    '/': { uid: 0, gid: 0, mode: 0o755 },
    '/root': { uid: 0, gid: 0, mode: 0o700 },
    '/root/.cache': { uid: 0, gid: 0, mode: 0o755 },
    '/work': { uid: 0, gid: 0, mode: 0o755 },
    '/work/group': { uid: 0, gid: 65534, mode: 0o750 },
    '/work/mine': { uid: 65534, gid: 0, mode: 0o700 },
  });

  it('finds a 700 home folder in the chain', () => {
    expect(blockedAncestor('/root/.cache/gatehound', 65534, 65534, fs)).toBe('/root');
  });

  it('accepts world-traversable, group-traversable and owned folders', () => {
    expect(blockedAncestor('/work/x', 65534, 65534, fs)).toBeUndefined();
    expect(blockedAncestor('/work/group/x', 65534, 65534, fs)).toBeUndefined();
    expect(blockedAncestor('/work/mine/x', 65534, 65534, fs)).toBeUndefined();
    expect(blockedAncestor('/work/group/x', 1000, 1000, fs)).toBe('/work/group');
  });
});
