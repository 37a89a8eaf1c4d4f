import { z } from 'zod';
import { Action } from './action.js';
import { Config } from './config.js';
import { DeadLetter } from './dead-letter.js';
import { Finding } from './finding.js';
import { Incident } from './incident.js';
import { RequestEvent } from './request-event.js';
import { Revocation } from './revocation.js';

/** The contracts gateways and receivers in other languages validate against; exported to schemas/json/. */
export const EXPORTED_SCHEMAS: Record<string, { schema: z.ZodType; io: 'input' | 'output' }> = {
  'request-event.v1': { schema: RequestEvent, io: 'output' },
  'finding.v1': { schema: Finding, io: 'output' },
  incident: { schema: Incident, io: 'output' },
  'revocation.v1': { schema: Revocation, io: 'output' },
  'action.v1': { schema: Action, io: 'output' },
  'dead-letter.v1': { schema: DeadLetter, io: 'output' },
  // The configuration as a person writes it: defaults make most keys optional.
  config: { schema: Config, io: 'input' },
};

/** File name -> file content, deterministic so a test can compare it with the checked-in files. */
export function renderJsonSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, { schema, io }] of Object.entries(EXPORTED_SCHEMAS)) {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
    const doc = { $id: `https://gatehound.dev/schemas/${name}.schema.json`, ...json };
    files.set(`${name}.schema.json`, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return files;
}
