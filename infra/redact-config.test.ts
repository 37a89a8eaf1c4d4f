import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { redactConfig } from './redact-config.js';

describe('redactConfig', () => {
  it('masks secrets and URL credentials but keeps what an operator needs to see', () => {
    const config = loadConfig({
      env: {
        GATEHOUND_KEY_ID_SECRET: '0123456789abcdef-very-secret',
        GATEHOUND_OPENSEARCH_URL: 'https://admin:pw123@search.internal:9200',
        GATEHOUND_API_TOKENS: JSON.stringify([{ name: 'ops', role: 'admin', sha256: 'b'.repeat(64) }]),
      },
    });
    const text = JSON.stringify(redactConfig(config));
    expect(text).not.toContain('very-secret');
    expect(text).not.toContain('pw123');
    expect(text).not.toContain('b'.repeat(64));
    expect(text).toContain('search.internal:9200');
    expect(text).toContain('"name":"ops"');
  });
});
