import { describe, expect, it } from 'vitest';
import { finding } from '../testdata/findings.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { Policy } from './schema.js';
import { simulatePolicy } from './simulate.js';

const QUIET = 30 * 60_000;
const at = (h: number, m: number) =>
  `2026-11-30T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00.000Z`;

describe('policy test (simulation)', () => {
  it('says what each finding would trigger under the built-in policy, escalating repeats', () => {
    const rows = simulatePolicy(
      DEFAULT_POLICY,
      [
        finding({ id: 'low', severity: 'low', detectedAt: at(12, 0) }),
        finding({ id: 'high', severity: 'high', detectedAt: at(12, 1) }),
        finding({ id: 'crit', severity: 'critical', detectedAt: at(12, 2) }),
        finding({ id: 'again', severity: 'critical', detectedAt: at(12, 3) }),
        finding({ id: 'later', severity: 'critical', detectedAt: at(14, 0) }),
      ],
      ['slack'],
      QUIET,
    );
    expect(rows.map((r) => [r.findingId, r.incident, r.actions])).toEqual([
      ['low', 'opened', []],
      ['high', 'joined', ['notify slack']],
      ['crit', 'joined', ['revoke key:0123456789abcdef0123456789abcdef for 1h [revoke-critical-keys]']],
      ['again', 'joined', []],
      [
        'later',
        'opened',
        [
          'notify slack',
          'revoke key:0123456789abcdef0123456789abcdef for 4h (repeat 1) [revoke-critical-keys]',
        ],
      ],
    ]);
  });

  it('shows dry-run rules as what would happen', () => {
    const policy = Policy.parse({
      rules: [{ name: 'trial', dryRun: true, actions: [{ notify: null }, { revoke: { duration: '15m' } }] }],
    });
    const [row] = simulatePolicy(policy, [finding()], ['webhook'], QUIET);
    expect(row!.actions).toEqual([
      'dry run: would notify webhook',
      'dry run: would revoke key:0123456789abcdef0123456789abcdef for 15m [trial]',
    ]);
  });
});
