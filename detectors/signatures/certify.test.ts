import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { certify, confirm, patternHash, relaxBoundedRepeats, toJsSource } from './certify.js';
import { builtinPack, builtinPackDir, loadPack, readCertificate } from './pack.js';

const certificate = readCertificate(builtinPackDir());
const pack = builtinPack();

describe('toJsSource', () => {
  it('spells escaped punctuation that JS rejects in u mode as \\u escapes', () => {
    expect(toJsSource("don\\'t\\-stop")).toBe('don\\u{27}t\\u{2d}stop');
    expect(toJsSource('[\\-a]')).toBe('[\\-a]');
  });

  it.each(['\\pL', 'a\\z', '\\Qa.b\\E', '(?i)abc', '[[:alpha:]]', '\\x{41}', '[]a]', '(?P<n>a)'])(
    'refuses the RE2-only construct %s',
    (pattern) => {
      expect(toJsSource(pattern)).toBeNull();
    },
  );
});

describe('relaxBoundedRepeats', () => {
  it('relaxes {m,n} outside classes, or only after groups', () => {
    expect(relaxBoundedRepeats('a{1,5}[{1,2}](?:b){0,3}\\{2,3}')).toBe('a{1,}[{1,2}](?:b){0,}\\{2,3}');
    expect(relaxBoundedRepeats('a{1,5}(?:b){0,3}', true)).toBe('a{1,5}(?:b){0,}');
  });
});

describe('certify', () => {
  it('certifies linear patterns for V8', () => {
    expect(certify('\\bignore\\s+previous\\b').engine).toBe('v8');
    expect(certify('\\bignore\\b[^.\\n]{0,40}\\binstructions\\b').engine).toBe('v8');
  });

  it.each(['(a+)+$', '^(a|a)*$', '\\s+x', '(?:a|a){0,30}b', 'x(?:\\w+\\s?){1,6}y'])(
    'keeps the super-linear pattern %s on re2js',
    (pattern) => {
      expect(certify(pattern).engine).toBe('re2');
    },
  );
});

describe('the built-in pack certificate (pack/certified.json)', () => {
  it('has an entry for every built-in pattern (else run: gatehound signatures certify --write)', () => {
    const missing = pack.signatures.filter((s) => certificate.patterns[patternHash(s.pattern)] === undefined);
    expect(missing.map((s) => s.id)).toEqual([]);
  });

  it('has no stale entries', () => {
    const hashes = new Set(pack.signatures.map((s) => patternHash(s.pattern)));
    const stale = Object.entries(certificate.patterns).filter(([hash]) => !hashes.has(hash));
    expect(stale.map(([, e]) => e.id)).toEqual([]);
  });

  it('runs exactly the certified patterns on V8', () => {
    for (const s of pack.signatures)
      expect(s.engine, s.id).toBe(certificate.patterns[patternHash(s.pattern)]?.engine);
  });

  it('is confirmed by recheck for every pattern it sends to V8', () => {
    for (const s of pack.signatures.filter((x) => x.engine !== 're2')) {
      const verdict = certificate.patterns[patternHash(s.pattern)];
      expect(verdict && confirm(s.pattern, verdict, 30_000), s.id).toBe(true);
    }
  }, 600_000);
});

describe("an operator's pack", () => {
  it('is certified at load; an uncertified pattern runs on re2js with a warning', () => {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'gatehound-pack-'));
    const file = path.join(dir, 'own.yaml');
    fs.writeFileSync(
      file,
      [
        'category: operator',
        'signatures:',
        "  - {id: own.linear, pattern: '\\bbluebird\\s+project\\b', weight: 0.9, description: d}",
        "  - {id: own.nested, pattern: '(?:a+)+$', weight: 0.9, description: d}",
        '',
      ].join('\n'),
    );
    const warnings: string[] = [];
    const own = loadPack({ file, mode: 'replace', onUncertified: (m) => warnings.push(m) });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(Object.fromEntries(own.signatures.map((s) => [s.id, s.engine]))).toEqual({
      'own.linear': 'v8',
      'own.nested': 're2',
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"own.nested"');
    expect(
      own.signatures.every(
        (s) => s.test('x bluebird project aaa') === s.regex.test('x bluebird project aaa'),
      ),
    ).toBe(true);
  });
});

describe('V8 and re2js agree on every certified pattern', () => {
  const file = new URL('../../../shared/data/injection-dev.jsonl', import.meta.url);
  const web = new URL('../../../shared/data/web-attacks-dev.jsonl', import.meta.url);
  // ../shared/data is beside every clone, CI included (the task says so): a missing file fails, never skips.
  it('on the normalised views of the development sets', async () => {
    const { normalizePrompt, normalizeWeb } = await import('./normalize.js');
    const texts = [file, web].flatMap((u) =>
      fs
        .readFileSync(u, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { text: string }).text),
    );
    // Every 7th text keeps this test short; the views are what signatures read.
    const views = texts
      .filter((_, i) => i % 7 === 0)
      .map((t) => [normalizePrompt(t), normalizeWeb(t)] as const);
    const disagreements: string[] = [];
    for (const s of pack.signatures.filter((x) => x.engine !== 're2'))
      for (const [prompt, webView] of views) {
        const text = s.view === 'prompt' ? prompt : webView;
        if (s.test(text) !== s.regex.test(text)) disagreements.push(`${s.id}: ${text.slice(0, 80)}`);
      }
    expect(disagreements).toEqual([]);
  }, 600_000);
});
