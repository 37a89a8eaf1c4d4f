import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config.js';
import { GatehoundError } from '../../infra/errors.js';
import { redactConfig } from '../../infra/redact-config.js';

const A = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const B = 'whsec_c2VjcmV0LWJlZm9yZS1yb3RhdGlvbi0xMjM0NTY=';

function rejection(env: Record<string, string>): string {
  try {
    loadConfig({ env });
  } catch (err) {
    if (err instanceof GatehoundError) return err.message;
    throw err;
  }
  throw new Error('accepted');
}

describe('alerting configuration', () => {
  it('has the design defaults: 10-minute throttle, no channels, gatehound payloads', () => {
    const c = loadConfig({ env: {} }).alerting;
    expect(c).toMatchObject({
      throttleMs: 600_000,
      webhookFormat: 'gatehound',
      slackWebhookUrl: null,
      adapters: [],
    });
    expect(c.delivery).toMatchObject({ maxAttempts: 5, timeoutMs: 5000 });
  });

  it('reads its settings from the environment, with several webhook secrets during a rotation', () => {
    const c = loadConfig({
      env: {
        GATEHOUND_WEBHOOK_URL: 'https://hooks.test/in',
        GATEHOUND_WEBHOOK_SECRET: `${A} ${B}`,
        GATEHOUND_NOTIFY_THROTTLE_MS: '60000',
        GATEHOUND_INCIDENT_QUIET_MS: '900000',
        GATEHOUND_PUBLIC_API_URL: 'https://gatehound.test',
        GATEHOUND_DASHBOARDS_URL: 'https://dash.test',
        GATEHOUND_REVOCATION_ADAPTERS: JSON.stringify([
          { kind: 'litellm', url: 'https://llm.test', token: 'sk-1' },
        ]),
      },
    }).alerting;
    expect(c).toMatchObject({ webhookSecret: `${A} ${B}`, throttleMs: 60_000, quietMs: 900_000 });
    expect(c.adapters).toEqual([
      { kind: 'litellm', name: 'litellm', url: 'https://llm.test', token: 'sk-1' },
    ]);
  });

  it('names the setting that is wrong, never echoing a secret', () => {
    expect(rejection({ GATEHOUND_WEBHOOK_URL: 'https://hooks.test/in' })).toContain(
      'alerting.webhookSecret: required when a webhook URL is set',
    );
    const bad = rejection({
      GATEHOUND_WEBHOOK_URL: 'https://h.test',
      GATEHOUND_WEBHOOK_SECRET: `${A} hunter2`,
    });
    expect(bad).toContain('GATEHOUND_WEBHOOK_SECRET: expected whsec_<base64>');
    expect(bad).not.toContain('hunter2');
    expect(rejection({ GATEHOUND_REVOCATION_ADAPTERS: '[{"kind":"kong"}]' })).toContain(
      'GATEHOUND_REVOCATION_ADAPTERS',
    );
    expect(rejection({ GATEHOUND_NOTIFY_THROTTLE_MS: 'ten' })).toContain(
      'GATEHOUND_NOTIFY_THROTTLE_MS: expected an integer',
    );
  });

  it('masks adapter tokens and header values in `config check`', () => {
    const config = loadConfig({
      env: {
        GATEHOUND_REVOCATION_ADAPTERS: JSON.stringify([
          { kind: 'litellm', url: 'https://llm.test', token: 'sk-secret-1' },
          {
            kind: 'generic-http',
            url: 'https://gw.test/{{keyId}}',
            headers: { authorization: 'Bearer sk-secret-2' },
          },
        ]),
      },
    });
    const printed = JSON.stringify(redactConfig(config));
    expect(printed).not.toContain('sk-secret');
    expect(printed).toContain('https://llm.test');
  });
});
