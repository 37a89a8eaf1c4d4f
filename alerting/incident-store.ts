import type { Clock } from '../infra/clock.js';
import type { Store } from '../infra/store/index.js';
import type { ActionRef } from '../schemas/action.js';
import type { Finding } from '../schemas/finding.js';
import type { Incident } from '../schemas/incident.js';
import { withAction } from './actions.js';
import { incidentKey } from './correlate.js';

interface Entry {
  incident: Incident;
  loadedAt: number;
}

export interface IncidentBookOptions {
  /** How long a cached incident is trusted before it is re-read (a person may have changed its status). */
  ttlMs: number;
  maxEntries: number;
  /** Called for every incident read from the store (restores notification throttles after a restart). */
  onLoad?: (incident: Incident) => void;
}

const PAGE = 500;

/**
 * The responder's working set of incidents, backed by the store: recovered on start, looked up by
 * (type, subject) for subjects it has not seen, re-read by id (a real-time get) once older than the TTL.
 */
export class IncidentBook {
  private readonly byKey = new Map<string, Entry>();
  private readonly absent = new Map<string, number>();
  private readonly keyById = new Map<string, string>();
  private readonly actionWrites = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: IncidentBookOptions,
  ) {}

  /** Loads every open or acknowledged incident: correlation state survives a restart. */
  async recover(): Promise<number> {
    let after: (string | number)[] | undefined;
    let count = 0;
    for (;;) {
      const page = await this.store.search<Incident>('incidents', {
        filters: { status: ['open', 'acknowledged'] },
        sort: [{ field: 'lastSeen', order: 'asc' }],
        limit: PAGE,
        ...(after ? { after } : {}),
      });
      for (const incident of page.items) this.remember(incident, true);
      count += page.items.length;
      if (!page.next) return count;
      after = page.next;
    }
  }

  /** Makes `current` answer for every finding's key: one search for unknown subjects, gets for stale ones. */
  async load(findings: readonly Finding[]): Promise<void> {
    const now = this.clock.now();
    const unknown = new Map<string, Finding>();
    const stale: Entry[] = [];
    for (const f of findings) {
      const key = incidentKey(f);
      const entry = this.byKey.get(key);
      if (entry) {
        if (now - entry.loadedAt > this.options.ttlMs && !stale.includes(entry)) stale.push(entry);
      } else if (now - (this.absent.get(key) ?? -Infinity) > this.options.ttlMs) unknown.set(key, f);
    }
    await Promise.all([this.refresh(stale), this.lookUp([...unknown.values()])]);
  }

  current(key: string): Incident | null {
    return this.byKey.get(key)?.incident ?? null;
  }

  byId(id: string): Incident | null {
    const key = this.keyById.get(id);
    const incident = key === undefined ? null : (this.byKey.get(key)?.incident ?? null);
    return incident?.id === id ? incident : null;
  }

  save(incident: Incident): void {
    const key = incidentKey(incident);
    const entry = this.byKey.get(key);
    this.absent.delete(key);
    if (entry && entry.incident.id === incident.id) entry.incident = incident;
    else this.remember(incident, false);
  }

  /**
   * Adds an action to the incident's embedded list, in the cache and in the store. Writes of one incident
   * are chained: the store replaces arrays whole, so two in flight could land in the wrong order.
   */
  appendAction(incidentId: string, ref: ActionRef): Promise<void> {
    const previous = this.actionWrites.get(incidentId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const cached = this.byId(incidentId);
      const current = cached ?? (await this.store.get<Incident>('incidents', incidentId));
      if (!current) return;
      const actions = withAction(current.actions, ref);
      if (cached) this.save({ ...cached, actions });
      await this.store.update('incidents', incidentId, { actions });
    });
    const settled = next.catch(() => undefined);
    this.actionWrites.set(incidentId, settled);
    void settled.then(() => {
      if (this.actionWrites.get(incidentId) === settled) this.actionWrites.delete(incidentId);
    });
    return next;
  }

  incidents(): Incident[] {
    return [...this.byKey.values()].map((e) => e.incident);
  }

  private async refresh(stale: Entry[]): Promise<void> {
    await Promise.all(
      stale.map(async (entry) => {
        const fresh = await this.store.get<Incident>('incidents', entry.incident.id);
        entry.loadedAt = this.clock.now();
        // The store is the truth for status (people change it); our own fields are at least as new here.
        if (fresh) entry.incident = { ...entry.incident, status: fresh.status };
      }),
    );
  }

  private async lookUp(findings: Finding[]): Promise<void> {
    if (findings.length === 0) return;
    const now = this.clock.now();
    for (let i = 0; i < findings.length; i += PAGE) {
      const slice = findings.slice(i, i + PAGE);
      const res = await this.store.search<Incident>('incidents', {
        filters: {
          'subject.id': [...new Set(slice.map((f) => f.subject.id))],
          status: ['open', 'acknowledged'],
        },
        sort: [{ field: 'lastSeen', order: 'asc' }],
        limit: PAGE * 4,
      });
      // Ascending, so the newest incident of a key is remembered last and wins.
      for (const incident of res.items) this.remember(incident, true);
      for (const f of slice) if (!this.byKey.has(incidentKey(f))) this.absent.set(incidentKey(f), now);
    }
  }

  private remember(incident: Incident, fromStore: boolean): void {
    const key = incidentKey(incident);
    const prior = this.byKey.get(key);
    if (prior) this.keyById.delete(prior.incident.id);
    this.byKey.delete(key);
    this.byKey.set(key, { incident, loadedAt: this.clock.now() });
    this.keyById.set(incident.id, key);
    if (fromStore) this.options.onLoad?.(incident);
    while (this.byKey.size > this.options.maxEntries) {
      const [oldest, entry] = this.byKey.entries().next().value as [string, Entry];
      this.byKey.delete(oldest);
      this.keyById.delete(entry.incident.id);
    }
    while (this.absent.size > this.options.maxEntries) {
      this.absent.delete(this.absent.keys().next().value as string);
    }
  }
}

/**
 * The fields the responder changed on an existing incident, for `store.update`: never `status` (people
 * set it) nor `actions` (appended one by one). The store deep-merges objects, so replaced evidence names
 * the previous evidence's optional parts explicitly instead of inheriting them.
 */
export function incidentPatch(before: Incident, after: Incident): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const field of ['severity', 'score', 'firstSeen', 'lastSeen', 'findingCount'] as const) {
    if (before[field] !== after[field]) patch[field] = after[field];
  }
  if (before.evidence !== after.evidence) {
    const stale = Object.keys(before.evidence.details ?? {}).filter(
      (k) => !(k in (after.evidence.details ?? {})),
    );
    patch.evidence = {
      ...after.evidence,
      signatures: after.evidence.signatures ?? [],
      ...(after.evidence.details || stale.length
        ? { details: { ...Object.fromEntries(stale.map((k) => [k, null])), ...after.evidence.details } }
        : {}),
    };
  }
  return patch;
}
