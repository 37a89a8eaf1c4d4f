import { describe, expect, it } from 'vitest';
import type { DetectorName } from '../../schemas/common.js';
import { openIncident } from '../correlate.js';
import { finding } from '../testdata/findings.js';
import { slackSummary } from './slack.js';
import { summarize } from './summary.js';

const incident = (id: string, severity: 'low' | 'high' | 'critical', type: DetectorName = 'probing') => ({
  ...openIncident(finding({ id, severity, detector: type, subject: { kind: 'ip', id: `<!channel> ${id}` } })),
  id,
});

describe('daily digest', () => {
  it('counts by severity and type and lists the worst first', () => {
    const s = summarize(
      [
        incident('a', 'low'),
        { ...incident('b', 'critical'), status: 'resolved' },
        incident('c', 'high', 'injection'),
      ],
      '2026-11-29T09:00:00.000Z',
      '2026-11-30T09:00:00.000Z',
    );
    expect(s).toMatchObject({
      id: 'summary.2026-11-30',
      total: 3,
      stillOpen: 2,
      bySeverity: { low: 1, medium: 0, high: 1, critical: 1 },
      byType: { probing: 2, injection: 1 },
    });
    expect(s.top.map((i) => i.id)).toEqual(['b', 'c', 'a']);
  });

  it('escapes subjects in the Slack digest', () => {
    const text = JSON.stringify(
      slackSummary(summarize([incident('a', 'high')], 'x', '2026-11-30T09:00:00.000Z')),
    );
    expect(text).toContain('&lt;!channel&gt; a');
    expect(text).not.toContain('<!channel>');
  });
});
