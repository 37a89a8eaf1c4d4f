import type { DetectorsConfig } from '../schemas/config/detectors.js';
import type { Scanner } from './injection.js';
import { builtinPack, loadPack, scan, THRESHOLD } from './signatures/index.js';

/** The injection detector's view of the signature pack: the built-in one, or the operator's merged in. */
export function signatureScanner(config: DetectorsConfig['injection']): Scanner {
  const pack = config.packFile ? loadPack({ file: config.packFile }) : builtinPack();
  return { threshold: THRESHOLD, scan: (text, where) => scan(text, where, pack) };
}
