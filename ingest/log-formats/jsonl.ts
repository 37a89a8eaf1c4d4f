import { RequestEvent } from '../../schemas/request-event.js';
import { describeIssues } from '../../schemas/validate.js';
import { redactEvent } from '../event-builder.js';
import { fail, type LineResult, type LogFormat } from './types.js';

/**
 * RequestEvent v1 as JSON Lines (what a gateway in another language, or the proxy's own spool,
 * writes). Each line is validated strictly and redacted again (a foreign gateway may have redacted
 * less): prompt text, path, query and user agent.
 */
export const jsonl: LogFormat = {
  name: 'jsonl',
  parse(line): LineResult[] {
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch (err) {
      return fail('EVENT_UNPARSABLE', `not valid JSON: ${(err as Error).message.slice(0, 200)}`);
    }
    const parsed = RequestEvent.safeParse(doc);
    if (!parsed.success) return fail('EVENT_INVALID', describeIssues(parsed.error.issues));
    const again = RequestEvent.safeParse(redactEvent(parsed.data));
    if (!again.success) return fail('EVENT_INVALID', describeIssues(again.error.issues));
    return [{ ok: true, event: again.data }];
  },
};
