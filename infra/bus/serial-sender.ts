import type { OutgoingMessage } from './bus.js';

const MAX_MESSAGES_PER_SEND = 5000;
/**
 * Bytes of keys and values per send, before compression: every partition's batch of a send then
 * stays under the broker's default limit (message.max.bytes, 1 MB), compressed or not. A batch over
 * it is refused for good, and its send would be retried forever.
 */
const MAX_BYTES_PER_SEND = 900 * 1024;
/** A send waiting longer than this is reported, again each time this much more has passed. */
const SLOW_SEND_MS = 10_000;

/** A send still waiting for the broker: what the bus logs, so a stalled pipeline says where it waits. */
export interface SlowSend {
  topic: string;
  messages: number;
  waitedMs: number;
}

/**
 * Keeps one send in flight and folds everything that arrives meanwhile into the next send, per topic:
 * batching without a linger timer, and no concurrent idempotent sends (kafkajs#1005 loses data,
 * `@platformatic/kafka` 1.x fails with OUT_OF_ORDER_SEQUENCE_NUMBER).
 */
export class SerialSender {
  private queue = new Map<
    string,
    { messages: OutgoingMessage[]; waiters: { resolve: () => void; reject: (e: unknown) => void }[] }
  >();
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly sendNow: (topic: string, messages: OutgoingMessage[]) => Promise<void>,
    private readonly onSlow: (slow: SlowSend) => void = () => undefined,
  ) {}

  send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = this.queue.get(topic) ?? { messages: [], waiters: [] };
      for (const m of messages) entry.messages.push(m);
      entry.waiters.push({ resolve, reject });
      this.queue.set(topic, entry);
      if (!this.inFlight) this.inFlight = this.pump();
    });
  }

  async drain(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async pump(): Promise<void> {
    while (this.queue.size > 0) {
      const [topic, entry] = this.queue.entries().next().value!;
      this.queue.delete(topic);
      try {
        for (const chunk of chunks(entry.messages)) await this.watched(topic, chunk);
        for (const w of entry.waiters) w.resolve();
      } catch (err) {
        for (const w of entry.waiters) w.reject(err);
      }
    }
    this.inFlight = null;
  }

  private async watched(topic: string, messages: OutgoingMessage[]): Promise<void> {
    const started = Date.now();
    const timer = setInterval(
      () => this.onSlow({ topic, messages: messages.length, waitedMs: Date.now() - started }),
      SLOW_SEND_MS,
    );
    timer.unref();
    try {
      await this.sendNow(topic, messages);
    } finally {
      clearInterval(timer);
    }
  }
}

/** Splits messages into sends of at most MAX_MESSAGES_PER_SEND and, past the first, MAX_BYTES_PER_SEND. */
export function* chunks(messages: OutgoingMessage[]): Iterable<OutgoingMessage[]> {
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < messages.length; i++) {
    const size = sizeOf(messages[i]!);
    if (i > start && (i - start >= MAX_MESSAGES_PER_SEND || bytes + size > MAX_BYTES_PER_SEND)) {
      yield messages.slice(start, i);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (start < messages.length) yield start === 0 ? messages : messages.slice(start);
}

function sizeOf(m: OutgoingMessage): number {
  const value =
    m.value === null ? 0 : typeof m.value === 'string' ? Buffer.byteLength(m.value) : m.value.length;
  return value + (m.key?.length ?? 0);
}
