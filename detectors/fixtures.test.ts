import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { severityRank } from '../schemas/common.js';
import { DetectorsConfig } from '../schemas/config/detectors.js';
import { Finding } from '../schemas/finding.js';
import { overrideScanner } from '../test/helpers/override-scanner.js';
import { generateTraffic, keyIdFor, type TrafficGroup } from '../test/helpers/traffic.js';
import { Engine } from './engine.js';
import { detectorRegistry } from './registry.js';

const dir = fileURLToPath(new URL('./testdata', import.meta.url));

interface Fixture {
  description: string;
  config?: unknown;
  traffic: TrafficGroup[];
  expect: { detector: string; subject: string; severity: string }[];
}

/** Runs both stages as the worker does and reports the worst severity per detector and subject. */
function run(fixture: Fixture): { detector: string; subject: string; severity: string }[] {
  const config = DetectorsConfig.parse(fixture.config ?? {});
  const specs = detectorRegistry(overrideScanner);
  const stages = [new Engine('key', specs, config), new Engine('ip', specs, config)];
  const worst = new Map<string, Finding>();
  for (const event of generateTraffic(fixture.traffic)) {
    for (const engine of stages) {
      const res = engine.observe(event);
      if (res.late) continue;
      for (const f of res.findings) {
        Finding.parse(f);
        const k = `${f.detector} ${f.subject.kind}:${f.subject.id}`;
        const prev = worst.get(k);
        if (!prev || severityRank(f.severity) > severityRank(prev.severity)) worst.set(k, f);
      }
    }
  }
  return [...worst.values()].map((f) => ({
    detector: f.detector,
    subject: `${f.subject.kind}:${f.subject.id}`,
    severity: f.severity,
  }));
}

/** Fixtures name keys by alias; findings carry key ids. */
function resolveSubject(subject: string): string {
  return subject.startsWith('key:') ? `key:${keyIdFor(subject.slice(4))}` : subject;
}

describe('detector fixtures (testdata/*.yaml): events in, findings out', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const fixture = parse(readFileSync(join(dir, file), 'utf8')) as Fixture;
    it(`${file.replace('.yaml', '')}: ${fixture.description}`, () => {
      const got = run(fixture).sort((a, b) => (a.detector + a.subject).localeCompare(b.detector + b.subject));
      const want = fixture.expect
        .map((e) => ({ ...e, subject: resolveSubject(e.subject) }))
        .sort((a, b) => (a.detector + a.subject).localeCompare(b.detector + b.subject));
      expect(got).toEqual(want);
    });
  }
});
