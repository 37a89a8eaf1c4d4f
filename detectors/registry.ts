import { authFailureBurstByIp, authFailureBurstByKey } from './auth-failure-burst.js';
import type { AnyDetectorSpec } from './detector.js';
import { injectionDetector, type Scanner } from './injection.js';
import { probingByIp, probingByKey } from './probing.js';
import { volumeSpikeByIp, volumeSpikeByKey } from './volume-spike.js';

/** Every detector, in both stages where it applies. The injection detector needs the signature scanner. */
export function detectorRegistry(scanner: Scanner): AnyDetectorSpec[] {
  return [
    volumeSpikeByKey,
    volumeSpikeByIp,
    probingByKey,
    probingByIp,
    authFailureBurstByKey,
    authFailureBurstByIp,
    injectionDetector(scanner),
  ];
}
