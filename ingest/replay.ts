import { hostname } from 'node:os';
import type { OutgoingMessage } from '../infra/bus/index.js';
import { type DeadLetterInput, DeadLetterWriter } from '../infra/dead-letter.js';
import { rootCause } from '../infra/errors.js';
import type { Runtime } from '../infra/runtime.js';
import type { RequestEvent } from '../schemas/request-event.js';
import { eventMessage } from './emitter.js';
import { LineReader, type LinesRead, type ReaderSettings } from './line-reader.js';
import type { LogFormat } from './log-formats/index.js';
import { ingestMetrics } from './metrics.js';
import { ParseWorker } from './parse-worker.js';
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
  /**
   * Read the lines in a worker thread (not with a sink), beside the sends: about twice the lines
   * per second on two cores. Needs the built module (a worker thread cannot load TypeScript).
   */
  parserThread?: boolean;
}

const BUS_WAIT_MS = 5 * 60_000;
/** Chunks read ahead of the one whose lines are being sent. */
const READ_AHEAD = 4;

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
  const settings = readerSettings(runtime, options.source);
  if (options.sink) {
    const lines = inThisThread(new LineReader(options.format, settings, (e) => e));
    return replayInto(runtime, options, options.sink, lines);
  }
  const topic = runtime.config.kafka.topics.requests;
  // Serialised as read: a batch waiting for its send holds one string per event, not its objects.
  const lines = options.parserThread
    ? new ParseWorker(options.format, settings)
    : inThisThread(new LineReader(options.format, settings, eventMessage));
  // Retried while the bus is away; a sink is the caller's own code and is called once.
  const deliver = (messages: OutgoingMessage[]) =>
    sendWithRetry(() => runtime.bus.send(topic, messages), {
      giveUpAfterMs: options.busWaitMs ?? BUS_WAIT_MS,
      // The first refusal and every tenth after it (about a minute apart) say why, at warn.
      onRetry: (err, attempt, delayMs) => {
        const why = { err: (err as Error).message, cause: rootCause(err), topic, attempt };
        if (attempt % 10 === 0) runtime.log.warn(why, 'the bus refused a batch; retrying');
        else runtime.log.debug({ ...why, delayMs }, 'still retrying the batch');
      },
    });
  return replayInto(runtime, options, deliver, lines);
}

function readerSettings(runtime: Runtime, source: string): ReaderSettings {
  const { config } = runtime;
  return {
    source,
    keyIdSecret: config.keyIdSecret,
    keyRefMode: config.gateway.keyRefMode,
    gatewayId: config.gateway.id ?? runtime.instanceId ?? hostname(),
    prompt: { mode: config.gateway.promptCapture, maxChars: config.gateway.promptMaxChars },
    trustProxy: config.gateway.trustProxy,
  };
}

/** Reads a log's chunks into what a batch holds, in order; `ParseWorker` does it in another thread. */
interface Lines<T> {
  read(chunk: Buffer | string): Promise<LinesRead<T>>;
  end(): Promise<LinesRead<T>>;
  close(): Promise<void>;
}

function inThisThread<T>(reader: LineReader<T>): Lines<T> {
  return {
    read: async (chunk) => {
      reader.feed(chunk);
      return reader.takeRead();
    },
    end: async () => {
      reader.end();
      return reader.takeRead();
    },
    close: async () => undefined,
  };
}

async function replayInto<T>(
  runtime: Runtime,
  options: ReplayOptions,
  deliver: (batch: T[]) => Promise<void>,
  lines: Lines<T>,
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
        await deliver(events);
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

  const absorb = async (read: LinesRead<T>) => {
    p.read += read.read;
    p.rejected += read.dead.length;
    for (const item of read.items) batch.push(item);
    for (const letter of read.dead) dead.push(letter);
    if (batch.length >= batchSize || dead.length >= batchSize) await send();
    report();
  };

  // A few chunks are read ahead of the sends, so a parser thread is kept busy, and no more:
  // while the bus is away the input waits instead of piling up in memory.
  const ahead: Promise<LinesRead<T>>[] = [];
  try {
    for await (const chunk of options.input) {
      p.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      ahead.push(lines.read(chunk));
      if (ahead.length >= READ_AHEAD) await absorb(await ahead.shift()!);
    }
    ahead.push(lines.end());
    while (ahead.length > 0) await absorb(await ahead.shift()!);
  } finally {
    // What was read ahead of a failure is not waited for.
    for (const a of ahead) a.catch(() => undefined);
    await lines.close();
  }
  await send();
  await inFlight;
  p.done = true;
  report(true);
  p.elapsedMs = Date.now() - started;
  return p;
}
