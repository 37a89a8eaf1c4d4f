import { describe, expect, it } from 'vitest';
import { redact } from './index.js';
import type { RedactionType } from './types.js';

/**
 * The corpus: for each type, texts that must be redacted (the secret is the part in «»), and near
 * misses that must come out unchanged. A case is one line of prose around the value, as in a prompt.
 */
const POSITIVES: Record<RedactionType, string[]> = {
  email: [
    'write to «john.doe@example.com» today',
    'cc «a@b.co»',
    '<«first.last+tag@sub.mail.example.org»>',
    'Mail: «o_brien%x@example.co.uk».',
    '"email":"«USER@EXAMPLE.COM»"',
  ],
  phone: [
    'call «+1 (415) 555-0100» now',
    'call «+14155550100»',
    'tel «(415) 555-0100»',
    'tel «415-555-0100»',
    'tel «415.555.0100».',
    'tel «1-800-555-0199»',
    // Two characters between the first groups: the scan used to pass over the first as a plain number.
    'tel «415 -555-0100»',
    'tel «415 .555.0100» now',
    'UK «+44 20 7946 0958»',
    'London «020 7946 0958»',
    'Paris «06 12 34 56 78»',
    'Berlin «030-1234-5678»',
  ],
  card: [
    'card «4111 1111 1111 1111» exp',
    'card «4111111111111111»',
    'amex «3782 822463 10005»',
    'mc «5555-5555-5555-4444»',
    'mc2 «2223003122003222»',
    'discover «6011111111111117».',
    'visa19 «4000 0000 0000 0000 006»',
  ],
  national_id: [
    'SSN «123-45-6789»',
    'SSN «123 45 6789»',
    'SIN «046 454 286»',
    'SIN «046-454-286»',
    'CPF «111.444.777-35»',
    'Aadhaar «2345 6789 0124»',
    'DNI «12345678Z»',
    'DNI «12345678-Z»',
    'NIE «X1234567L»',
    'NINO «AB123456C»',
    'NINO «AB 12 34 56 C»',
  ],
  ip: [
    'from «203.0.113.7» today',
    'host=«10.0.0.1»',
    'server:«192.168.1.254»',
    'v6 «2001:db8::ff00:42:8329»',
    'v6 «fe80::1ff:fe23:4567:890a».',
    'loopback «::1»',
    'full «2001:0db8:85a3:0000:0000:8a2e:0370:7334»',
    'mapped «::ffff:192.0.2.1»',
  ],
  api_key: [
    'key «sk-proj-AbCdEf1234567890AbCdEf1234567890»',
    'OPENAI «sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD»',
    'anthropic «sk-ant-api03-AbCdEfGh12345678_IjKlMnOp-QrStUvWx»',
    'aws «AKIAIOSFODNN7EXAMPLE»',
    'aws «ASIAY34FZKBOKMUTVV7A»',
    'gh «ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789»',
    'gh «github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz»',
    'slack «xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx»',
    'google «AIzaSyA1234567890abcdefghijklmnopqrstuv»',
    'stripe «sk_live_4eC39HqLyjWDarjtT1zdp7dc»',
    'stripe «rk_test_51H8abcdEFGH1234ijkl»',
    'hook «whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw»',
    'gitlab «glpat-xxxxxxxxxxxxxxxx1234»',
    'hf «hf_abcdefghijklmnopqrstuvwxyzABCDEFGH»',
    '(«sk-proj-AbCdEf1234567890AbCdEf1234567890»)',
  ],
  bearer_token: [
    'Authorization: Bearer «abc123DEF456ghi789»',
    'authorization: bearer «0123456789abcdef»',
    '-H "Authorization: Bearer «sess_AbCdEfGh»"',
    'Bearer «mF_9.B5f-4.1JqM».',
  ],
  jwt: [
    'token «eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U»',
    'unsigned «eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.» ok',
  ],
  private_key: [
    '«-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----» done',
    '«-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----»',
    '«-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n-----END OPENSSH PRIVATE KEY-----»',
    // A truncated paste: everything after the header is key material.
    '«-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIr (truncated paste»',
  ],
  password: [
    'db https://admin:«s3cr3t»@db.example.com:5432/x',
    'redis://:«hunter2pw»@cache.internal:6379',
    'postgres://app:«p%40ss»@db-1.internal.example.com/db',
  ],
  secret: [
    'export DB_PASSWORD=«hunter2»',
    '"client_secret": "«abc»"',
    'password: «hunter22»',
    'AWS_SECRET_ACCESS_KEY=«wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY»',
    'secret «wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY» here',
    'hex «a94a8fe5ccb19ba61c4c0873d391e987982fbbd3»',
    'random «Zx8Qp2Lm9Vt4Rk7Wn1Hs6Jd3Fb5Gc0Ye»',
    'api_token = «8f14e45fceea167a5a36dedd4bea2543»',
    // Its only digits a short number by a base64 symbol, at the end of a sentence or the text.
    'token «QwErTyUiOpAsDfGhJkLz_12».',
    'token «12+QwErTyUiOpAsDfGhJkLz»',
  ],
};

