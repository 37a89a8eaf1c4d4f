import type { DetectorName } from '../schemas/common.js';
import type { RequestEvent } from '../schemas/request-event.js';
import { makeEvent } from './event.js';
import { benignPrompt, injectionPrompt } from './prompts.js';
import type { Random } from './random.js';
import type { SimUser } from './users.js';

/** Ground truth for one simulated attack: its type, the subjects a detector should name, and when. */
export interface Attack {
  id: string;
  type: DetectorName;
  /** "key:<id>" / "ip:<address>"; a finding on any of them counts as detecting the attack. */
  subjects: string[];
  start: string;
  end: string;
  description: string;
}

export interface AttackContext {
  r: Random;
  start: number;
  users: SimUser[];
  nextId: () => string;
  /** A fresh attacker address, never used by anyone else. */
  attackerIp: () => string;
}

type Generated = { events: RequestEvent[]; attack: Omit<Attack, 'id' | 'start' | 'end'> };

const SENSITIVE = [
  '/.env',
  '/.git/config',
  '/admin',
  '/wp-login.php',
  '/phpmyadmin/',
  '/actuator/env',
  '/server-status',
  '/latest/meta-data/',
  '/.aws/credentials',
  '/config.json',
  '/v0/internal/keys',
  '/backup.sql',
];
const WORDS = [
  'api',
  'v2',
  'beta',
  'internal',
  'debug',
  'test',
  'old',
  'dev',
  'staging',
  'private',
  'users',
  'keys',
  'billing',
  'export',
  'upload',
  'files',
  'models',
  'admin2',
  'login',
  'auth',
];

/** A user's own key suddenly far above its habit: token abuse or a leaked key in a script. */
function volumeSpike(c: AttackContext): Generated {
  const u = c.r.pick(c.users);
  const perMinute = Math.max(200, Math.round(u.rate * c.r.int(30, 80)));
  const minutes = c.r.int(3, 5);
  const events: RequestEvent[] = [];
  for (let i = 0; i < perMinute * minutes; i++) {
    const ts = c.start + Math.floor((i / perMinute) * 60_000);
    events.push(
      makeEvent(c.nextId(), {
        ts,
        ip: u.ip,
        keyId: u.keyId,
        model: u.model,
        tokens: [400, u.tokens * 3],
        prompt: benignPrompt(c.r),
      }),
    );
  }
  return {
    events,
    attack: {
      type: 'volume_spike',
      subjects: [`key:${u.keyId}`, `ip:${u.ip}`],
      description: `${perMinute}/min for ${minutes} min`,
    },
  };
}

/** A scanner walking paths from a fresh address, no key: missing paths and sensitive files. */
function pathScan(c: AttackContext): Generated {
  const ip = c.attackerIp();
  const paths = c.r.int(40, 200);
  const spreadMs = c.r.int(60, 240) * 1000;
  const events: RequestEvent[] = [];
  for (let i = 0; i < paths; i++) {
    const sensitive = c.r.chance(0.15);
    const path = sensitive
      ? c.r.pick(SENSITIVE)
      : `/${c.r.pick(WORDS)}/${c.r.pick(WORDS)}${c.r.chance(0.3) ? '.php' : ''}`;
    const ts = c.start + Math.floor((i / paths) * spreadMs);
    events.push(
      makeEvent(c.nextId(), {
        ts,
        ip,
        keyId: null,
        method: 'GET',
        path,
        status: 404,
        model: null,
        userAgent: 'Mozilla/5.0 (compatible; Nmap Scripting Engine)',
      }),
    );
  }
  return {
    events,
    attack: { type: 'probing', subjects: [`ip:${ip}`], description: `${paths} paths in ${spreadMs / 1000}s` },
  };
}

/** A key enumerating model names the upstream does not serve. */
function modelEnumeration(c: AttackContext): Generated {
  const ip = c.attackerIp();
  const keyId = c.r.hex(32);
  const n = c.r.int(10, 40);
  const events: RequestEvent[] = [];
  for (let i = 0; i < n; i++) {
    const model = `${c.r.pick(['gpt', 'claude', 'internal', 'ft'])}-${c.r.pick(WORDS)}-${i}`;
    events.push(
      makeEvent(c.nextId(), { ts: c.start + i * 3000, ip, keyId, status: 404, model, tokens: [0, 0] }),
    );
  }
  return {
    events,
    attack: { type: 'probing', subjects: [`key:${keyId}`, `ip:${ip}`], description: `${n} unknown models` },
  };
}

/** Credential stuffing from one address; half the time a real user's key works at the end. */
function credentialStuffing(c: AttackContext): Generated {
  const ip = c.attackerIp();
  const tries = c.r.int(12, 150);
  const spreadMs = c.r.int(30, 180) * 1000;
  const events: RequestEvent[] = [];
  for (let i = 0; i < tries; i++) {
    events.push(
      makeEvent(c.nextId(), {
        ts: c.start + Math.floor((i / tries) * spreadMs),
        ip,
        keyId: c.r.hex(32),
        status: 401,
        model: 'gpt-4o-mini',
        tokens: [0, 0],
      }),
    );
  }
  const subjects = [`ip:${ip}`];
  let description = `${tries} keys in ${spreadMs / 1000}s`;
  if (c.r.chance(0.5)) {
    const victim = c.r.pick(c.users);
    for (let i = 0; i < 5; i++) {
      events.push(
        makeEvent(c.nextId(), {
          ts: c.start + spreadMs + 2000 + i * 5000,
          ip,
          keyId: victim.keyId,
          model: victim.model,
          tokens: [50, 200],
          prompt: benignPrompt(c.r),
        }),
      );
    }
    subjects.push(`key:${victim.keyId}`);
    description += ', then a stolen key works';
  }
  return { events, attack: { type: 'auth_failure_burst', subjects, description } };
}

/** A key sending prompt-injection attempts among ordinary prompts. */
function injection(c: AttackContext): Generated {
  const ip = c.attackerIp();
  const keyId = c.r.hex(32);
  const attempts = c.r.int(3, 20);
  const events: RequestEvent[] = [];
  for (let i = 0; i < attempts * 2; i++) {
    const prompt = i % 2 === 0 ? injectionPrompt(c.r) : benignPrompt(c.r);
    events.push(
      makeEvent(c.nextId(), {
        ts: c.start + i * 7000,
        ip,
        keyId,
        model: 'gpt-4o',
        tokens: [200, 300],
        prompt,
      }),
    );
  }
  return {
    events,
    attack: { type: 'injection', subjects: [`key:${keyId}`], description: `${attempts} injection prompts` },
  };
}

export const ATTACKS: Record<DetectorName, ((c: AttackContext) => Generated)[]> = {
  volume_spike: [volumeSpike],
  probing: [pathScan, modelEnumeration],
  auth_failure_burst: [credentialStuffing],
  injection: [injection],
};
