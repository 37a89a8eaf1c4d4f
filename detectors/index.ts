/** The detect stage's public API: what the CLI, the demo and the benchmarks use. */
export type { AnyDetectorSpec, DetectorSpec, Stage, Verdict } from './detector.js';
export { Engine } from './engine.js';
export { type LabelledAttack, scoreDetections, type TypeScore } from './evaluate.js';
export type { Scanner, ScanResult } from './injection.js';
export { detectOffline, OfflineDetector } from './offline.js';
export { detectorRegistry } from './registry.js';
export { signatureScanner } from './signature-scanner.js';
export { type DetectorWorkerOptions, startDetector } from './worker.js';
