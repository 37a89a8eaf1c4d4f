import type { Clock } from '../infra/clock.js';
import { GatehoundError } from '../infra/errors.js';
import type { AlertingConfig } from '../schemas/config/alerting.js';
import type { Notifier } from './notifiers/notice.js';
import { SlackNotifier } from './notifiers/slack.js';
import { WebhookNotifier } from './notifiers/webhook.js';
import type { Policy } from './policy/schema.js';

/** Names of the channels the environment settings create; a policy file may notify them by these names. */
export function envChannelNames(config: AlertingConfig): string[] {
  return [config.slackWebhookUrl && 'slack', config.webhookUrl && 'webhook'].filter((n): n is string => !!n);
}

/** Every channel: the policy file's own, plus those from the environment (added, never replaced). */
export function buildNotifiers(config: AlertingConfig, policy: Policy, clock: Clock): Notifier[] {
  const now = () => clock.now();
  const notifiers: Notifier[] = [];
  if (config.slackWebhookUrl)
    notifiers.push(new SlackNotifier('slack', config.slackWebhookUrl, config.delivery.timeoutMs));
  if (config.webhookUrl && config.webhookSecret)
    notifiers.push(
      new WebhookNotifier('webhook', config.webhookUrl, config.webhookSecret, config.webhookFormat, now),
    );
  for (const [name, def] of Object.entries(policy.channels)) {
    if (notifiers.some((n) => n.name === name))
      throw new GatehoundError(
        'CONFIG_INVALID',
        `policy channel "${name}" clashes with the channel of the same name from the environment`,
      );
    notifiers.push(
      def.kind === 'slack'
        ? new SlackNotifier(name, def.url, config.delivery.timeoutMs)
        : new WebhookNotifier(name, def.url, def.secret, def.format, now),
    );
  }
  return notifiers;
}
