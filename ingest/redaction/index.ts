/** Redaction, shared by every entry point: the proxy, the Fastify plugin and log replay. */

export { type RedactedQuery, redactQuery } from './query.js';
export { addCounts, DETECTORS, type Redacted, type RedactionCounts, redact } from './redact.js';
export { isSecretName } from './secret-names.js';
export { PLACEHOLDERS, REDACTION_TYPES, type RedactionType } from './types.js';
