import type { Store } from '../infra/store/index.js';
import type { Finding } from '../schemas/finding.js';

/**
 * Which findings were already folded into incidents, so a redelivery or a replay changes nothing.
 * Findings are written to the store last, after their incident, so "in the findings index" means
 * "done"; recent ids are also kept in memory because search sees a write only after a refresh.
 */
export class SeenFindings {
  private readonly recent = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly maxRecent = 200_000,
  ) {}

  /** The findings not seen before, in order, each id once. */
  async filterNew(findings: readonly Finding[]): Promise<Finding[]> {
    const byId = new Map<string, Finding>();
    for (const f of findings) if (!this.recent.has(f.id)) byId.set(f.id, f);
    if (byId.size === 0) return [];
    const ids = [...byId.keys()];
    const known = new Set<string>();
    for (let i = 0; i < ids.length; i += 1000) {
      const slice = ids.slice(i, i + 1000);
      const res = await this.store.search<{ id: string }>('findings', {
        filters: { id: slice },
        limit: slice.length,
      });
      for (const doc of res.items) known.add(doc.id);
    }
    return [...byId.values()].filter((f) => !known.has(f.id));
  }

  mark(findings: readonly Finding[]): void {
    for (const f of findings) this.recent.add(f.id);
    if (this.recent.size <= this.maxRecent) return;
    for (const id of this.recent) {
      this.recent.delete(id);
      if (this.recent.size <= this.maxRecent * 0.9) break;
    }
  }
}
