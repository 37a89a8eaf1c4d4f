import { median, medianAbsoluteDeviation } from 'simple-statistics';

/** Consistency constant that makes the MAD estimate a standard deviation for normal data. */
const MAD_TO_SIGMA = 1.4826;

/**
 * What a typical entity's window looks like, from a reservoir of recent closed windows of all
 * entities: how a new entity with no history of its own is judged. Median and MAD, so the few
 * attackers in the population do not drag the baseline up.
 */
export class PopulationBaseline {
  private readonly samples: number[] = [];
  private next = 0;
  private cached: { median: number; sigma: number } | null = null;

  constructor(private readonly capacity = 512) {}

  add(value: number): void {
    if (this.samples.length < this.capacity) this.samples.push(value);
    else {
      this.samples[this.next] = value;
      this.next = (this.next + 1) % this.capacity;
    }
    if (this.samples.length % 32 === 0 || this.samples.length < 32) this.cached = null;
  }

  get size(): number {
    return this.samples.length;
  }

  /** null until enough windows have been seen to say anything. */
  estimate(minSamples = 30): { median: number; sigma: number } | null {
    if (this.samples.length < minSamples) return null;
    if (!this.cached) {
      this.cached = {
        median: median(this.samples),
        sigma: MAD_TO_SIGMA * medianAbsoluteDeviation(this.samples),
      };
    }
    return this.cached;
  }

  toJSON(): number[] {
    return this.samples;
  }

  static fromJSON(samples: number[], capacity = 512): PopulationBaseline {
    const p = new PopulationBaseline(capacity);
    for (const s of samples.slice(-capacity)) p.add(s);
    return p;
  }
}
