import { readFileSync } from 'node:fs';
import { GatehoundError } from '../../infra/errors.js';
import type { AlertingConfig } from '../../schemas/config/alerting.js';
import { envChannelNames } from '../channels.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { parsePolicy } from './parse.js';
import type { Policy } from './schema.js';

/** The policy file named by GATEHOUND_POLICY_FILE, validated; the built-in policy when none is named. */
export function loadPolicy(config: AlertingConfig): Policy {
  if (!config.policyFile) return DEFAULT_POLICY;
  let text: string;
  try {
    text = readFileSync(config.policyFile, 'utf8');
  } catch (err) {
    throw new GatehoundError(
      'CONFIG_INVALID',
      `GATEHOUND_POLICY_FILE: cannot read ${config.policyFile} (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  return parsePolicy(text, config.policyFile, envChannelNames(config));
}
