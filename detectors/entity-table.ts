import type { WindowMeta } from './detector.js';

export interface Entry<S> {
  meta: WindowMeta;
  state: S;
}

interface Slot<S> {
  key: string;
  entry: Entry<S>;
}

/**
 * Recently active and seen more than once (or already reported): spoofed addresses in a flood each
 * appear once, an attack in progress appears again and again.
 */
function deservesSecondChance(meta: WindowMeta, activeSince: number): boolean {
  return meta.lastTs >= activeSince && (meta.samples.length >= 2 || meta.emitted !== null);
}

/** Bounded work per insert, whatever the table holds. */
const MAX_SECOND_CHANCES = 8;

/**
 * Per-entity state of one detector in one partition, bounded. Entities sit in a Map for lookups
 * and in a ring of insertion order for eviction ("clock" with second chances): a JS Map used as a
 * queue slows down as deletions pile up at its front, a ring does not.
 */
export class EntityTable<S> {
  readonly entries = new Map<string, Entry<S>>();
  evicted = 0;
  private ring: (Slot<S> | undefined)[] = new Array(1024);
  private head = 0;
  private length = 0;

  constructor(private readonly maxEntities: number) {}

  get(key: string): Entry<S> | undefined {
    return this.entries.get(key);
  }

  /**
   * Adds an entity, evicting one when full. The oldest entity that keeps coming back gets a second
   * chance: an attacker rotating through millions of addresses then evicts its own one-off entries,
   * not the entity of an attack in progress.
   */
  insert(key: string, entry: Entry<S>, activeSince = Number.POSITIVE_INFINITY): void {
    let chances = 0;
    while (this.entries.size >= this.maxEntities) {
      const slot = this.shift();
      if (!slot) break;
      if (this.entries.get(slot.key) !== slot.entry) continue;
      if (deservesSecondChance(slot.entry.meta, activeSince) && chances++ < MAX_SECOND_CHANCES) {
        this.push(slot);
        continue;
      }
      this.entries.delete(slot.key);
      this.evicted++;
    }
    this.entries.set(key, entry);
    this.push({ key, entry });
  }

  /**
   * Forgets entities whose last event is older than `before` (event time), looking at no more
   * than `budget` of them per call so the sweep's cost stays bounded; returns how many it forgot.
   */
  evictIdle(before: number, budget = 512): number {
    let n = 0;
    for (let seen = 0; seen < budget && this.length > 0; seen++) {
      const slot = this.shift()!;
      if (this.entries.get(slot.key) !== slot.entry) continue;
      if (slot.entry.meta.lastTs < before) {
        this.entries.delete(slot.key);
        n++;
      } else this.push(slot);
    }
    this.evicted += n;
    return n;
  }

  get size(): number {
    return this.entries.size;
  }

  private push(slot: Slot<S>): void {
    if (this.length === this.ring.length) this.grow();
    this.ring[(this.head + this.length) % this.ring.length] = slot;
    this.length++;
  }

  private shift(): Slot<S> | undefined {
    if (this.length === 0) return undefined;
    const slot = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.ring.length;
    this.length--;
    return slot;
  }

  private grow(): void {
    const next: (Slot<S> | undefined)[] = new Array(this.ring.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = this.ring[(this.head + i) % this.ring.length];
    this.ring = next;
    this.head = 0;
  }
}
