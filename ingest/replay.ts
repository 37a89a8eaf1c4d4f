import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { OutgoingMessage } from '../infra/bus/index.js';
import { type DeadLetterInput, DeadLetterWriter } from '../infra/dead-letter.js';
import type { Runtime } from '../infra/runtime.js';
import type { RequestEvent } from '../schemas/request-event.js';
import { eventKey } from './emitter.js';
import { KeyIdentifier } from './key-id.js';
import type { LineContext, LogFormat } from './log-formats/index.js';
import { ingestMetrics } from './metrics.js';
import { sendWithRetry } from './send-retry.js';

export interface ReplayOptions {
  input: AsyncIterable<Buffer | string>;
  /** The file name as given ("-" for standard input): dead letters point back to it. */
  source: string;
  format: LogFormat;
  /** Size of the input when known, for the ETA. */
  totalBytes?: number | null;
  /** Events per send; Bus.send takes arrays and the Kafka bus folds them into few produce requests. */
  batchSize?: number;
  onProgress?: (p: ReplayProgress) => void;
  progressIntervalMs?: number;
  /** How long a batch is retried while the bus is away before the replay fails (default 5 min). */
  busWaitMs?: number;
  /** Where the events go instead of the requests topic: `gatehound replay --detect` scores them here. */
  sink?: (events: RequestEvent[]) => Promise<void>;
}

const BUS_WAIT_MS = 5 * 60_000;

export interface ReplayProgress {
  /** Lines read (blank lines not counted). */
  read: number;
  /** Events acknowledged by the bus. */
  produced: number;
  /** Lines or records sent to the dead-letter topic. */
  rejected: number;
  bytes: number;
  totalBytes: number | null;
  elapsedMs: number;
  done: boolean;
}

/**
 * Replays a log into the requests topic: each line normalised to RequestEvent v1 by its format,
 * redacted and validated; events go out in batches with one send in flight while the next batch is
 * parsed. A line that cannot be read never stops the run: it goes to the dead-letter topic with
 * its file, line number and reason. Event ids derive from the input's name, first line and line
 * number, so replaying a file again writes the same ids (consumers dedupe), never new ones.
 */
export function replay(runtime: Runtime, options: ReplayOptions): Promise<ReplayProgress> {
  if (options.sink) return replayInto(runtime, options, { take: (e) => e, deliver: options.sink });
  const topic = runtime.config.kafka.topics.requests;
  // Retried while the bus is away; a sink is the caller's own code and is called once.
  return replayInto<OutgoingMessage>(runtime, options, {
    // Serialised as read: a batch waiting for its send holds one string per event, not its objects.
    take: (e) => ({ key: eventKey(e), value: JSON.stringify(e) }),
    deliver: (messages) =>
      sendWithRetry(() => runtime.bus.send(topic, messages), {
        giveUpAfterMs: options.busWaitMs ?? BUS_WAIT_MS,
        onRetry: (err, attempt, delayMs) => {
          if (attempt === 0)
            runtime.log.warn({ err: (err as Error).message, topic }, 'the bus refused a batch; retrying');
          else runtime.log.debug({ attempt, delayMs }, 'still retrying the batch');
        },
      }),
  });
}

/** Where events go: what a batch holds per event, and how a batch is handed over. */
interface Destination<T> {
  take(event: RequestEvent): T;
  deliver(batch: T[]): Promise<void>;
}

async function replayInto<T>(
  runtime: Runtime,
  options: ReplayOptions,
  destination: Destination<T>,
): Promise<ReplayProgress> {
  const { bus, config, clock } = runtime;
  const topic = config.kafka.topics.requests;
  const metrics = ingestMetrics(runtime.metrics);
  const deadLetters = new DeadLetterWriter(bus, config.kafka.topics.dlq, 'replay', clock, runtime.metrics);
  const batchSize = options.batchSize ?? 5000;
  const format = options.format.name;
  const started = Date.now();
  const p: ReplayProgress = {
    read: 0,
    produced: 0,
    rejected: 0,
    bytes: 0,
    totalBytes: options.totalBytes ?? null,
    elapsedMs: 0,
    done: false,
  };
  const ctx: LineContext = {
    keys: config.keyIdSecret ? new KeyIdentifier(config.keyIdSecret, config.gateway.keyRefMode) : null,
    gatewayId: config.gateway.id ?? runtime.instanceId ?? hostname(),
    prompt: { mode: config.gateway.promptCapture, maxChars: config.gateway.promptMaxChars },
    sourceId: '',
    line: 0,
    trustProxy: config.gateway.trustProxy,
  };
  let batch: T[] = [];
  let dead: DeadLetterInput[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  let lastReport = 0;

  const send = async () => {
    const events = batch;
    const letters = dead;
    batch = [];
    dead = [];
    // One batch in flight: wait for the previous one before handing over the next.
    await inFlight;
    inFlight = (async () => {
      if (events.length > 0) {
        await destination.deliver(events);
        p.produced += events.length;
        runtime.metrics.produced.inc({ role: 'replay', topic }, events.length);
        metrics.replayLines.inc({ format, result: 'produced' }, events.length);
      }
      if (letters.length > 0) {
        await deadLetters.write(letters);
        metrics.replayLines.inc({ format, result: 'rejected' }, letters.length);
      }
    })();
    // Surface a failure now rather than at the end, but keep the promise for the final await.
    inFlight.catch(() => undefined);
  };

  const report = (force = false) => {
    const now = Date.now();
    if (!options.onProgress || (!force && now - lastReport < (options.progressIntervalMs ?? 200))) return;
    lastReport = now;
    p.elapsedMs = now - started;
    options.onProgress({ ...p });
  };

  const handle = (raw: string) => {
    ctx.line++;
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    if (p.read === 0) ctx.sourceId = sourceId(options.source, line);
    p.read++;
    let results: ReturnType<LogFormat['parse']>;
    try {
      results = options.format.parse(line, ctx);
    } catch (err) {
      results = [
        { ok: false, code: 'EVENT_INVALID', reason: `could not read the line: ${(err as Error).message}` },
      ];
    }
    for (const r of results) {
      if (r.ok) batch.push(destination.take(r.event));
      else {
        p.rejected++;
        dead.push({
          code: r.code,
          reason: r.reason,
          payload: line,
          source: { file: options.source, line: ctx.line },
        });
      }
    }
  };

  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of options.input) {
    p.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    const text = carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      handle(text.slice(start, nl));
      start = nl + 1;
    }
    carry = text.slice(start);
    if (batch.length >= batchSize || dead.length >= batchSize) await send();
    report();
  }
  carry += decoder.end();
  if (carry !== '') handle(carry);
  await send();
  await inFlight;
  p.done = true;
  report(true);
  p.elapsedMs = Date.now() - started;
  return p;
}

/** Names the input for event ids: its file name and first line (so two files named alike differ). */
function sourceId(source: string, firstLine: string): string {
  const h = createHash('sha256').update(basename(source)).update('\n').update(firstLine).digest('hex');
  return `r${h.slice(0, 15)}`;
}
