import type { Bus, OutgoingMessage } from '../infra/bus/index.js';
import type { Logger } from '../infra/logger.js';
import type { Role } from '../infra/metrics.js';
import { RequestEvent } from '../schemas/request-event.js';
import { decodeJson } from '../schemas/validate.js';
import type { IngestMetrics } from './metrics.js';
import type { Spool, SpoolSegment } from './spool.js';

export interface EmitterOptions {
  bus: Bus;
  topic: string;
  role: Role;
  log: Logger;
  metrics: IngestMetrics;
  /** Events held in memory; past it they go to the spool, or are dropped (counted) without one. */
  bufferSize: number;
  /** A send slower than this sends new events to the spool until the bus answers. */
  sendTimeoutMs: number;
  spool: Spool | null;
  batchSize?: number;
  /** How long an event may wait for others to share its send (default 50 ms). */
  lingerMs?: number;
}

const RETRY_MS = [250, 500, 1000, 2000, 5000];
const LOSS_LOG_INTERVAL_MS = 10_000;

/** The Kafka key of an event: the key id, else the client address. */
export function eventKey(event: RequestEvent): string {
  return event.key?.id ?? event.client.ip;
}

/** An event as the requests topic carries it. */
export function eventMessage(event: RequestEvent): OutgoingMessage {
  return { key: eventKey(event), value: JSON.stringify(event) };
}

/**
 * Takes events from request handlers and gets them to the bus without ever making a handler wait:
 * `emit` only appends to a bounded buffer. One send is in flight at a time (Bus.send batches, and
 * the Kafka producer must not see concurrent idempotent sends); everything that arrives meanwhile
 * rides in the next batch.
 *
 * When the bus is slow (a send exceeds `sendTimeoutMs`) or fails, the emitter turns to the spool:
 * new events, and a failed batch, are appended to local files, and it keeps retrying with the oldest
 * spooled segment, which doubles as the probe. The first send that succeeds turns it back, and the
 * spool drains in order before and between live batches. Without a spool, a failed batch goes back
 * to the front of the buffer. Whatever cannot be kept (buffer full with no spool, spool full, disk
 * errors) is counted in `gatehound_dropped_total{reason}` and logged; nothing is lost silently.
 * Delivery is at least once: a segment whose send failed half-way is sent again whole.
 */
export class Emitter {
  private queue: OutgoingMessage[] = [];
  private toSpool: string[] = [];
  private spoolWrite: Promise<void> | null = null;
  private sending: Promise<void> | null = null;
  private degraded = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private pumpScheduled = false;
  private closing = false;
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private losses = new Map<string, number>();
  private lossTimer: NodeJS.Timeout | null = null;
  private delivered = 0;
  /** The gauge's child for this role, looked up once rather than per event. */
  private readonly buffered: { set(n: number): void };

  constructor(private readonly o: EmitterOptions) {
    this.buffered = o.metrics.buffered.labels({ role: o.role });
    this.batchSize = o.batchSize ?? 1000;
    // A produce request costs the Kafka client about a millisecond of CPU however few events it
    // carries: at 1,000 requests/s a 5 ms linger made 200 sends/s, more CPU than proxying the
    // requests. 50 ms makes 20, and is still far below what detection windows notice.
    this.lingerMs = o.lingerMs ?? 50;
    if (o.spool?.hasPending()) this.schedulePump();
  }

  /** Events the bus has acknowledged since start. */
  get sent(): number {
    return this.delivered;
  }

  /** Events waiting in memory. */
  get pending(): number {
    return this.queue.length + this.toSpool.length;
  }

  /** Hands one validated event over; never throws, never waits. */
  emit(event: RequestEvent): void {
    try {
      const message = eventMessage(event);
      if (this.degraded && this.o.spool) this.spoolLater([message.value as string]);
      else if (this.queue.length >= this.o.bufferSize) {
        if (this.o.spool) this.spoolLater([message.value as string]);
        else this.lose(1, 'buffer_full');
      } else this.queue.push(message);
      this.buffered.set(this.queue.length);
      this.schedulePump();
    } catch (err) {
      this.o.log.error({ err }, 'could not queue an event');
      this.lose(1, 'internal');
    }
  }

