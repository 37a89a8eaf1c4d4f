import { z } from 'zod';
import type { EnvTable } from './env.js';

/** Detector workers: thresholds, windows, state bounds. */
export const DetectorsConfig = z.strictObject({});

export const DETECTORS_ENV: EnvTable = {};
