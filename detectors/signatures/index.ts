/** The public API of the injection-signature pack, for the injection detector and the CLI. */
export { type Evaluation, evaluate, type Rates, type Scored } from './evaluate.js';
export { builtinPack, type LoadPackOptions, loadPack, type Pack, type Signature } from './pack.js';
export { type Hit, type ScanResult, scan, THRESHOLD } from './scan.js';
export { ANY_TEXT_PLACES, WEB_CATEGORIES, WHERE_PLACES, type Where } from './schema.js';
