/**
 * One closed list of error codes. The same codes are dead-letter reasons and metric labels,
 * so adding a code is a deliberate act: add it here with a one-line meaning.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: 'a setting is missing, unknown or has a wrong value',
  EVENT_INVALID: 'an event failed schema validation',
  EVENT_UNPARSABLE: 'a message was not valid JSON',
  BUS_UNAVAILABLE: 'the message bus could not be reached',
  BUS_SEND_FAILED: 'a message could not be produced',
  STORE_UNAVAILABLE: 'the document store could not be reached',
  STORE_WRITE_FAILED: 'documents could not be written after retries',
  STORE_QUERY_INVALID: 'a store query was malformed',
  STACK_ARTIFACT_UNAVAILABLE: 'a release artifact for the local stack could not be fetched',
  STACK_START_FAILED: 'a local stack component did not become healthy',
  USAGE: 'the command line was wrong',
  DASHBOARDS_IMPORT_FAILED: 'OpenSearch Dashboards refused or failed a saved-objects import',
  SIGNATURE_PACK_INVALID: 'a signature pack file is malformed or has an invalid or unsafe pattern',
  NOTIFY_FAILED: 'a notification destination answered with an error or could not be reached',
  NOTIFY_TIMEOUT: 'a notification destination did not answer within the timeout',
  CIRCUIT_OPEN: 'a destination kept failing, so calls to it were stopped for a cool-down',
  QUEUE_FULL: 'a destination queue was full, so the delivery was dead-lettered at once',
  UPSTREAM_FAILED: 'an upstream admin API call (revocation adapter) failed after retries',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GatehoundError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatehoundError';
    this.code = code;
    this.details = options.details;
  }
}

export function isGatehoundError(err: unknown, code?: ErrorCode): err is GatehoundError {
  return err instanceof GatehoundError && (code === undefined || err.code === code);
}

/** Process exit codes: 2 for anything the operator must fix in the invocation or configuration. */
export function exitCodeFor(err: unknown): number {
  if (isGatehoundError(err, 'CONFIG_INVALID') || isGatehoundError(err, 'USAGE')) return 2;
  return 1;
}

/**
 * The innermost reason under a wrapped error, for a log line: what a client library said when
 * "could not produce" happened ("connect ECONNREFUSED 127.0.0.1:9092", a broker's protocol error).
 * Follows `cause`, then the first of an aggregate's `errors`.
 */
export function rootCause(err: unknown): string {
  let e = err as { message?: unknown; cause?: unknown; errors?: unknown[]; apiId?: unknown } | undefined;
  for (let depth = 0; depth < 10; depth++) {
    const next = e?.cause ?? e?.errors?.[0];
    if (next === undefined || next === null) break;
    e = next as typeof e;
  }
  // A Kafka protocol error's id names the broker's reason better than its prose.
  if (typeof e?.apiId === 'string') return e.apiId;
  return typeof e?.message === 'string' ? e.message : String(e);
}
