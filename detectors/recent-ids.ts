/**
 * The last `capacity` event ids a partition scored, oldest forgotten first: an event produced twice
 * (a replay batch sent again whole after a broker failure, a spool resent after a lost
 * acknowledgement) lands close to its first copy, and is scored once.
 */
export class RecentIds {
  private readonly ids = new Set<string>();
  private ring: (string | undefined)[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** False when the id was seen among the last `capacity`; otherwise remembers it. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.ids.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.ids.add(id);
    return true;
  }

  /** Oldest first, for a snapshot. */
  toJSON(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const id = this.ring[(this.next + i) % this.ring.length];
      if (id !== undefined) out.push(id);
    }
    return out;
  }

  static fromJSON(ids: string[], capacity: number): RecentIds {
    const recent = new RecentIds(capacity);
    for (const id of ids.slice(-capacity)) recent.add(id);
    return recent;
  }
}