  /** Sends what is buffered (up to `timeoutMs`); what the bus does not take by then is spooled or counted lost. */
  async close(timeoutMs = 5000): Promise<void> {
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.sending) await withDeadline(this.sending, deadline);
      else if (!this.degraded && this.queue.length > 0) this.sendQueue();
      else break;
    }
    if (this.queue.length > 0) {
      const rest = this.queue.splice(0);
      if (this.o.spool) this.spoolLater(rest.map((m) => m.value as string));
      else this.lose(rest.length, 'shutdown');
    }
    await this.flushSpoolWrites();
    this.buffered.set(0);
    if (this.lossTimer) {
      clearTimeout(this.lossTimer);
      this.reportLosses();
    }
    await this.o.spool?.close();
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.closing) return;
    this.pumpScheduled = true;
    const run = () => {
      this.pumpScheduled = false;
      this.pump();
    };
    // A send costs far more than an event: wait (Kafka's linger.ms) so that a batch gathers, unless
    // one is already full.
    if (this.queue.length >= this.batchSize || this.lingerMs === 0) setImmediate(run);
    else setTimeout(run, this.lingerMs).unref();
  }

  private pump(): void {
    if (this.sending || this.closing || this.retryTimer) return;
    if (this.degraded) {
      this.scheduleRetry();
      return;
    }
    if (this.o.spool?.hasPending()) this.sending = this.track(this.sendSpooled());
    else if (this.queue.length > 0) this.sendQueue();
  }

  private sendQueue(): void {
    const batch = this.queue.splice(0, this.batchSize);
    this.buffered.set(this.queue.length);
    this.sending = this.track(
      this.send(batch).then((ok) => {
        if (ok) return;
        // Not taken: keep it, on disk when there is a disk.
        if (this.o.spool) this.spoolLater(batch.map((m) => m.value as string));
        else this.requeue(batch);
      }),
    );
  }

  private async sendSpooled(): Promise<void> {
    await this.flushSpoolWrites();
    const spool = this.o.spool!;
    const segment = await spool.takeOldest();
    if (!segment) return;
    const messages = this.decodeSegment(segment);
    for (let i = 0; i < messages.length; i += this.batchSize) {
      if (!(await this.send(messages.slice(i, i + this.batchSize)))) return;
    }
    await spool.ack(segment);
    this.o.metrics.spoolBytes.set({ role: this.o.role }, spool.bytes);
    if (messages.length > 0)
      this.o.log.info({ events: messages.length, segment: segment.name }, 'sent spooled events');
  }

  /** One send, watched: past the timeout new events go to the spool while it finishes. */
  private async send(messages: OutgoingMessage[]): Promise<boolean> {
    const slow = setTimeout(() => this.degrade('slow'), this.o.sendTimeoutMs);
    try {
      await this.o.bus.send(this.o.topic, messages);
      this.delivered += messages.length;
      this.o.metrics.shared.produced.inc({ role: this.o.role, topic: this.o.topic }, messages.length);
      if (this.degraded || this.attempt > 0)
        this.o.log.info({ topic: this.o.topic }, 'the bus takes events again');
      this.degraded = false;
      this.attempt = 0;
      return true;
    } catch (err) {
      this.o.metrics.sendFailures.inc({ role: this.o.role });
      this.o.metrics.shared.error(this.o.role, 'BUS_SEND_FAILED');
      if (this.attempt === 0)
        this.o.log.warn(
          { err: (err as Error).message, topic: this.o.topic, spool: this.o.spool?.dir ?? null },
          this.o.spool
            ? 'the bus refused events; spooling until it answers'
            : 'the bus refused events; retrying',
        );
      this.degrade('failed');
      this.attempt++;
      return false;
    } finally {
      clearTimeout(slow);
    }
  }

  private degrade(why: 'slow' | 'failed'): void {
    if (!this.degraded && why === 'slow')
      this.o.log.warn(
        { topic: this.o.topic, afterMs: this.o.sendTimeoutMs },
        'the bus is slow; spooling new events',
      );
    this.degraded = true;
    if (this.o.spool && this.queue.length > 0) {
      const moved = this.queue.splice(0);
      this.spoolLater(moved.map((m) => m.value as string));
      this.buffered.set(0);
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closing) return;
    const delay = RETRY_MS[Math.min(this.attempt, RETRY_MS.length - 1)]!;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.sending || this.closing) return;
      // The oldest spooled events are the probe; without a spool, the buffer's head.
      if (this.o.spool?.hasPending() || this.toSpool.length > 0 || this.spoolWrite)
        this.sending = this.track(this.sendSpooled());
      else if (this.queue.length > 0) {
        this.degraded = false;
        this.sendQueue();
      } else this.degraded = false;
    }, delay);
    this.retryTimer.unref();
  }

  private track(p: Promise<void>): Promise<void> {
    return p
      .catch((err: unknown) => {
        this.o.log.error({ err }, 'event sender failed');
      })
      .finally(() => {
        this.sending = null;
        if (this.degraded) this.scheduleRetry();
        else this.schedulePump();
      });
  }

  private requeue(batch: OutgoingMessage[]): void {
    const room = Math.max(0, this.o.bufferSize - this.queue.length);
    if (room < batch.length) this.lose(batch.length - room, 'buffer_full');
    this.queue = [...batch.slice(0, room), ...this.queue];
    this.buffered.set(this.queue.length);
  }

  private spoolLater(lines: string[]): void {
    for (const l of lines) this.toSpool.push(l);
    if (!this.spoolWrite) this.spoolWrite = this.writeSpool();
  }

  private async writeSpool(): Promise<void> {
    const spool = this.o.spool!;
    // Everything that piles up while one append runs goes in the next.
    while (this.toSpool.length > 0) {
      const lines = this.toSpool.splice(0);
      const result = await spool.append(lines);
      if (result === 'ok') {
        this.o.metrics.spooled.inc({ role: this.o.role }, lines.length);
        this.o.metrics.spoolBytes.set({ role: this.o.role }, spool.bytes);
      } else this.lose(lines.length, result === 'full' ? 'spool_full' : 'spool_error');
    }
    this.spoolWrite = null;
  }

  private async flushSpoolWrites(): Promise<void> {
    while (this.spoolWrite) await this.spoolWrite;
  }

  /** A spooled line is sent only if it still is a valid RequestEvent (a crash can cut the last line). */
  private decodeSegment(segment: SpoolSegment): OutgoingMessage[] {
    const out: OutgoingMessage[] = [];
    let bad = 0;
    for (const line of segment.lines) {
      const d = decodeJson(RequestEvent, line);
      if (d.ok) out.push({ key: eventKey(d.value), value: line });
      else bad++;
    }
    if (bad > 0) {
      this.lose(bad, 'spool_corrupt');
      this.o.log.warn(
        { segment: segment.name, lines: bad },
        'skipped spooled lines that are not valid events',
      );
    }
    return out;
  }

  private lose(n: number, reason: string): void {
    this.o.metrics.shared.dropped.inc({ role: this.o.role, reason }, n);
    this.losses.set(reason, (this.losses.get(reason) ?? 0) + n);
    if (!this.lossTimer) {
      this.reportLosses();
      this.lossTimer = setTimeout(() => {
        this.lossTimer = null;
        if (this.losses.size > 0) this.reportLosses();
      }, LOSS_LOG_INTERVAL_MS);
      this.lossTimer.unref();
    }
  }

  private reportLosses(): void {
    if (this.losses.size === 0) return;
    this.o.log.error(
      { lost: Object.fromEntries(this.losses), topic: this.o.topic },
      'events lost (counted in gatehound_dropped_total)',
    );
    this.losses = new Map();
  }
}

async function withDeadline(p: Promise<unknown>, deadline: number): Promise<void> {
  const ms = deadline - Date.now();
  if (ms <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
