import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, log: createLogger({ destination, level: 'debug' }) };
}

describe('logger', () => {
  it('never writes a secret of the configuration, even when the whole config is logged', () => {
    const secrets = [
      '0123456789abcdef-very-secret',
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'opensearch-pass-xyz',
      'kafka-pass-xyz',
    ];
    const config = loadConfig({
      env: {
        GATEHOUND_KEY_ID_SECRET: secrets[0],
        GATEHOUND_WEBHOOK_URL: 'https://hooks.example.test/in',
        GATEHOUND_WEBHOOK_SECRET: secrets[1],
        GATEHOUND_OPENSEARCH_PASSWORD: secrets[2],
        GATEHOUND_KAFKA_SASL: JSON.stringify({ mechanism: 'plain', username: 'u', password: secrets[3] }),
        GATEHOUND_SLACK_WEBHOOK_URL: 'https://hooks.slack.test/services/T000/B000/XXXX',
      },
    });
    const { lines, log } = capture();
    log.info({ config }, 'starting');
    log.info(config, 'flat');
    log.info(
      { req: { headers: { authorization: 'Bearer sk-live-abc', 'x-api-key': 'sk-live-def' } } },
      'request',
    );
    const out = lines.join('');
    for (const s of [...secrets, 'hooks.slack.test', 'sk-live-abc', 'sk-live-def'])
      expect(out).not.toContain(s);
    expect(out).toContain('[REDACTED]');
  });
});
