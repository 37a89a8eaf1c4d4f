/**
 * The ingest stage: how requests become redacted RequestEvents. Other stages and the CLI import
 * only this file.
 */
export { Emitter, type EmitterOptions, eventKey } from './emitter.js';
export { Enforcement, type Rejection } from './enforcement.js';
export { type Built, buildEvent, type RequestRecord } from './event-builder.js';
export { Gateway } from './gateway.js';
export { KeyIdentifier, keyId, keyIdentity, rawKeyFrom } from './key-id.js';
export { FORMAT_NAMES, type FormatName, type LogFormat, logFormat } from './log-formats/index.js';
export { IngestMetrics, ingestMetrics } from './metrics.js';
export { ProgressReporter, progressBar, progressLine, summary } from './progress.js';
export { capturePrompt, type PromptOptions, userTexts } from './prompt-capture.js';
export { type ProxyOptions, type RunningProxy, startProxy } from './proxy.js';
export { RateLimiter } from './rate-limit.js';
export { PLACEHOLDERS, type Redacted, type RedactionType, redact, redactQuery } from './redaction/index.js';
export { type ReplayOptions, type ReplayProgress, replay } from './replay.js';
export { Spool } from './spool.js';
export { ResponseTap, SseUsageReader, type Usage, usageFromJson } from './usage.js';
