import { Policy, type PolicyInput } from './schema.js';

/** The design's built-in policy, used when no policy file is given. */
export const DEFAULT_POLICY_INPUT: PolicyInput = {
  rules: [
    { name: 'notify-medium-and-above', match: { minSeverity: 'medium' }, actions: [{ notify: null }] },
    {
      name: 'revoke-critical-keys',
      match: { subjectKind: 'key', severity: ['critical'] },
      actions: [{ revoke: { duration: '1h', escalation: { factor: 4, window: '30d', max: '7d' } } }],
    },
    {
      name: 'block-abusive-ips',
      match: { subjectKind: 'ip', type: ['probing', 'auth_failure_burst'], severity: ['high', 'critical'] },
      actions: [{ revoke: { duration: '15m', escalation: { factor: 4, window: '30d', max: '7d' } } }],
    },
  ],
};

export const DEFAULT_POLICY: Policy = Policy.parse(DEFAULT_POLICY_INPUT);
