import type { Clock } from '../../infra/clock.js';

/**
 * At most one message per key per period; what arrives in between is folded into one digest that goes
 * out when the period ends (`due`). Wall clock through the injected Clock, since the period protects people.
 */
export class Throttle<T> {
  private readonly lastSent = new Map<string, number>();
  private readonly pending = new Map<string, T>();

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly merge: (older: T, newer: T) => T,
    private readonly maxKeys = 100_000,
  ) {}

  /** The item to send now (with anything pending folded in), or null when it was folded into the digest. */
  offer(key: string, item: T): T | null {
    const now = this.clock.now();
    const last = this.lastSent.get(key);
    const waiting = this.pending.get(key);
    const merged = waiting === undefined ? item : this.merge(waiting, item);
    if (last !== undefined && now - last < this.periodMs) {
      this.pending.set(key, merged);
      return null;
    }
    this.pending.delete(key);
    this.markSent(key, now);
    return merged;
  }

  /** Digests whose period has ended, removed from the pending set and marked sent. */
  due(): { key: string; item: T }[] {
    const now = this.clock.now();
    const out: { key: string; item: T }[] = [];
    for (const [key, item] of this.pending) {
      if (now - (this.lastSent.get(key) ?? 0) < this.periodMs) continue;
      this.pending.delete(key);
      this.markSent(key, now);
      out.push({ key, item });
    }
    return out;
  }

  /** After a restart: when this key was last notified (from the store), so the period holds across restarts. */
  restore(key: string, sentAt: number): void {
    if ((this.lastSent.get(key) ?? -Infinity) < sentAt) this.markSent(key, sentAt);
  }

  /** Whether anything was ever sent for this key (while it is remembered). */
  hasSent(key: string): boolean {
    return this.lastSent.has(key);
  }

  forget(key: string): void {
    this.lastSent.delete(key);
    this.pending.delete(key);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private markSent(key: string, at: number): void {
    this.lastSent.delete(key);
    this.lastSent.set(key, at);
    // Oldest first in insertion order: bounded memory, dropping only keys quiet for the longest.
    while (this.lastSent.size > this.maxKeys) {
      const oldest = this.lastSent.keys().next().value as string;
      if (this.pending.has(oldest)) break;
      this.lastSent.delete(oldest);
    }
  }
}
