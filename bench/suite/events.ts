import type { OutgoingMessage } from '../../infra/bus/index.js';
import type { RequestEvent } from '../../schemas/request-event.js';
import { simulate } from '../../simulator/index.js';

const SEED = 42;
const DAY_MS = 4 * 3_600_000;

let day: ReturnType<typeof simulate> | null = null;
/** The simulator's 4 hours (seed 42): ordinary users and every attack type, labelled. Built once per process. */
export function simulated(): ReturnType<typeof simulate> {
  day ??= simulate({ seed: SEED });
  return day;
}

/** The bus's key of an event: the key id, or the address of a keyless request (as the gateway does). */
export function eventMessage(e: RequestEvent): OutgoingMessage {
  return { key: e.key?.id ?? e.client.ip, value: JSON.stringify(e) };
}

/**
 * `total` events in chunks: the simulated day repeated, each copy 4 hours later with its own ids, so
 * a replay is ordinary traffic with attacks at known times. Chunks keep a million events out of memory.
 */
export function* replayChunks(total: number, chunk = 10_000): Generator<OutgoingMessage[]> {
  const { events } = simulated();
  let out: OutgoingMessage[] = [];
  for (let i = 0; i < total; i++) {
    const copy = Math.floor(i / events.length);
    const e = events[i % events.length]!;
    const shifted =
      copy === 0
        ? e
        : { ...e, id: `${e.id}-${copy}`, ts: new Date(Date.parse(e.ts) + copy * DAY_MS).toISOString() };
    out.push(eventMessage(shifted));
    if (out.length === chunk) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}
