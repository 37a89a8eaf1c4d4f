import { z } from 'zod';
import { Timestamp } from './common.js';

export const DEAD_LETTER_SCHEMA = 'gatehound.dlq.v1';

/** Largest original payload kept in a dead-letter record. */
export const MAX_DEAD_LETTER_PAYLOAD = 65_536;

/** Input that could not be processed, with the reason, so nothing bad is lost silently. */
export const DeadLetter = z
  .strictObject({
    schema: z.literal(DEAD_LETTER_SCHEMA),
    code: z.string().min(1).max(64).describe('an error code from infra/errors.ts'),
    reason: z.string().max(2048),
    stage: z.string().min(1).max(64).describe('which role rejected it: detect, respond, replay, proxy ...'),
    at: Timestamp.describe('wall-clock time of rejection'),
    source: z
      .strictObject({
        topic: z.string().nullable(),
        partition: z.number().int().nullable(),
        offset: z.string().nullable(),
        file: z.string().nullable(),
        line: z.number().int().nullable(),
      })
      .describe('where the input came from'),
    payload: z.string().max(MAX_DEAD_LETTER_PAYLOAD).describe('the original input, as text, truncated'),
    truncated: z.boolean(),
  })
  .describe('gatehound dead-letter record v1');
export type DeadLetter = z.infer<typeof DeadLetter>;
