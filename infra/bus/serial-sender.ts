import type { OutgoingMessage } from './bus.js';

const MAX_MESSAGES_PER_SEND = 5000;

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

  constructor(private readonly sendNow: (topic: string, messages: OutgoingMessage[]) => Promise<void>) {}

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
        // Chunks keep one produce request well under the broker's request size limit.
        for (let i = 0; i < entry.messages.length; i += MAX_MESSAGES_PER_SEND) {
          await this.sendNow(topic, entry.messages.slice(i, i + MAX_MESSAGES_PER_SEND));
        }
        for (const w of entry.waiters) w.resolve();
      } catch (err) {
        for (const w of entry.waiters) w.reject(err);
      }
    }
    this.inFlight = null;
  }
}
