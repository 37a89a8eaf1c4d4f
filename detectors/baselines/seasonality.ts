/**
 * Hour-of-day profile of total traffic, shared by every entity of a stage: entity baselines are
 * kept deseasonalised (value / factor) and compared re-seasonalised (mean * factor). Until each hour
 * has been seen on several days the factor is 1, so young deployments are judged flat.
 */
export class Seasonality {
  private readonly totals = new Float64Array(24);
  private readonly days = new Uint16Array(24);
  private lastDay = new Int32Array(24).fill(-1);

  constructor(private readonly minDays = 3) {}

  /** Adds one window's total volume at its event time. */
  observe(windowStart: number, total: number): void {
    const hour = new Date(windowStart).getUTCHours();
    const day = Math.floor(windowStart / 86_400_000);
    this.totals[hour]! += total;
    if (this.lastDay[hour] !== day) {
      this.lastDay[hour] = day;
      this.days[hour] = Math.min(65_535, this.days[hour]! + 1);
    }
  }

  factor(hour: number): number {
    if (this.days.some((d) => d < this.minDays)) return 1;
    let sum = 0;
    for (let h = 0; h < 24; h++) sum += this.totals[h]! / this.days[h]!;
    const mean = sum / 24;
    if (mean <= 0) return 1;
    // Bounded so a dead hour cannot make every request look like a spike.
    return Math.min(4, Math.max(0.25, this.totals[hour]! / this.days[hour]! / mean));
  }

  toJSON(): { totals: number[]; days: number[]; lastDay: number[] } {
    return { totals: [...this.totals], days: [...this.days], lastDay: [...this.lastDay] };
  }

  static fromJSON(j: { totals: number[]; days: number[]; lastDay: number[] }, minDays = 3): Seasonality {
    const s = new Seasonality(minDays);
    s.totals.set(j.totals);
    s.days.set(j.days);
    s.lastDay = Int32Array.from(j.lastDay);
    return s;
  }
}
