import type { DetectorName } from '../schemas/common.js';
import { DetectorsConfig } from '../schemas/config/detectors.js';
import type { Finding } from '../schemas/finding.js';
import { simulate } from '../simulator/index.js';
import { scoreDetections, type TypeScore } from './evaluate.js';
import { detectOffline } from './offline.js';
import { detectorRegistry } from './registry.js';
import { signatureScanner } from './signature-scanner.js';
import { ANY_TEXT_PLACES, evaluate, type Rates, scan, THRESHOLD } from './signatures/index.js';

export interface EvalResult {
  events: number;
  attacks: number;
  detection: Record<DetectorName, TypeScore>;
  signatures: Record<string, Rates>;
}

/** Runs the simulator for each seed through the detectors with default settings, and the pack on the dev sets. */
export function evaluateScenarios(
  seeds: number[],
  devSet: (name: string) => { text: string; label: number; category?: string }[] | null,
): EvalResult {
  const config = DetectorsConfig.parse({});
  const specs = detectorRegistry(signatureScanner(config.injection));
  const findings: Finding[] = [];
  const attacks = [];
  let events = 0;
  for (const seed of seeds) {
    const run = simulate({ seed });
    events += run.events.length;
    for (const f of detectOffline(run.events, specs, config)) findings.push(f);
    attacks.push(...run.truth.attacks.map((a) => ({ ...a, id: `${seed}:${a.id}` })));
  }
  const signatures: Record<string, Rates> = {};
  for (const file of ['injection-dev.jsonl', 'web-attacks-dev.jsonl']) {
    const records = devSet(file);
    if (!records) continue;
    const scored = records.map((r) => ({
      label: r.label === 1 ? (1 as const) : (0 as const),
      category: r.category,
      flagged: scan(r.text, ANY_TEXT_PLACES).score >= THRESHOLD,
    }));
    signatures[file] = evaluate(scored).overall;
  }
  return { events, attacks: attacks.length, detection: scoreDetections(findings, attacks), signatures };
}