/** Near misses: each must come out unchanged. */
const NEGATIVES: Record<RedactionType, string[]> = {
  email: ['user@localhost', '@handle said hi', 'a@b.c', 'name at example dot com', 'foo@bar', 'x@-bad.com'],
  phone: [
    'order 4155550100 shipped',
    'call 555-0100',
    'on 2024-01-15 at 12:30:45',
    'version 1.2.3',
    'pop 1 000 000',
    'area 123-456-7890 has 1 as the area code',
    '+123',
  ],
  card: [
    'card 4111 1111 1111 1112',
    '4111 1111 1111',
    '9111111111111111119',
    '41111111111111111111111',
    '1234 5678 9012 3456',
  ],
  national_id: [
    'SSN 000-12-3456',
    'SSN 666-12-3456',
    'SSN 900-12-3456',
    'SSN 123-00-4567',
    'number 123456789',
    'CPF 111.444.777-36',
    'DNI 12345678A',
    'NINO QQ123456C',
    'NINO AB123456E',
    'SIN 046 454 287',
  ],
  ip: [
    'version 1.2.3.4.5',
    'v 999.1.1.1',
    'at 12:30:45',
    'std::vector and Foo::Bar',
    'a::b and add::cafe',
    'ratio 1.2.3',
  ],
  api_key: [
    'use sk-learn for ml',
    'sk-short12',
    'the AKIA prefix',
    'ghp_tooShort123',
    'task-force-alpha',
    'AKIAIOSFODNN7EXAMPLEX',
  ],
  bearer_token: [
    'The bearer of bad news.',
    'Bearer authentication is simple',
    'Bearer Token',
    'bearer: none',
  ],
  jwt: ['eyJust kidding', 'eyJhbGciOiJIUzI1NiJ9 alone', 'eyJa.eyJb'],
  private_key: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', '-----BEGIN PUBLIC KEY-----'],
  password: ['https://example.com:8080/path', 'mailto:john', 'ftp://anonymous@'],
  secret: [
    'Token: see below',
    'password: <your password>',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell reference, as pasted
    'password=${DB_PASSWORD}',
    'the key is patience',
    'id 550e8400-e29b-41d4-a716-446655440000',
    'src/components/Button2Component/index.tsx',
    'internationalization2localization',
    'my-component-v2-final-release-2024',
    'getUserByIdAndTimestamp2',
    'hex 0123abcd',
  ],
};

function expected(marked: string, type: RedactionType): { input: string; output: string; secret: string } {
  const parts = marked.split(/«|»/);
  const placeholder = `[${type.toUpperCase()}]`;
  return {
    input: parts.join(''),
    output: parts.map((p, k) => (k % 2 === 1 ? placeholder : p)).join(''),
    secret: parts[1]!,
  };
}

describe('redaction corpus', () => {
  for (const [type, cases] of Object.entries(POSITIVES) as [RedactionType, string[]][]) {
    describe(type, () => {
      for (const marked of cases) {
        const { input, output } = expected(marked, type);
        it(`redacts ${JSON.stringify(input)}`, () => {
          const r = redact(input);
          expect(r.text).toBe(output);
          expect(r.counts).toEqual({ [type]: 1 });
        });
      }
      for (const text of NEGATIVES[type]) {
        it(`leaves ${JSON.stringify(text)}`, () => {
          expect(redact(text)).toEqual({ text, counts: {} });
        });
      }
    });
  }

  it('counts several of a kind and several kinds in one text', () => {
    const r = redact('a@example.com, b@example.org and 203.0.113.7 or 198.51.100.1, card 4111111111111111');
    expect(r.text).toBe('[EMAIL], [EMAIL] and [IP] or [IP], card [CARD]');
    expect(r.counts).toEqual({ email: 2, ip: 2, card: 1 });
  });

  it('keeps the user name of a URL and redacts a token used as one', () => {
    expect(redact('https://ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789:x-oauth-basic@github.com/o/r').text).toBe(
      'https://[API_KEY]:[PASSWORD]@github.com/o/r',
    );
  });

  it('leaves text without anything to redact as the same string', () => {
    const text = 'Summarise the attached quarterly report in three bullet points, please.';
    expect(redact(text).text).toBe(text);
  });

  it('is idempotent: placeholders are never redacted again', () => {
    const once = redact(
      'mail a@b.co, key sk-proj-AbCdEf1234567890AbCdEf1234567890, Bearer abc123DEF456ghi789, password=x',
    );
    expect(redact(once.text)).toEqual({ text: once.text, counts: {} });
  });
});
