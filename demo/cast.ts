import { randomBytes } from 'node:crypto';
import { DemoClient } from './http-client.js';
import type { DemoCast } from './scenario.js';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

export interface DemoKeys {
  /** Every key the stub upstream accepts. */
  valid: Set<string>;
  /** The key that gets stolen and revoked. */
  stolen: string;
}

/** The demo's people: ordinary users, each at a loopback address of their own, and the attackers. */
export function castFor(proxyUrl: string): { cast: DemoCast; keys: DemoKeys; clients: DemoClient[] } {
  const key = (name: string) => `sk-demo-${name}-${randomBytes(9).toString('base64url')}`;
  const userKeys = USERS.map(key);
  const mallory = key('mallory');
  const clients: DemoClient[] = [];
  const client = (address: string, apiKey: string | null) => {
    const c = new DemoClient(proxyUrl, address, apiKey);
    clients.push(c);
    return c;
  };
  const users = USERS.map((_, i) => client(`127.0.0.${11 + i}`, userKeys[i]!));
  const stolen = userKeys[2]!;
  const stuffers = new Map<string | null, DemoClient>();
  const cast: DemoCast = {
    users,
    spiker: users[1]!,
    scanner: client('127.0.0.77', null),
    stuffer: (k) => {
      let c = stuffers.get(k);
      if (!c) {
        c = client('127.0.0.66', k);
        stuffers.set(k, c);
      }
      return c;
    },
    victim: users[2]!,
    injector: client('127.0.0.88', mallory),
  };
  return { cast, keys: { valid: new Set([...userKeys, mallory]), stolen }, clients };
}
