import { describe, expect, it } from 'vitest';
import { openIncident } from '../correlate.js';
import { finding } from '../testdata/findings.js';
import type { Notice } from './notice.js';
import { escapeSlack, slackMessage } from './slack.js';

const HOSTILE = '<!channel> <https://evil.test|click> & co';

function notice(): Notice {
  const incident = openIncident(
    finding({
      detector: 'injection',
      severity: 'critical',
      subject: { kind: 'key', id: '<!here>' },
      evidence: {
        signal: 'injection_hits',
        observed: 7,
        baseline: null,
        threshold: 3,
        signatures: [{ id: HOSTILE, category: 'jailbreak', count: 7 }],
        sampleEventIds: ['e1'],
      },
    }),
  );
  return {
    id: 'n1',
    kind: 'opened',
    at: '2026-11-30T12:00:00Z',
    incident,
    change: { opened: true, resolved: false, severityFrom: null, findingsAdded: 1, notes: [] },
    links: { api: 'https://api.test/v1/incidents/inc-1', dashboards: 'https://dash.test/app/discover' },
  };
}

describe('Slack messages', () => {
  it('escapes &, < and > so attacker text cannot ping a channel or plant a link', () => {
    expect(escapeSlack(HOSTILE)).toBe('&lt;!channel&gt; &lt;https://evil.test|click&gt; &amp; co');
  });

  it('carries severity, type, subject, evidence in one line and links, with no raw control sequence', () => {
    const msg = slackMessage(notice());
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('CRITICAL injection on key &lt;!here&gt;');
    expect(text).toContain('injection_hits 7 (baseline none, threshold 3); signatures: &lt;!channel&gt;');
    expect(text).toContain('<https://api.test/v1/incidents/inc-1|incident in the API>');
    expect(text).toContain('<https://dash.test/app/discover|OpenSearch Dashboards>');
    // The only "<" left are our own two links.
    expect(text.match(/</g)).toHaveLength(2);
    expect(text).not.toContain('<!');
    expect(msg.text).not.toContain('<');
  });
});
