import { DEAD_LETTER_SCHEMA, type DeadLetter, MAX_DEAD_LETTER_PAYLOAD } from '../schemas/dead-letter.js';
import type { Bus } from './bus/index.js';
import type { Clock } from './clock.js';
import type { ErrorCode } from './errors.js';
import type { Metrics, Role } from './metrics.js';

export interface DeadLetterInput {
  code: ErrorCode;
  reason: string;
  payload: Buffer | string | null;
  source: Partial<DeadLetter['source']>;
}

/** Builds the record for input that could not be processed; the original is kept, truncated, as text. */
export function deadLetterRecord(role: Role, input: DeadLetterInput, clock: Clock): DeadLetter {
  const text =
    input.payload === null
      ? ''
      : typeof input.payload === 'string'
        ? input.payload
        : input.payload.toString('utf8');
  const truncated = text.length > MAX_DEAD_LETTER_PAYLOAD;
  return {
    schema: DEAD_LETTER_SCHEMA,
    code: input.code,
    reason: input.reason.slice(0, 2048),
    stage: role,
    at: new Date(clock.now()).toISOString(),
    source: { topic: null, partition: null, offset: null, file: null, line: null, ...input.source },
    payload: truncated ? text.slice(0, MAX_DEAD_LETTER_PAYLOAD) : text,
    truncated,
  };
}

/** Sends dead letters and counts them; resolves once the bus has acknowledged them. */
export class DeadLetterWriter {
  constructor(
    private readonly bus: Bus,
    private readonly topic: string,
    private readonly role: Role,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async write(inputs: DeadLetterInput[]): Promise<void> {
    if (inputs.length === 0) return;
    const records = inputs.map((i) => deadLetterRecord(this.role, i, this.clock));
    await this.bus.send(
      this.topic,
      records.map((r) => ({ key: null, value: JSON.stringify(r), headers: { 'gatehound-code': r.code } })),
    );
    for (const r of records) this.metrics.deadLettered.inc({ role: this.role, code: r.code });
  }
}
