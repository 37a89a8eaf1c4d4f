import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BusMessage, KafkaBus } from '../../infra/bus/index.js';
import { createLogger } from '../../infra/logger.js';
import { Config } from '../../schemas/config.js';
import { RequestEvent } from '../../schemas/request-event.js';
import { decodeJson } from '../../schemas/validate.js';
import { requestEvent } from '../helpers/events.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

describe('RequestEvent through real Kafka', () => {
  let bus: KafkaBus;
  let topic: string;
  beforeAll(async () => {
    bus = new KafkaBus(
      Config.parse({ kafka: { brokers: inject('kafkaBrokers').split(',') } }).kafka,
      createLogger({ level: 'error' }),
    );
    topic = uniqueName('requests');
    await bus.createTopic(topic, 3);
  });
  afterAll(async () => bus?.close());

  it('round-trips a valid event keyed by keyId and rejects an invalid one naming the field', async () => {
    const good = requestEvent({ id: 'evt-good' });
    const bad = { ...requestEvent({ id: 'evt-bad' }), http: { ...good.http, status: 'teapot' } };
    await bus.send(topic, [
      { key: good.key!.id, value: JSON.stringify(good) },
      { key: '198.51.100.4', value: JSON.stringify(bad) },
    ]);
    const got: BusMessage[] = [];
    const sub = await bus.consume({
      groupId: uniqueName('roundtrip'),
      topics: [topic],
      fromBeginning: true,
      onBatch: async (b) => {
        got.push(...b.messages);
      },
    });
    await waitFor('both events', () => got.length >= 2);
    await sub.stop();

    const goodMsg = got.find((m) => m.key === good.key!.id)!;
    const decoded = decodeJson(RequestEvent, goodMsg.value);
    expect(decoded).toEqual({ ok: true, value: good });

    const badMsg = got.find((m) => m.key === '198.51.100.4')!;
    const rejected = decodeJson(RequestEvent, badMsg.value);
    expect(rejected.ok).toBe(false);
    expect(!rejected.ok && rejected.reason).toMatch(/^http\.status: /);
  });
});
