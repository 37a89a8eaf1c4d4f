import type { Runtime } from '../infra/runtime.js';
import type { Action } from '../schemas/action.js';
import type { Incident } from '../schemas/incident.js';

export interface DemoTally {
  requests: number;
  byStatus: Map<number, number>;
  incidents: Map<string, Incident>;
  notifications: number;
  revocations: string[];
  rejections: number;
}

export interface ViewOptions {
  out: NodeJS.WritableStream;
  /** Colours and a live status line only on a terminal. */
  tty: boolean;
  /** Seconds since the demo started, for timestamps. */
  elapsed: () => number;
}

const SEVERITY_COLOUR: Record<string, string> = { low: '37', medium: '33', high: '31', critical: '1;31' };

/**
 * The demo's terminal: one line per thing worth seeing (an incident opening or escalating, a
 * notification, a revocation, a refused request), read from the same store and topics an operator
 * would use, plus the request rate.
 */
export class DemoView {
  readonly tally: DemoTally = {
    requests: 0,
    byStatus: new Map(),
    incidents: new Map(),
    notifications: 0,
    revocations: [],
    rejections: 0,
  };
  private readonly seenActions = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private lastRequests = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly o: ViewOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), 500);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.poll();
  }

  line(text: string): void {
    this.o.out.write(`${this.o.tty ? '\r\x1b[2K' : ''}${this.stamp()} ${text}\n`);
  }

  phase(name: string, what: string): void {
    this.line(this.paint('1;36', `── ${name}: ${what}`));
  }

  request(status: number): void {
    this.tally.requests++;
    this.tally.byStatus.set(status, (this.tally.byStatus.get(status) ?? 0) + 1);
  }

  rejected(address: string, body: string): void {
    this.tally.rejections++;
    this.line(
      `${this.paint('1;32', '⛔ refused  ')} ${address} presented the revoked key: 401 ${safeErrorType(body)}`,
    );
  }

  private async poll(): Promise<void> {
    const rate = (this.tally.requests - this.lastRequests) * 2;
    this.lastRequests = this.tally.requests;
    const [incidents, actions] = await Promise.all([
      this.rt.store.search<Incident>('incidents', {
        sort: [{ field: 'lastSeen', order: 'desc' }],
        limit: 100,
      }),
      this.rt.store.search<Action>('actions', {
        filters: { type: ['notify', 'revoke'] },
        sort: [{ field: 'at', order: 'asc' }],
        limit: 200,
      }),
    ]).catch(() => [null, null] as const);
    for (const inc of incidents?.items ?? []) this.showIncident(inc);
    for (const a of actions?.items ?? []) this.showAction(a);
    if (this.o.tty)
      this.o.out.write(
        `\r\x1b[2K${this.paint('2', `   ${rate} req/s · ${this.tally.requests} requests · ${this.tally.incidents.size} incidents`)}`,
      );
  }

  private showIncident(inc: Incident): void {
    const prev = this.tally.incidents.get(inc.id);
    this.tally.incidents.set(inc.id, inc);
    if (prev && prev.severity === inc.severity) return;
    const verb = prev ? 'escalated' : 'opened   ';
    const e = inc.evidence;
    this.line(
      `${this.paint(SEVERITY_COLOUR[inc.severity] ?? '0', `▲ incident ${verb}`)} ${inc.type.padEnd(18)} ${subject(inc)} ${inc.severity.toUpperCase()}  ${e.signal} ${e.observed} (threshold ${e.threshold}${e.baseline === null ? '' : `, baseline ${e.baseline}`})`,
    );
  }

  private showAction(a: Action): void {
    if (this.seenActions.has(a.id) || a.status === 'dry_run') return;
    this.seenActions.add(a.id);
    if (a.type === 'notify' && a.status === 'succeeded') {
      this.tally.notifications++;
      this.line(
        `${this.paint('35', '✉ notified  ')} ${String(a.detail.channel ?? 'channel')} about ${a.incidentId}`,
      );
    }
    if (a.type === 'revoke' && a.status === 'succeeded' && a.subject) {
      this.tally.revocations.push(`${a.subject.kind}:${a.subject.id}`);
      const until = typeof a.detail.expiresAt === 'string' ? ` until ${a.detail.expiresAt}` : '';
      this.line(
        `${this.paint('1;31', '✖ revoked   ')} ${a.subject.kind}:${a.subject.id}${until} (${a.actor})`,
      );
    }
  }

  private stamp(): string {
    return this.paint('2', `[${this.o.elapsed().toFixed(1).padStart(5)}s]`);
  }

  private paint(code: string, text: string): string {
    return this.o.tty ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
}

function subject(inc: Incident): string {
  const id = inc.subject.kind === 'key' ? `${inc.subject.id.slice(0, 12)}…` : inc.subject.id;
  return `${inc.subject.kind}:${id}`.padEnd(20);
}

/** Only the error type of the proxy's answer is shown: the body is the proxy's own, but never trust it blindly. */
function safeErrorType(body: string): string {
  try {
    const t = (JSON.parse(body) as { error?: { type?: unknown } }).error?.type;
    return typeof t === 'string' && /^[a-z_]{1,40}$/.test(t) ? t : 'error';
  } catch {
    return 'error';
  }
}
