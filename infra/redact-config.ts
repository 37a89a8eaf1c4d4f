import type { Config } from '../schemas/config.js';

const MASK = '[REDACTED]';

/** A copy of the configuration that is safe to print: every secret replaced, every URL's credentials removed. */
export function redactConfig(config: Config): unknown {
  return {
    ...config,
    keyIdSecret: config.keyIdSecret && MASK,
    kafka: { ...config.kafka, sasl: config.kafka.sasl && { ...config.kafka.sasl, password: MASK } },
    opensearch: {
      ...config.opensearch,
      url: stripCredentials(config.opensearch.url),
      password: config.opensearch.password && MASK,
    },
    api: {
      ...config.api,
      tokens: config.api.tokens.map((t) => ({ name: t.name, role: t.role, sha256: MASK })),
    },
    alerting: {
      ...config.alerting,
      slackWebhookUrl: config.alerting.slackWebhookUrl && MASK,
      webhookSecret: config.alerting.webhookSecret && MASK,
      // Adapter tokens, and header values (an Authorization header) of generic HTTP adapters.
      adapters: config.alerting.adapters.map((a) =>
        a.kind === 'generic-http'
          ? { ...a, headers: Object.fromEntries(Object.keys(a.headers).map((h) => [h, MASK])) }
          : { ...a, token: a.token && MASK },
      ),
    },
  };
}

function stripCredentials(url: string | null): string | null {
  if (!url) return url;
  const u = new URL(url);
  if (u.username || u.password) {
    u.username = '';
    u.password = '';
  }
  return u.toString();
}
