import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { staleFiles } from '../cli/schemas.js';
import { renderJsonSchemas } from './json-schema.js';

const dir = fileURLToPath(new URL('./json', import.meta.url));

describe('exported JSON Schemas', () => {
  it('are up to date with the zod contracts (run `gatehound schemas export` when this fails)', () => {
    expect(staleFiles(dir, renderJsonSchemas())).toEqual([]);
  });

  it('cover every contract, as standalone draft 2020-12 documents', () => {
    const files = renderJsonSchemas();
    expect([...files.keys()].sort()).toEqual([
      'action.v1.schema.json',
      'config.schema.json',
      'dead-letter.v1.schema.json',
      'finding.v1.schema.json',
      'incident.schema.json',
      'request-event.v1.schema.json',
      'revocation.v1.schema.json',
    ]);
    const event = JSON.parse(files.get('request-event.v1.schema.json')!);
    expect(event.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(event.additionalProperties).toBe(false);
    expect(event.required).toContain('gateway');
  });
});
