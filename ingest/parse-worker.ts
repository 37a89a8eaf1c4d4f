import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { OutgoingMessage } from '../infra/bus/index.js';
import { eventMessage } from './emitter.js';
import { LineReader, type LinesRead, type ReaderSettings } from './line-reader.js';
import { type LogFormat, logFormat } from './log-formats/index.js';

/** Marks the worker threads this module starts, so the module runs as one only in them. */
const ROLE = 'gatehound-replay-parser';

interface Setup {
  role: typeof ROLE;
  format: { name: string; options?: LogFormat['options'] };
  settings: ReaderSettings;
}

type Request = { chunk: Uint8Array | string } | { end: true };
type Reply = { ok: true; read: LinesRead<OutgoingMessage> } | { ok: false; message: string };

/**
 * Reads a log's lines into bus messages in a worker thread, so parsing, redacting and serialising
 * run beside the replaying thread's producing: on two cores the replay's CPU is split in about
 * halves. Chunks are read in the order given and each `read()` resolves with what its chunk's
 * complete lines gave, in that order.
 */
export class ParseWorker {
  private readonly worker: Worker;
  private readonly waiting: {
    resolve: (r: LinesRead<OutgoingMessage>) => void;
    reject: (e: Error) => void;
  }[] = [];
  private failure: Error | null = null;

  constructor(format: LogFormat, settings: ReaderSettings) {
    const setup: Setup = { role: ROLE, format: { name: format.name, options: format.options }, settings };
    this.worker = new Worker(new URL(import.meta.url), { workerData: setup });
    this.worker.on('message', (reply: Reply) => {
      const next = this.waiting.shift();
      if (reply.ok) next?.resolve(reply.read);
      else this.fail(new Error(`the parser thread failed: ${reply.message}`), next);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the parser thread exited (code ${code})`)));
  }

  /** The messages and dead letters of the chunk's complete lines. */
  read(chunk: Buffer | string): Promise<LinesRead<OutgoingMessage>> {
    return this.ask({ chunk });
  }

  /** The input ended: what its last line gave. */
  end(): Promise<LinesRead<OutgoingMessage>> {
    return this.ask({ end: true });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private ask(request: Request): Promise<LinesRead<OutgoingMessage>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(request);
    });
  }

  private fail(err: Error, first?: { reject: (e: Error) => void }): void {
    this.failure ??= err;
    first?.reject(err);
    for (const w of this.waiting.splice(0)) w.reject(err);
  }
}

if (!isMainThread && (workerData as Setup | undefined)?.role === ROLE) {
  const { format, settings } = workerData as Setup;
  const reader = new LineReader(logFormat(format.name, format.options), settings, eventMessage);
  parentPort!.on('message', (request: Request) => {
    let reply: Reply;
    try {
      if ('end' in request) reader.end();
      else reader.feed(typeof request.chunk === 'string' ? request.chunk : Buffer.from(request.chunk));
      reply = { ok: true, read: reader.takeRead() };
    } catch (err) {
      reply = { ok: false, message: (err as Error).message };
    }
    parentPort!.postMessage(reply);
  });
}
