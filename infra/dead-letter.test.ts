import { describe, expect, it } from 'vitest';
import { Config } from '../schemas/config.js';
import { DeadLetter, MAX_DEAD_LETTER_PAYLOAD } from '../schemas/dead-letter.js';
import { MemoryBus } from './bus/memory.js';
import { ManualClock } from './clock.js';
import { DeadLetterWriter, deadLetterRecord } from './dead-letter.js';
import { Metrics } from './metrics.js';

describe('dead letters', () => {
  const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));

  it('keep the reason, where the input came from and the input itself', () => {
    const r = deadLetterRecord(
      'detect',
      {
        code: 'EVENT_INVALID',
        reason: 'http.status: expected number',
        payload: '{"x":1}',
        source: { topic: 't', partition: 2, offset: '41' },
      },
      clock,
    );
    expect(DeadLetter.parse(r)).toEqual({
      schema: 'gatehound.dlq.v1',
      code: 'EVENT_INVALID',
      reason: 'http.status: expected number',
      stage: 'detect',
      at: '2026-11-30T12:00:00.000Z',
      source: { topic: 't', partition: 2, offset: '41', file: null, line: null },
      payload: '{"x":1}',
      truncated: false,
    });
  });

  it('truncate a huge payload and say so', () => {
    const r = deadLetterRecord(
      'replay',
      {
        code: 'EVENT_UNPARSABLE',
        reason: 'x',
        payload: Buffer.alloc(MAX_DEAD_LETTER_PAYLOAD + 10, 'a'),
        source: { file: 'a.log', line: 7 },
      },
      clock,
    );
    expect(r.truncated).toBe(true);
    expect(r.payload).toHaveLength(MAX_DEAD_LETTER_PAYLOAD);
    expect(DeadLetter.safeParse(r).success).toBe(true);
  });

  it('are produced to the dead-letter topic and counted', async () => {
    const config = Config.parse({});
    const bus = new MemoryBus(config.kafka);
    await bus.ensureTopics();
    const metrics = new Metrics();
    await new DeadLetterWriter(bus, config.kafka.topics.dlq, 'detect', clock, metrics).write([
      { code: 'EVENT_INVALID', reason: 'r', payload: 'p', source: {} },
    ]);
    const got: string[] = [];
    let caughtUp!: () => void;
    const done = new Promise<void>((r) => {
      caughtUp = r;
    });
    const sub = await bus.tail({
      topic: config.kafka.topics.dlq,
      onMessage: (m) => void got.push(m.value!.toString()),
      onCaughtUp: () => caughtUp(),
    });
    await done;
    await sub.stop();
    expect(JSON.parse(got[0]!)).toMatchObject({ code: 'EVENT_INVALID', payload: 'p' });
    expect(await metrics.registry.getSingleMetricAsString('gatehound_dead_letters_total')).toContain(
      'gatehound_dead_letters_total{role="detect",code="EVENT_INVALID"} 1',
    );
    await bus.close();
  });
});
