import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLogTime, parseIsoTime, parseTimeLocal } from './time.js';

/** What formatLogTime must write: Date's own ISO form, moved to the offset and suffixed with it. */
function reference(ms: number, offset: number): string {
  if (offset === 0) return new Date(ms).toISOString();
  const a = Math.abs(offset);
  const hh = String(Math.floor(a / 60)).padStart(2, '0');
  const mm = String(a % 60).padStart(2, '0');
  return `${new Date(ms + offset * 60_000).toISOString().slice(0, -1)}${offset < 0 ? '-' : '+'}${hh}:${mm}`;
}

const offset = fc.oneof(
  fc.constantFrom(0, -0, 60, -420, 330, 345, -720, 840),
  fc.integer({ min: -6000, max: 6000 }),
);
// Times around day boundaries and far from 1970 in both directions, in any order: the formatter's
// per-day cache must never carry one day into another.
const ms = fc.oneof(
  fc.integer({ min: -62_198_755_200_000, max: 253_402_300_799_999 }),
  fc
    .integer({ min: -3, max: 3 })
    .chain((d) => fc.integer({ min: -2, max: 2 }).map((k) => d * 86_400_000 + k)),
  fc.double({ min: 0, max: 2e12, noNaN: true }),
);

describe('log times', () => {
  it('formats every time as Date would, whatever came before', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(ms, offset), { minLength: 1, maxLength: 8 }), (times) => {
        for (const [t, o] of times) expect(formatLogTime({ ms: t, offset: o })).toBe(reference(t, o));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an invalid time as Date does', () => {
    expect(() => formatLogTime({ ms: Number.NaN, offset: 0 })).toThrow(RangeError);
    expect(() => formatLogTime({ ms: 8.64e15 + 1, offset: 0 })).toThrow(RangeError);
    expect(() => formatLogTime({ ms: 8.64e15, offset: 60 })).toThrow(RangeError);
    expect(formatLogTime({ ms: 8.64e15, offset: 0 })).toBe(new Date(8.64e15).toISOString());
  });

  it('reads what it writes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.integer({ min: -720, max: 840 }),
        (t, o) => {
          expect(parseIsoTime(formatLogTime({ ms: t, offset: o }))).toEqual({
            ms: t,
            offset: o === 0 ? 0 : o,
          });
        },
      ),
    );
  });

  it('reads $time_local and refuses anything not in its shape', () => {
    expect(parseTimeLocal('10/Oct/2000:13:55:36 -0700')).toEqual({
      ms: Date.UTC(2000, 9, 10, 20, 55, 36),
      offset: -420,
    });
    for (const bad of [
      '10/Oct/2000:13:55:36 0700',
      'x0/Oct/2000:13:55:36 -0700',
      '10/Oct/2000:1x:55:36 -0700',
      '10/Oct/2000:13:55:3x -0700',
      '10/Oct/2x00:13:55:36 -0700',
      '10/Oct/2000:13:55:36 -07x0',
      '00/Oct/2000:13:55:36 -0700',
      '10/Oct/2000:24:55:36 -0700',
      '10/Okt/2000:13:55:36 -0700',
    ])
      expect(parseTimeLocal(bad), bad).toBeNull();
  });
});
