import { parseArgs } from 'node:util';
import { loadConfig } from '../infra/config.js';
import { GatehoundError } from '../infra/errors.js';
import { redactConfig } from '../infra/redact-config.js';
import { renderConfigReference } from '../schemas/config-reference.js';

/**
 * `gatehound config check [--file f]`: validates the configuration and prints it with secrets masked;
 * `gatehound config docs`: prints the configuration reference (docs/configuration.md).
 */
export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new GatehoundError('USAGE', (err as Error).message);
  }
  if (parsed.positionals[0] === 'docs') {
    process.stdout.write(renderConfigReference());
    return 0;
  }
  if (parsed.positionals[0] !== 'check') {
    throw new GatehoundError(
      'USAGE',
      'usage: gatehound config check [--file config.yaml] | gatehound config docs',
    );
  }
  const config = loadConfig({ file: parsed.values.file ?? null });
  process.stdout.write(`${JSON.stringify(redactConfig(config), null, 2)}\n`);
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: { file: { type: 'string' } } });
}
