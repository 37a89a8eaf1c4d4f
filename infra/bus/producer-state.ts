/**
 * Errors after which the broker never again accepts an idempotent producer's sequence numbers. A
 * broker killed after writing a batch but before acknowledging it is the usual way in: the producer
 * resends from the sequence it last saw acknowledged, the broker expects the one after the batch it
 * kept, and refuses every retry as out of order (kafkajs also gets there on its own when a request
 * times out under load and is retried). Neither client resets its sequences by itself, so the bus
 * starts a new producer (a new producer id) and sends the batch once more with it: at least once,
 * since the refused producer may have written part of it.
 */
const PRODUCER_STATE_LOST = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

/** True when a failed send means the producer must be replaced; reads both clients' error shapes. */
export function producerStateLost(err: unknown): boolean {
  // kafkajs: a KafkaJSProtocolError's `type`, or the cause of the non-retriable error wrapping it.
  const e = err as { type?: string; cause?: { type?: string }; findBy?: (p: string, v: unknown) => unknown };
  if (PRODUCER_STATE_LOST.has(e?.type ?? e?.cause?.type ?? '')) return true;
  // @platformatic/kafka: a ProtocolError's `apiId`, anywhere in the aggregate of a failed send.
  if (typeof e?.findBy !== 'function') return false;
  for (const id of PRODUCER_STATE_LOST) if (e.findBy('apiId', id)) return true;
  return false;
}
