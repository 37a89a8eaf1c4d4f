/**
 * Tracks a tail's progress towards the log-end offsets seen when it subscribed and calls
 * `onCaughtUp` once, when every partition that had records has delivered its last one (at once when
 * none had). Offsets are bigint: Kafka's are 64-bit.
 */
export class CatchUp {
  private readonly ends: Map<number, bigint>;

  constructor(
    partitions: Iterable<{ partition: number; low: bigint; high: bigint }>,
    private onCaughtUp: (() => void) | undefined,
  ) {
    this.ends = new Map();
    for (const p of partitions) if (p.high > p.low) this.ends.set(p.partition, p.high);
    this.check();
  }

  /** Records that the record at `offset` of `partition` was delivered. */
  delivered(partition: number, offset: bigint): void {
    const end = this.ends.get(partition);
    if (end !== undefined && offset + 1n >= end) {
      this.ends.delete(partition);
      this.check();
    }
  }

  private check(): void {
    if (this.ends.size === 0 && this.onCaughtUp) {
      const cb = this.onCaughtUp;
      this.onCaughtUp = undefined;
      cb();
    }
  }
}
