import { describe, expect, it } from 'vitest';
import { Config } from '../schemas/config.js';
import { waitFor } from '../test/helpers/wait.js';
import { MemoryBus } from './bus/memory.js';
import { ManualClock } from './clock.js';
import { createLogger } from './logger.js';
import { followRevocations } from './revocation-follower.js';
import { reinstatementMessage, revocationMessage } from './revocations.js';

describe('followRevocations', () => {
  it('applies what the topic holds before reporting ready, then follows it live', async () => {
    const config = Config.parse({});
    const bus = new MemoryBus(config.kafka);
    await bus.ensureTopics();
    const topic = config.kafka.topics.revocations;
    const key = { kind: 'key', id: 'a'.repeat(32) } as const;
    const rev = {
      schema: 'gatehound.revocation.v1',
      subject: key,
      reason: 'r',
      incidentId: null,
      actor: 'api:ops',
      createdAt: '2026-11-30T12:00:00Z',
      expiresAt: null,
    } as const;
    await bus.send(topic, [revocationMessage(rev)]);
    const follower = await followRevocations(
      bus,
      topic,
      new ManualClock(Date.parse('2026-11-30T12:00:00Z')),
      createLogger({ level: 'silent' }),
    );
    await follower.ready;
    expect(follower.set.checkKey(key.id).revoked).toBe(true);
    await bus.send(topic, [reinstatementMessage(key)]);
    await waitFor('the reinstatement', () => !follower.set.checkKey(key.id).revoked);
    await follower.stop();
    await bus.close();
  });
});
