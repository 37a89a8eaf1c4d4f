export interface Model {
  weights: Float32Array;
  bias: number;
  /** Probability at or above which a text is flagged. */
  threshold: number;
}
