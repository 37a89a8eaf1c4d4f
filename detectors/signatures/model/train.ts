import { BUCKET_BITS } from './features.js';
import type { Model } from './model.js';

export interface Example {
  features: Uint32Array;
  label: 0 | 1;
}

export interface TrainOptions {
  epochs?: number;
  /** L2 penalty per step. */
  lambda?: number;
  learningRate?: number;
  seed?: number;
}

/** mulberry32: a seeded generator, so the same data and seed give the same weights. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-odds of a text: counts scaled by 1/sqrt(feature count), so long texts do not saturate. */
export function margin(weights: Float32Array, bias: number, features: Uint32Array, scale = 1): number {
  let sum = 0;
  for (let i = 0; i < features.length; i++) sum += weights[features[i] as number] as number;
  return bias + (scale * sum) / Math.sqrt(Math.max(1, features.length));
}

/**
 * Logistic regression by SGD with L2, deterministic. The penalty is applied lazily through a common
 * scale factor, so a step costs the example's features, not the 2^18 weights.
 */
export function train(examples: readonly Example[], options: TrainOptions = {}): Model {
  const { epochs = 6, lambda = 1e-5, learningRate = 0.5, seed = 1 } = options;
  const next = random(seed);
  const v = new Float32Array(1 << BUCKET_BITS);
  let scale = 1;
  let bias = 0;
  const order = examples.map((_, i) => i);
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const index of order) {
      const { features, label } = examples[index] as Example;
      const rate = learningRate / Math.sqrt(1 + step++ / 1000);
      const p = 1 / (1 + Math.exp(-margin(v, bias, features, scale)));
      const gradient = p - label;
      scale *= 1 - rate * lambda;
      const delta = (rate * gradient) / Math.sqrt(Math.max(1, features.length)) / scale;
      for (let k = 0; k < features.length; k++) {
        const b = features[k] as number;
        v[b] = (v[b] as number) - delta;
      }
      bias -= rate * gradient;
    }
  }
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * scale;
  return { weights: v, bias, threshold: 0.5 };
}
