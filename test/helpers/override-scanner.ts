import type { Scanner } from '../../detectors/injection.js';

/** A stand-in for the signature pack in detector tests: they test the detector, not the pack. */
export const overrideScanner: Scanner = {
  threshold: 0.5,
  scan: (text) =>
    /ignore (all )?previous instructions/i.test(text)
      ? { score: 0.9, hits: [{ id: 'test.override', category: 'instruction-override', weight: 0.9 }] }
      : { score: 0, hits: [] },
};
