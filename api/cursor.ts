import { z } from 'zod';
import type { SortValue } from '../infra/store/store.js';
import { ApiError } from './errors.js';

/** Every sort the API offers is one numeric field (dates sort as epoch ms) with the id as tie-breaker. */
const Position = z.strictObject({
  s: z.string().min(1).max(32),
  a: z.tuple([z.number().finite(), z.string().min(1).max(128)]),
});

const BASE64URL = /^[A-Za-z0-9_-]{1,1024}$/;

/** The store's `next` sort values, wrapped so clients treat them as opaque and bound to one sort. */
export function encodeCursor(sort: string, after: SortValue[]): string {
  return Buffer.from(JSON.stringify({ s: sort, a: after }), 'utf8').toString('base64url');
}

/**
 * The sort values a cursor stands for. A cursor that is not ours, or was made for another sort, is a
 * 400 naming `cursor`; values are checked here so a forged cursor can never reach OpenSearch as a bad query.
 */
export function decodeCursor(cursor: string, sort: string, integer: boolean): SortValue[] {
  const bad = (why: string) =>
    new ApiError('invalid_request', `invalid request: cursor: ${why}`, [
      { in: 'query', field: 'cursor', message: why },
    ]);
  if (!BASE64URL.test(cursor)) throw bad('not a cursor returned by this API');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad('not a cursor returned by this API');
  }
  const parsed = Position.safeParse(decoded);
  if (!parsed.success) throw bad('not a cursor returned by this API');
  if (parsed.data.s !== sort) throw bad('made for another sort order');
  if (integer && !Number.isSafeInteger(parsed.data.a[0])) throw bad('not a cursor returned by this API');
  return parsed.data.a;
}
