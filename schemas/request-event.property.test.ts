import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { event, eventOf } from '../test/helpers/event-arbitraries.js';
import { requestEvent } from '../test/helpers/events.js';
import { RequestEvent } from './request-event.js';
import { describeIssues } from './validate.js';

/** A clone of a compiled schema is built from its definition: zod's runtime parser, the reference. */
const runtime = RequestEvent.clone();

/** The objects of an event a change can land in (prompt.redactions is a record, the rest strict). */
const PLACES: string[][] = [
  [],
  ['client'],
  ['key'],
  ['http'],
  ['ai'],
  ['prompt'],
  ['prompt', 'redactions'],
  ['gateway'],
];

/** The fields `event` varies; taking a few of them into a valid event keeps about a third of the events valid. */
const FIELDS = [
  ['id'],
  ['ts'],
  ['durationMs'],
  ['client', 'ip'],
  ['client', 'userAgent'],
  ['key'],
  ['http', 'method'],
  ['http', 'path'],
  ['http', 'query'],
  ['http', 'status'],
  ['http', 'requestBytes'],
  ['http', 'responseBytes'],
  ['ai'],
  ['prompt'],
  ['gateway', 'id'],
  ['gateway', 'outcome'],
];

const mostlyValid = fc
  .tuple(event, fc.subarray(FIELDS, { minLength: 1, maxLength: 2 }))
  .map(([v, fields]) => {
    const from = eventOf(v) as unknown as Record<string, Record<string, unknown>>;
    const into = structuredClone(requestEvent()) as unknown as Record<string, Record<string, unknown>>;
    for (const [a, b] of fields as [string, string?][])
      if (b === undefined) into[a] = from[a]!;
      else into[a]![b] = from[a]![b];
    return into;
  });

interface Change {
  place: string[];
  kind: 'add' | 'delete' | 'replace';
  key: string;
  pick: number;
  value: unknown;
}

const change: fc.Arbitrary<Change> = fc.record({
  place: fc.constantFrom(...PLACES),
  kind: fc.constantFrom<Change['kind']>('add', 'delete', 'replace'),
  // Own keys that look like inherited ones too: a check by `in` or by property access would miss them.
  key: fc.constantFrom('extra', '__proto__', 'constructor', 'toString', 'email'),
  pick: fc.nat(),
  value: fc.oneof(fc.anything(), fc.jsonValue()),
});

function applyChange(root: unknown, c: Change): void {
  let target = root as Record<string, unknown> | null;
  for (const step of c.place) target = (target?.[step] ?? null) as Record<string, unknown> | null;
  if (target === null || typeof target !== 'object') return;
  const keys = Object.keys(target);
  const existing = keys[c.pick % Math.max(1, keys.length)];
  if (c.kind === 'delete' && existing !== undefined) delete target[existing];
  else {
    const key = c.kind === 'replace' && existing !== undefined ? existing : c.key;
    Object.defineProperty(target, key, {
      value: c.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
}

function expectSameVerdict(input: unknown): void {
  const compiled = RequestEvent.safeParse(input);
  const reference = runtime.safeParse(input);
  expect(compiled.success).toBe(reference.success);
  if (compiled.success && reference.success) expect(compiled.data).toStrictEqual(reference.data);
  if (!compiled.success && !reference.success)
    expect(describeIssues(compiled.error.issues)).toBe(describeIssues(reference.error.issues));
}

describe('the compiled RequestEvent schema', () => {
  it('is compiled: the compiler takes the whole schema', () => {
    expect(() => z.compile(runtime, { strict: true })).not.toThrow();
  });

  it('agrees with the runtime parser on every field, at and around its limits', () => {
    fc.assert(fc.property(mostlyValid, expectSameVerdict), { numRuns: 10_000 });
  });

  it('agrees on unknown, missing and mistyped fields anywhere, and on values that are no event', () => {
    fc.assert(
      fc.property(mostlyValid, fc.array(change, { minLength: 1, maxLength: 3 }), (e, changes) => {
        for (const c of changes) applyChange(e, c);
        expectSameVerdict(e);
      }),
      { numRuns: 5000 },
    );
    fc.assert(fc.property(fc.anything(), expectSameVerdict), { numRuns: 2000 });
  });
});
