import type { AdapterConfig } from '../../../schemas/config/alerting.js';
import type { Destination } from '../../delivery/dispatcher.js';
import { call, type UpstreamCall } from './adapter.js';

type GenericConfig = Extract<AdapterConfig, { kind: 'generic-http' }>;

const PLACEHOLDER = /\{\{(\w{1,32})\}\}/g;

/** The values a template may use; unknown placeholders become empty strings. */
export function templateValues(c: UpstreamCall): Record<string, string> {
  const r = c.revocation;
  return {
    op: c.op,
    keyId: r.subject.kind === 'key' ? r.subject.id : '',
    keyRef: c.keyRef ?? '',
    ip: r.subject.kind === 'ip' ? r.subject.id : '',
    subject: `${r.subject.kind}:${r.subject.id}`,
    reason: r.reason,
    incidentId: r.incidentId ?? '',
    actor: r.actor,
    expiresAt: r.expiresAt ?? '',
  };
}

/** Fills `{{name}}`, escaping each value for where it lands (URL component or JSON string). */
export function fillTemplate(
  template: string,
  values: Record<string, string>,
  encode: (v: string) => string,
) {
  return template.replace(PLACEHOLDER, (_, name: string) => encode(values[name] ?? ''));
}

const jsonString = (v: string) => JSON.stringify(v).slice(1, -1);

/** Any admin API: method, URL and body templates from the configuration. Reinstatement is not called. */
export function genericHttpAdapter(config: GenericConfig): Destination<UpstreamCall> {
  return {
    name: config.name,
    async send(c, signal) {
      if (c.op !== 'revoke') return;
      const values = templateValues(c);
      await call(
        config.name,
        fillTemplate(config.url, values, encodeURIComponent),
        {
          method: config.method,
          headers: { 'content-type': 'application/json', ...config.headers },
          ...(config.body === null ? {} : { body: fillTemplate(config.body, values, jsonString) }),
        },
        signal,
      );
    },
  };
}
