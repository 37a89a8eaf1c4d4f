import type { AdapterConfig } from '../../../schemas/config/alerting.js';
import type { Destination } from '../../delivery/dispatcher.js';
import type { UpstreamCall } from './adapter.js';
import { genericHttpAdapter } from './generic-http.js';
import { kongAdapter } from './kong.js';
import { liteLlmAdapter } from './litellm.js';

export type { UpstreamCall } from './adapter.js';

export function createAdapter(config: AdapterConfig): Destination<UpstreamCall> {
  switch (config.kind) {
    case 'generic-http':
      return genericHttpAdapter(config);
    case 'litellm':
      return liteLlmAdapter(config);
    case 'kong':
      return kongAdapter(config);
  }
}
