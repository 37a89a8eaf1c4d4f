import { GatehoundError } from '../../infra/errors.js';
import { jsonl } from './jsonl.js';
import { kong } from './kong.js';
import { nginxFormat } from './nginx.js';
import type { LogFormat, NginxOptions } from './types.js';

export { COMBINED, compileLogFormat, scanLine } from './nginx.js';
export type { LineContext, LineResult, LogFormat, NginxOptions } from './types.js';

export const FORMAT_NAMES = ['jsonl', 'nginx', 'kong'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/** The log format by name; nginx takes an optional `log_format` and key field. */
export function logFormat(name: string, options: NginxOptions = {}): LogFormat {
  switch (name) {
    case 'jsonl':
      return jsonl;
    case 'kong':
      return kong;
    case 'nginx':
      try {
        return nginxFormat(options);
      } catch (err) {
        throw new GatehoundError('USAGE', `--log-format: ${(err as Error).message}`);
      }
    default:
      throw new GatehoundError('USAGE', `--format must be one of ${FORMAT_NAMES.join(', ')}, got "${name}"`);
  }
}
