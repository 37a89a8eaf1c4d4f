import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { withStateLock } from './lock.js';

describe('withStateLock', () => {
  it('serialises callers on one state dir and removes the lock afterwards', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehound-lock-'));
    const events: string[] = [];
    const job = (name: string) =>
      withStateLock(dir, async () => {
        events.push(`${name} in`);
        await sleep(30);
        events.push(`${name} out`);
      });
    await Promise.all([job('a'), job('b')]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes over a lock left by a dead process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehound-lock-'));
    fs.writeFileSync(path.join(dir, '.lock'), '999999999\n');
    expect(await withStateLock(dir, async () => 'ran', { timeoutMs: 1000 })).toBe('ran');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
