import { describe, expect, it } from 'vitest';
import { RequestEvent } from '../schemas/request-event.js';
import { simulate } from './simulate.js';

describe('simulate', () => {
  const small = { hours: 1, users: 30, attacksPerType: 3, warmupMinutes: 20 };

  it('is deterministic: the same seed gives the same events and truth', () => {
    expect(simulate({ ...small, seed: 5 })).toEqual(simulate({ ...small, seed: 5 }));
    expect(simulate({ ...small, seed: 6 }).events).not.toEqual(simulate({ ...small, seed: 5 }).events);
  });

  it('writes valid RequestEvents in event-time order, with every attack in the ground truth', () => {
    const { events, truth } = simulate({ ...small, seed: 9 });
    for (const e of events) expect(RequestEvent.safeParse(e).success).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i]!.ts >= events[i - 1]!.ts).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(truth.attacks.map((a) => a.type).sort()).toEqual(
      ['auth_failure_burst', 'injection', 'probing', 'volume_spike'].flatMap((t) => [t, t, t]).sort(),
    );
    for (const a of truth.attacks) {
      expect(Date.parse(a.start)).toBeGreaterThanOrEqual(Date.parse(truth.start) + 20 * 60_000);
      expect(a.subjects.length).toBeGreaterThan(0);
    }
  });
});
