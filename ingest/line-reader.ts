import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { DeadLetterInput } from '../infra/dead-letter.js';
import type { RequestEvent } from '../schemas/request-event.js';
import { KeyIdentifier, type KeyRefMode } from './key-id.js';
import type { LineContext, LogFormat } from './log-formats/index.js';
import type { PromptOptions } from './prompt-capture.js';

/** What reading a log needs besides its format, as plain data: a worker thread gets a copy. */
export interface ReaderSettings {
  /** The file name as given ("-" for standard input): event ids and dead letters derive from it. */
  source: string;
  keyIdSecret: string | null;
  keyRefMode: KeyRefMode;
  gatewayId: string;
  prompt: PromptOptions;
  trustProxy: number;
}

/** What the lines read since the last `take()` gave. */
export interface LinesRead<T> {
  items: T[];
  dead: DeadLetterInput[];
  /** Lines read (blank lines not counted). */
  read: number;
}

/**
 * Splits a log's chunks into lines and turns each into events with its format: `take` makes of
 * each event what the destination keeps (a bus message, or the event itself). A line that cannot
 * be read becomes a dead letter with its file, line number and reason, and never stops the run.
 * Event ids derive from the input's name, first line and line number, so a replay of the same file
 * writes the same ids. Synchronous and free of I/O: it runs in the replaying thread or in a worker.
 */
export class LineReader<T> {
  private readonly ctx: LineContext;
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  private out: LinesRead<T> = { items: [], dead: [], read: 0 };

  constructor(
    private readonly format: LogFormat,
    private readonly settings: ReaderSettings,
    private readonly take: (event: RequestEvent) => T,
  ) {
    this.ctx = {
      keys: settings.keyIdSecret ? new KeyIdentifier(settings.keyIdSecret, settings.keyRefMode) : null,
      gatewayId: settings.gatewayId,
      prompt: settings.prompt,
      sourceId: '',
      line: 0,
      trustProxy: settings.trustProxy,
    };
  }

  /** Reads every complete line of the chunk; a partial last line waits for the next chunk. */
  feed(chunk: Buffer | string): void {
    const text = this.carry + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    this.carry = text.slice(start);
  }

  /** The input ended: a last line without a newline is read too. */
  end(): void {
    const rest = this.carry + this.decoder.end();
    this.carry = '';
    if (rest !== '') this.line(rest);
  }

  /** What was read since the last call. */
  takeRead(): LinesRead<T> {
    const out = this.out;
    this.out = { items: [], dead: [], read: 0 };
    return out;
  }

  private line(raw: string): void {
    const { ctx, out } = this;
    ctx.line++;
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    if (ctx.sourceId === '') ctx.sourceId = sourceId(this.settings.source, line);
    out.read++;
    let results: ReturnType<LogFormat['parse']>;
    try {
      results = this.format.parse(line, ctx);
    } catch (err) {
      results = [
        { ok: false, code: 'EVENT_INVALID', reason: `could not read the line: ${(err as Error).message}` },
      ];
    }
    for (const r of results) {
      if (r.ok) out.items.push(this.take(r.event));
      else
        out.dead.push({
          code: r.code,
          reason: r.reason,
          payload: line,
          source: { file: this.settings.source, line: ctx.line },
        });
    }
  }
}

/** Names the input for event ids: its file name and first line (so two files named alike differ). */
function sourceId(source: string, firstLine: string): string {
  const h = createHash('sha256').update(basename(source)).update('\n').update(firstLine).digest('hex');
  return `r${h.slice(0, 15)}`;
}
