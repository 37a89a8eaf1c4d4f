import { MultipleErrors, NetworkError, ProtocolError, ResponseError } from '@platformatic/kafka';
import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { Config } from '../../schemas/config.js';
import { createLogger } from '../logger.js';
import { KafkaBus } from './kafka.js';
import { PlatformaticKafkaBus } from './platformatic.js';
import { producerStateLost } from './producer-state.js';

/** A failed send as @platformatic/kafka reports it: the produce retries, aggregated per destination. */
function platformaticSendError(cause: Error): Error {
  const retries = new MultipleErrors('produce failed 9 times.', [cause, cause]);
  return new MultipleErrors('Producing messages failed.', [retries]);
}

/** A broker's refusal as kafkajs decodes it (its typings leave out the decoded fields). */
function kafkajsProtocolError(type: string, code: number): Error {
  return new KafkaJSProtocolError(Object.assign(new Error(type), { type, code, retriable: false }));
}

/** A refused produce as kafkajs reports it: the protocol error, wrapped once its retries stop. */
function kafkajsSendError(type: string, code: number): Error {
  const protocol = kafkajsProtocolError(type, code);
  const NonRetriable = KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: Error }) => Error;
  return new NonRetriable(protocol, { cause: protocol });
}

const produceResponse = (errorCode: number) =>
  new ResponseError(0, 9, { '/responses/0/partitionResponses/0': [errorCode, null] }, {});

describe('producerStateLost', () => {
  it.each([
    ['OUT_OF_ORDER_SEQUENCE_NUMBER', 45],
    ['INVALID_PRODUCER_EPOCH', 47],
    ['UNKNOWN_PRODUCER_ID', 59],
  ])('replaces the producer after %s, on either client', (type, code) => {
    expect(producerStateLost(platformaticSendError(produceResponse(code)))).toBe(true);
    expect(producerStateLost(kafkajsSendError(type, code))).toBe(true);
    expect(producerStateLost(kafkajsProtocolError(type, code))).toBe(true);
  });

  it('keeps the producer when the broker is only away or the error is about the records', () => {
    expect(producerStateLost(platformaticSendError(new NetworkError('Connection closed')))).toBe(false);
    expect(producerStateLost(platformaticSendError(new ProtocolError('NOT_LEADER_OR_FOLLOWER')))).toBe(false);
    expect(producerStateLost(platformaticSendError(produceResponse(10)))).toBe(false); // MESSAGE_TOO_LARGE
    expect(producerStateLost(kafkajsSendError('MESSAGE_TOO_LARGE', 10))).toBe(false);
    expect(producerStateLost(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toBe(
      false,
    );
    expect(producerStateLost(new Error('bug'))).toBe(false);
    expect(producerStateLost(undefined)).toBe(false);
  });
});

/** Stand-in client producers: the first `refused` of them refuse the batch as out of order, later ones take it. */
function producers(refusal: Error, refused = 1) {
  const made: { sent: number; closed: boolean }[] = [];
  const next = () => {
    const state = { sent: 0, closed: false };
    const refuses = made.length < refused;
    made.push(state);
    const send = async (req: { messages: unknown[] }) => {
      if (refuses) throw refusal;
      state.sent += req.messages.length;
    };
    const close = async () => {
      state.closed = true;
    };
    return { connect: async () => undefined, send, disconnect: close, close };
  };
  return { made, next };
}

const kafkaConfig = () => Config.parse({ kafka: { brokers: ['127.0.0.1:9'] } }).kafka;
const silent = createLogger({ level: 'silent' });
const batch = [
  { key: 'a', value: '1' },
  { key: 'b', value: '2' },
];

describe('a producer the broker refuses is replaced, and the batch sent once more', () => {
  it('kafkajs bus', async () => {
    const bus = new KafkaBus(kafkaConfig(), silent);
    const fake = producers(kafkajsSendError('OUT_OF_ORDER_SEQUENCE_NUMBER', 45));
    (bus as unknown as { kafka: { producer: () => unknown } }).kafka.producer = fake.next;
    await bus.send('t', batch);
    expect(fake.made).toEqual([
      { sent: 0, closed: true },
      { sent: 2, closed: false },
    ]);
  });

  it('platformatic bus', async () => {
    const bus = new PlatformaticKafkaBus(kafkaConfig(), silent);
    const fake = producers(platformaticSendError(produceResponse(45)));
    const inner = bus as unknown as { producer: unknown; getProducer: () => unknown };
    inner.getProducer = () => {
      inner.producer ??= fake.next();
      return inner.producer;
    };
    await bus.send('t', batch);
    expect(fake.made).toEqual([
      { sent: 0, closed: true },
      { sent: 2, closed: false },
    ]);
  });

  it('gives up after the new producer is refused too, with the bus error', async () => {
    const bus = new KafkaBus(kafkaConfig(), silent);
    const fake = producers(kafkajsSendError('OUT_OF_ORDER_SEQUENCE_NUMBER', 45), 2);
    (bus as unknown as { kafka: { producer: () => unknown } }).kafka.producer = fake.next;
    await expect(bus.send('t', batch)).rejects.toMatchObject({ code: 'BUS_SEND_FAILED' });
    expect(fake.made).toHaveLength(2);
  });
});
