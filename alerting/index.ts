import type { Runtime } from '../infra/runtime.js';
import { loadPolicy } from './policy/load.js';
import { createResponder, type Responder, type ResponderOptions } from './responder.js';

export { envChannelNames } from './channels.js';
export { type Change, correlate, incidentIdFor, incidentKey, incidentsFrom } from './correlate.js';
export { alertmanagerPayload } from './notifiers/alertmanager.js';
export { secretKeys, signedHeaders } from './notifiers/signing.js';
export { escapeSlack, slackMessage } from './notifiers/slack.js';
export { DEFAULT_POLICY } from './policy/default-policy.js';
export { revocationDurationMs } from './policy/escalation.js';
export { evaluate, type Plan } from './policy/evaluate.js';
export { loadPolicy } from './policy/load.js';
export { parsePolicy } from './policy/parse.js';
export { Policy } from './policy/schema.js';
export type { Responder, ResponderOptions } from './responder.js';

/** Starts the responder role: the policy comes from the configuration (validated here) unless given. */
export function startResponder(
  runtime: Runtime,
  options: Partial<ResponderOptions> = {},
): Promise<Responder> {
  return createResponder(runtime, {
    ...options,
    policy: options.policy ?? loadPolicy(runtime.config.alerting),
  });
}
