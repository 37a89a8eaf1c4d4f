import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENV_SETTINGS } from './config.js';
import { renderConfigReference } from './config-reference.js';

describe('docs/configuration.md', () => {
  it('is the reference generated from the schema (run `gatehound config docs > docs/configuration.md`)', () => {
    const file = readFileSync(fileURLToPath(new URL('../docs/configuration.md', import.meta.url)), 'utf8');
    expect(file).toBe(renderConfigReference());
  });

  it('documents every environment variable the program reads', () => {
    const text = renderConfigReference();
    for (const name of Object.keys(ENV_SETTINGS)) expect(text).toContain(`\`${name}\``);
  });
});
