import type { Bus, OutgoingMessage } from '../../infra/bus/index.js';
import type { RequestEvent } from '../../schemas/request-event.js';
import { eventMessage, simulated } from './events.js';

/** Ordinary traffic spread over this many keys and addresses, so none of them looks like a spike. */
const POPULATION = 200_000;
/** A key id: one hex digit saying whose it is (1 ordinary, a attacker), then a counter. */
const hex32 = (n: number, tag: 1 | 0xa) => `${tag.toString(16)}${n.toString(16).padStart(31, '0')}`;

export interface Attack {
  keyId: string;
  /** Wall-clock ms the attack's event was handed to the producer; also its event time. */
  producedAt: number;
}

/** The simulator's ordinary events, and the first injection attempt of its first injection attack. */
function templates(): { ordinary: RequestEvent[]; injection: RequestEvent } {
  const { events, truth } = simulated();
  const attackers = new Set(truth.attacks.flatMap((a) => a.subjects));
  const ordinary = events.filter(
    (e) => !attackers.has(`key:${e.key?.id}`) && !attackers.has(`ip:${e.client.ip}`),
  );
  const first = truth.attacks.find((a) => a.type === 'injection')!.subjects[0]!.slice('key:'.length);
  const injection = events.find((e) => e.key?.id === first && e.prompt)!;
  return { ordinary, injection };
}

/**
 * Open loop at `rate` events/s for `seconds`, stamped with the wall clock as a gateway stamps them,
 * with one injection attempt from a fresh key every `attackEveryMs` after `warmupMs`. Ticks every ms
 * rather than spinning, so the generator does not take a core from the roles it measures.
 */
export async function steadyLoad(
  bus: Bus,
  topic: string,
  o: { rate: number; seconds: number; attackEveryMs: number; warmupMs: number; run: number },
  onAttack: (a: Attack) => void,
): Promise<{ attacks: Attack[]; sent: number; eps: number }> {
  const { ordinary, injection } = templates();
  const attacks: Attack[] = [];
  const failures: unknown[] = [];
  const pending: Promise<void>[] = [];
  const total = o.rate * o.seconds;
  const start = performance.now();
  let sent = 0;
  let nextAttack = o.warmupMs;
  while (sent < total) {
    const elapsed = performance.now() - start;
    const due = Math.min(total, Math.floor((elapsed / 1000) * o.rate));
    const now = Date.now();
    const ts = new Date(now).toISOString();
    const batch: OutgoingMessage[] = [];
    for (; sent < due; sent++) {
      const e = ordinary[sent % ordinary.length]!;
      const who = sent % POPULATION;
      batch.push(
        eventMessage({
          ...e,
          id: `lat-${o.run}-${sent}`,
          ts,
          key: e.key ? { ...e.key, id: hex32(who, 1) } : null,
          client: { ...e.client, ip: `10.${(who >>> 16) & 255}.${(who >>> 8) & 255}.${who & 255}` },
        }),
      );
    }
    if (elapsed >= nextAttack) {
      nextAttack += o.attackEveryMs;
      const keyId = hex32(attacks.length, 0xa);
      const attack = { keyId, producedAt: now };
      attacks.push(attack);
      onAttack(attack);
      batch.push(
        eventMessage({
          ...injection,
          id: `lat-${o.run}-attack-${attacks.length}`,
          ts,
          key: { ...injection.key, id: keyId },
        }),
      );
    }
    if (batch.length) pending.push(bus.send(topic, batch).catch((err: unknown) => void failures.push(err)));
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  if (failures.length) throw new Error(`${failures.length} sends failed: ${String(failures[0])}`);
  return { attacks, sent, eps: sent / ((performance.now() - start) / 1000) };
}
