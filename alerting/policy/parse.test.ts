import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GatehoundError } from '../../infra/errors.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { parsePolicy } from './parse.js';

const invalid = fileURLToPath(new URL('./testdata/invalid', import.meta.url));

function rejection(text: string, source: string): GatehoundError {
  try {
    parsePolicy(text, source, ['slack']);
  } catch (err) {
    if (err instanceof GatehoundError) return err;
    throw err;
  }
  throw new Error(`${source} was accepted`);
}

describe('policy files', () => {
  // One fixture per reason; its first line holds the message the operator must see.
  for (const file of readdirSync(invalid).filter((f) => f.endsWith('.yaml'))) {
    it(`rejects ${file} naming the line, the rule and the field`, () => {
      const text = readFileSync(`${invalid}/${file}`, 'utf8');
      const expected = /^# expect: (.*)$/m.exec(text)?.[1];
      expect(expected, 'fixture has an "# expect:" line').toBeTruthy();
      const err = rejection(text, file);
      expect(err.code).toBe('CONFIG_INVALID');
      expect(err.message).toContain(`${file}${expected}`);
    });
  }

  it('accepts a complete policy and fills its defaults', () => {
    const policy = parsePolicy(
      [
        'channels:',
        '  soc: { kind: webhook, url: "https://soc.test/hook", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }',
        'allowlist:',
        '  ips: [{ range: 10.0.0.0/8, expiresAt: "2027-01-01T00:00:00Z" }]',
        'rules:',
        '  - name: revoke',
        '    match: { severity: [critical], subjectKind: key }',
        '    actions:',
        '      - notify: { channels: [soc, slack] }',
        '      - revoke: { duration: 2h, escalation: { factor: 2 } }',
      ].join('\n'),
      'ok.yaml',
      ['slack'],
    );
    expect(policy.channels.soc).toMatchObject({ kind: 'webhook', format: 'gatehound' });
    expect(policy.rules[0]!.actions[1]).toEqual({
      revoke: {
        duration: 7_200_000,
        escalation: { factor: 2, window: 30 * 86_400_000, max: 7 * 86_400_000 },
      },
    });
    expect(policy.rules[0]).toMatchObject({ dryRun: false, final: false });
  });

  it('has a valid built-in policy', () => {
    expect(DEFAULT_POLICY.rules.map((r) => r.name)).toEqual([
      'notify-medium-and-above',
      'revoke-critical-keys',
      'block-abusive-ips',
    ]);
  });
});
