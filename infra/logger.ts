import pino, { type Logger } from 'pino';

/** Field names that hold a secret wherever they appear. */
const SECRET_FIELDS = [
  'secret',
  'password',
  'token',
  'authorization',
  'cookie',
  'x-api-key',
  'api-key',
  'keyIdSecret',
  'webhookSecret',
  'slackWebhookUrl',
  'tokens',
  'sasl',
  'auth',
];

/**
 * pino removes these before a line is written, so a careless `log.info({ config })` cannot leak a
 * token. pino has no recursive wildcard, so each name is covered at every depth our objects reach.
 */
export const REDACT_PATHS = SECRET_FIELDS.flatMap((field) =>
  ['', '*.', '*.*.', '*.*.*.'].flatMap((prefix) => {
    if (/^\w+$/.test(field)) return [`${prefix}${field}`];
    // Names with a dash need bracket notation, which pino accepts only below the top level.
    return prefix ? [`${prefix.slice(0, -1)}["${field}"]`] : [];
  }),
);

export type { Logger };

export interface LoggerOptions {
  level?: string;
  name?: string;
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const opts: pino.LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    base: { name: options.name ?? 'gatehound' },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}
