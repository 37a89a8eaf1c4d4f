import type { DetectorName } from '../schemas/common.js';
import type { RequestEvent } from '../schemas/request-event.js';
import { ATTACKS, type Attack } from './attacks.js';
import { Random } from './random.js';
import { makeUsers, userMinute } from './users.js';

export interface SimulationOptions {
  seed: number;
  start: string;
  hours: number;
  users: number;
  /** Attacks of each type, spread over the run after the warm-up. */
  attacksPerType: number;
  /** Minutes of ordinary traffic before the first attack, so baselines exist. */
  warmupMinutes: number;
}

export const DEFAULT_SIMULATION: SimulationOptions = {
  seed: 42,
  start: '2026-11-30T08:00:00Z',
  hours: 4,
  users: 200,
  attacksPerType: 20,
  warmupMinutes: 45,
};

export interface GroundTruth {
  seed: number;
  start: string;
  end: string;
  users: number;
  attacks: Attack[];
}

/** Seeded, labelled traffic: ordinary users with a daily rhythm and noise, plus each attack type. */
export function simulate(options: Partial<SimulationOptions> = {}): {
  events: RequestEvent[];
  truth: GroundTruth;
} {
  const o = { ...DEFAULT_SIMULATION, ...options };
  const r = new Random(o.seed);
  const start = Date.parse(o.start);
  const minutes = Math.round(o.hours * 60);
  const users = makeUsers(r, o.users);
  let seq = 0;
  const nextId = () => `sim-${o.seed}-${(++seq).toString(36)}`;
  let attackerSeq = 0;
  const attackerIp = () => {
    attackerSeq++;
    return `198.18.${(attackerSeq >> 8) & 255}.${attackerSeq & 255}`;
  };
  const events: RequestEvent[] = [];
  for (let m = 0; m < minutes; m++) {
    for (const u of users) for (const e of userMinute(r, u, start + m * 60_000, nextId)) events.push(e);
  }
  const attacks: Attack[] = [];
  const types = Object.keys(ATTACKS) as DetectorName[];
  const first = start + o.warmupMinutes * 60_000;
  const last = start + (minutes - 15) * 60_000;
  for (const type of types) {
    for (let i = 0; i < o.attacksPerType; i++) {
      const at = first + Math.floor(r.next() * (last - first));
      const generator = r.pick(ATTACKS[type]);
      const { events: attackEvents, attack } = generator({ r, start: at, users, nextId, attackerIp });
      for (const e of attackEvents) events.push(e);
      const times = attackEvents.map((e) => Date.parse(e.ts));
      attacks.push({
        id: `${type}-${i + 1}`,
        ...attack,
        start: new Date(Math.min(...times)).toISOString(),
        end: new Date(Math.max(...times)).toISOString(),
      });
    }
  }
  events.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  return {
    events,
    truth: {
      seed: o.seed,
      start: new Date(start).toISOString(),
      end: new Date(start + minutes * 60_000).toISOString(),
      users: o.users,
      attacks,
    },
  };
}
