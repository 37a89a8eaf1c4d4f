import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gatehound } from '../test/helpers/cli.js';

// Each case runs the built CLI in a process of its own: a loaded machine needs more than 5 s.
describe('gatehound CLI', { timeout: 30_000 }, () => {
  it('stops with exit code 2 on a bad setting, naming it and what was expected', () => {
    const res = gatehound(['config', 'check'], { GATEHOUND_API_PORT: 'abc' });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('GATEHOUND_API_PORT: expected an integer, got "abc"');
  });

  it('stops with exit code 2 on an unknown setting', () => {
    const res = gatehound(['config', 'check'], { GATEHOUND_OPENSEARCH_ULR: 'http://x:9200' });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain(
      'GATEHOUND_OPENSEARCH_ULR: unknown setting (did you mean GATEHOUND_OPENSEARCH_URL?)',
    );
  });

  it('never echoes a secret it rejects', () => {
    const res = gatehound(['config', 'check'], { GATEHOUND_KEY_ID_SECRET: 'tooshort' });
    expect(res.status).toBe(2);
    expect(res.stderr).not.toContain('tooshort');
  });

  it('prints the effective configuration with secrets masked', () => {
    const res = gatehound(['config', 'check'], { GATEHOUND_KEY_ID_SECRET: '0123456789abcdef-secret' });
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout).keyIdSecret).toBe('[REDACTED]');
  });

  it('answers an unknown command with usage and exit code 2', () => {
    const res = gatehound(['frobnicate']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('unknown command "frobnicate"');
  });

  it('checks that the exported JSON Schemas are current', () => {
    const res = gatehound([
      'schemas',
      'export',
      '--check',
      '--out',
      fileURLToPath(new URL('../schemas/json', import.meta.url)),
    ]);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });
});
