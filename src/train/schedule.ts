// Learning-rate warm-up, per step: Vaswani et al.'s schedule, scaled so that its peak is the configured rate.

/**
 * The factor the base learning rate is multiplied by at 1-based step s with `warmup` steps:
 *   f(s) = min(s / warmup, √(warmup / s))
 * rising linearly to 1 at s = warmup, then decaying as 1/√s. Vaswani et al. (2017, §5.3) use
 *   lr(s) = d^−0.5 · min(s^−0.5, s · warmup^−1.5) = (d · warmup)^−0.5 · f(s),
 * so their schedule is learningRate = (d · warmup)^−0.5 with this factor (see `vaswaniLearningRate`).
 */
export function warmupFactor(step: number, warmup: number): number {
  if (!(Number.isInteger(step) && step >= 1)) throw new Error(`warmupFactor: step must be an integer ≥ 1 (steps count from 1), not ${step}`);
  if (!(Number.isInteger(warmup) && warmup >= 1)) throw new Error(`warmupFactor: warmup must be an integer ≥ 1, not ${warmup}`);
  return Math.min(step / warmup, Math.sqrt(warmup / step));
}

/** Vaswani et al.'s rate itself: d^−0.5 · min(step^−0.5, step · warmup^−1.5). */
export function vaswaniLearningRate(step: number, dModel: number, warmup: number): number {
  return dModel ** -0.5 * Math.min(step ** -0.5, step * warmup ** -1.5);
}
