import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact, redactQuery } from './index.js';

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const chars = (alphabet: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));
const digits = (n: number) => chars('0123456789', n, n);
const withDigit = (s: fc.Arbitrary<string>) =>
  fc.tuple(s, fc.integer({ min: 0, max: 9 })).map(([v, d]) => `${v}${d}`);

function luhnComplete(body: string): string {
  let sum = 0;
  for (let k = 0; k < body.length; k++) {
    let d = Number(body[body.length - 1 - k]);
    if (k % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** Values that must never survive redaction, whatever surrounds them. */
const SECRETS: Record<string, fc.Arbitrary<string>> = {
  email: fc
    .tuple(chars(`${ALNUM}_+-`, 1, 16), chars(ALNUM, 1, 10), chars('abcdefghijklmnopqrstuvwxyz', 2, 6))
    .map(([local, host, tld]) => `${local}@${host}.${tld}`),
  card: fc.tuple(digits(14), fc.constantFrom('', ' ', '-')).map(([body, sep]) => {
    const n = luhnComplete(`4${body}`);
    return sep ? n.match(/.{4}/g)!.join(sep) : n;
  }),
  ssn: fc
    .tuple(
      fc.integer({ min: 1, max: 899 }),
      fc.integer({ min: 1, max: 99 }),
      fc.integer({ min: 1, max: 9999 }),
    )
    .filter(([a]) => a !== 666)
    .map(
      ([a, g, s]) =>
        `${String(a).padStart(3, '0')}-${String(g).padStart(2, '0')}-${String(s).padStart(4, '0')}`,
    ),
  ipv4: fc.ipV4(),
  ipv6: fc
    .array(chars('0123456789abcdef', 4, 4), { minLength: 8, maxLength: 8 })
    .map((g) => `2001:${g.slice(1).join(':')}`),
  phone: fc
    .tuple(fc.integer({ min: 2, max: 9 }), digits(2), fc.integer({ min: 2, max: 9 }), digits(2), digits(4))
    .map(([a, b, c, d, e]) => `+1 (${a}${b}) ${c}${d}-${e}`),
  openai: withDigit(chars(ALNUM, 30, 48)).map((s) => `sk-proj-${s}`),
  aws: chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 16).map((s) => `AKIA${s}`),
  github: chars(ALNUM, 36, 36).map((s) => `ghp_${s}`),
  slack: fc.tuple(digits(12), digits(13), chars(ALNUM, 24, 24)).map(([a, b, c]) => `xoxb-${a}-${b}-${c}`),
  stripe: chars(ALNUM, 24, 24).map((s) => `sk_live_${s}`),
  jwt: fc
    .tuple(chars(ALNUM, 1, 20), fc.uint8Array({ minLength: 16, maxLength: 64 }))
    .map(
      ([sub, sig]) =>
        `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify({ sub }))}.${Buffer.from(sig).toString('base64url')}`,
    ),
  pem: fc.uint8Array({ minLength: 32, maxLength: 300 }).map(
    (b) =>
      `-----BEGIN PRIVATE KEY-----\n${Buffer.from(b)
        .toString('base64')
        .match(/.{1,64}/g)!
        .join('\n')}\n-----END PRIVATE KEY-----`,
  ),
};

/** Secrets that need their context to be recognised: the context stays, the value must go. */
const IN_CONTEXT: Record<string, fc.Arbitrary<[string, string]>> = {
  bearer: withDigit(chars(`${ALNUM}-._~+/`, 8, 40)).map((t) => [`Authorization: Bearer ${t}`, t]),
  urlPassword: chars(`${ALNUM}!$&*;`, 6, 24).map((pw) => [`https://admin:${pw}@db.example.com/x`, pw]),
  assignment: chars(`${ALNUM}!#%&*?^~`, 6, 24).map((v) => [`DB_PASSWORD=${v}`, v]),
};

/** Text around the secret: arbitrary strings, prose words and characters that start detectors. */
const surrounding = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(
      fc.constantFrom(
        'the',
        'key',
        'is',
        '@',
        ':',
        '=',
        '-',
        '+',
        '(',
        '4111',
        '12',
        '.',
        'sk-',
        'Bearer',
        '\n',
      ),
      {
        maxLength: 12,
      },
    )
    .map((w) => w.join(' ')),
);

describe('redaction properties', () => {
  it('never throws and always returns a string with counts', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 500 }), fc.string({ maxLength: 500 })),
        (s) => {
          const r = redact(s);
          expect(typeof r.text).toBe('string');
          for (const v of Object.values(r.counts)) expect(v).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  for (const [name, secret] of Object.entries(SECRETS)) {
    it(`never lets a planted ${name} through`, () => {
      fc.assert(
        fc.property(surrounding, secret, surrounding, (before, value, after) => {
          const out = redact(`${before} ${value} ${after}`).text;
          expect(out).not.toContain(value);
        }),
        { numRuns: 300 },
      );
    });
  }

  for (const [name, planted] of Object.entries(IN_CONTEXT)) {
    it(`never lets a planted ${name} through`, () => {
      fc.assert(
        fc.property(surrounding, planted, surrounding, (before, [text, value], after) => {
          const out = redact(`${before} ${text} ${after}`).text;
          expect(out).not.toContain(value);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('is idempotent: redacting redacted text changes nothing', () => {
    const mixed = fc
      .array(fc.oneof(surrounding, ...Object.values(SECRETS)), { maxLength: 8 })
      .map((parts) => parts.join(' '));
    fc.assert(
      fc.property(mixed, (s) => {
        const once = redact(s).text;
        expect(redact(once).text).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('redacts query strings without throwing, keeping parameter names', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (q) => {
        const r = redactQuery(q);
        expect(r.query.split('&').length).toBe(q === '' ? 1 : q.split('&').length);
      }),
      { numRuns: 1000 },
    );
  });

  // A quadratic pass over 1 MB would take many minutes; linear ones take well under a second each
  // (bench/ingest.ts measures them). The bound is loose so that a busy machine does not fail it.
  it('stays linear on adversarial input (1 MB of each pattern in seconds, not hours)', {
    timeout: 120_000,
  }, () => {
    const patterns = [
      'a',
      'a-',
      'a.',
      'a@',
      'x:',
      '1.',
      '1 ',
      '1-',
      '+1 ',
      'sk-',
      'SG.',
      'eyJ.',
      '-----BEGIN ',
      'Bearer ',
      'password=',
      ':a',
      'https://u:',
      'a1B2',
      'ab:',
      '::',
      '(1',
    ];
    for (const p of patterns) {
      const text = p.repeat(Math.ceil(1_000_000 / p.length));
      const t0 = process.hrtime.bigint();
      redact(text);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      expect(ms, `pattern ${JSON.stringify(p)}`).toBeLessThan(10_000);
    }
  });
});
