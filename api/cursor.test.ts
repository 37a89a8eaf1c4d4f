import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

const rejects = (cursor: string, message: string, sort = '-lastSeen') =>
  expect(() => decodeCursor(cursor, sort, true)).toThrow(
    expect.objectContaining({ status: 400, fields: [{ in: 'query', field: 'cursor', message }] }),
  );

describe('cursor', () => {
  it('round-trips the store position for the same sort', () => {
    const cursor = encodeCursor('-lastSeen', [1_764_000_000_000, 'inc-42']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, '-lastSeen', true)).toEqual([1_764_000_000_000, 'inc-42']);
  });

  it('keeps fractional scores when the sort is by score', () => {
    expect(decodeCursor(encodeCursor('score', [0.25, 'x']), 'score', false)).toEqual([0.25, 'x']);
  });

  it.each([
    ['not base64url', '!!!'],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['the wrong shape', Buffer.from(JSON.stringify({ s: '-lastSeen', a: ['x', 'y'] })).toString('base64url')],
    [
      'extra fields',
      Buffer.from(JSON.stringify({ s: '-lastSeen', a: [1, 'y'], z: 1 })).toString('base64url'),
    ],
    ['a date that is no integer', encodeCursor('-lastSeen', [1e300, 'y'])],
  ])('rejects a cursor with %s as a 400 naming cursor', (_why, cursor) => {
    rejects(cursor, 'not a cursor returned by this API');
  });

  it('rejects a cursor made for another sort order', () => {
    rejects(encodeCursor('score', [0.5, 'x']), 'made for another sort order');
  });
});
