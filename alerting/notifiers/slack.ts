import { IncomingWebhook, IncomingWebhookHTTPError, type IncomingWebhookSendArguments } from '@slack/webhook';
import { asDeliveryError, checkResponse } from '../delivery/retry.js';
import { changeLine, evidenceLine, type Message, type Notice, type Notifier } from './notice.js';
import type { Summary } from './summary.js';

const SEVERITY_ICON = {
  low: ':large_blue_circle:',
  medium: ':large_yellow_circle:',
  high: ':large_orange_circle:',
  critical: ':red_circle:',
};

/**
 * Slack mrkdwn control characters. Escaping them in every attacker-influenced string means a subject id
 * or signature name cannot become `<!channel>` or `<https://evil|click>`.
 */
export function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function slackMessage(notice: Notice): IncomingWebhookSendArguments {
  const i = notice.incident;
  const title = `${i.severity.toUpperCase()} ${i.type} on ${i.subject.kind} ${i.subject.id}`;
  const links = [
    notice.links.api && `<${notice.links.api}|incident in the API>`,
    notice.links.dashboards && `<${notice.links.dashboards}|OpenSearch Dashboards>`,
  ].filter(Boolean);
  return {
    text: escapeSlack(`gatehound: ${title} (${notice.kind})`),
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `${SEVERITY_ICON[i.severity]} *${escapeSlack(title)}*` },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Severity*\n${i.severity}` },
          { type: 'mrkdwn', text: `*Type*\n${i.type}` },
          { type: 'mrkdwn', text: `*Subject*\n${i.subject.kind} \`${escapeSlack(i.subject.id)}\`` },
          { type: 'mrkdwn', text: `*Status*\n${i.status} · ${i.findingCount} findings` },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: `*Evidence* ${escapeSlack(evidenceLine(i))}` } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `${escapeSlack(changeLine(notice))} · incident \`${escapeSlack(i.id)}\`${links.length ? ` · ${links.join(' · ')}` : ''}`,
          },
        ],
      },
    ],
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** The daily summary: counts by severity and type, and the worst incidents, each subject escaped. */
export function slackSummary(summary: Summary): IncomingWebhookSendArguments {
  const severities = (['critical', 'high', 'medium', 'low'] as const)
    .map((s) => `${SEVERITY_ICON[s]} ${s} ${summary.bySeverity[s]}`)
    .join('   ');
  const types = Object.entries(summary.byType)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  const top = summary.top
    .map(
      (i) =>
        `• ${i.severity} ${i.type} on ${i.subject.kind} \`${escapeSlack(i.subject.id)}\` (${i.findingCount} findings, ${i.status})`,
    )
    .join('\n');
  return {
    text: `gatehound: ${summary.total} incidents since ${summary.since}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*gatehound daily digest:* ${summary.total} incidents, ${summary.stillOpen} not resolved`,
        },
      },
      { type: 'section', text: { type: 'mrkdwn', text: `${severities}\n${types}` } },
      ...(top ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: top } }] : []),
    ],
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** Slack incoming webhooks through the official client; a non-2xx answer becomes a DeliveryError. */
export class SlackNotifier implements Notifier {
  readonly summaries = true;
  private readonly webhook: IncomingWebhook;

  constructor(
    readonly name: string,
    url: string,
    timeoutMs: number,
  ) {
    this.webhook = new IncomingWebhook(url, { timeout: timeoutMs });
  }

  async send(message: Message): Promise<void> {
    try {
      await this.webhook.send(message.kind === 'summary' ? slackSummary(message) : slackMessage(message));
    } catch (err) {
      if (err instanceof IncomingWebhookHTTPError) checkResponse(this.name, err.statusCode);
      throw asDeliveryError(this.name, (err as { original?: unknown }).original ?? err);
    }
  }
}
