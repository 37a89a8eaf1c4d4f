import type { WindowMeta } from './detector.js';

export interface Entry<S> {
  meta: WindowMeta;
  state: S;
}

/**
 * Per-entity state of one detector in one partition, bounded. A Map keeps insertion order, and an
 * entry is re-inserted when its window rolls, so the front of the map is the least recently active:
 * eviction takes from the front, whether for the size cap or for idleness.
 */
export class EntityTable<S> {
  readonly entries = new Map<string, Entry<S>>();
  evicted = 0;

  constructor(private readonly maxEntities: number) {}

  get(key: string): Entry<S> | undefined {
    return this.entries.get(key);
  }

  insert(key: string, entry: Entry<S>): void {
    if (this.entries.size >= this.maxEntities) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) {
        this.entries.delete(oldest);
        this.evicted++;
      }
    }
    this.entries.set(key, entry);
  }

  /** Moves an entry to the back (most recently active). */
  touch(key: string, entry: Entry<S>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  /** Forgets entities whose last event is older than `before` (event time); returns how many. */
  evictIdle(before: number): number {
    let n = 0;
    for (const [key, entry] of this.entries) {
      if (entry.meta.lastTs >= before) break;
      this.entries.delete(key);
      n++;
    }
    this.evicted += n;
    return n;
  }

  get size(): number {
    return this.entries.size;
  }
}
