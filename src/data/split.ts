// Deterministic train/valid/test split: shuffle with a seed, then cut.
import { shuffled } from './random';

export interface SplitOptions {
  /** Fractions of the data for validation and test (default 0.1 each). */
  valid?: number;
  test?: number;
  seed: number;
}

export interface Splits<T> {
  train: T[];
  valid: T[];
  test: T[];
}

export function splitData<T>(items: readonly T[], opts: SplitOptions): Splits<T> {
  const valid = opts.valid ?? 0.1;
  const test = opts.test ?? 0.1;
  if (!(valid >= 0 && test >= 0 && valid + test < 1)) {
    throw new Error(`splitData: valid (${valid}) and test (${test}) must be >= 0 and leave something to train on`);
  }
  const order = shuffled(items, opts.seed);
  const nTest = Math.round(items.length * test);
  const nValid = Math.round(items.length * valid);
  return { test: order.slice(0, nTest), valid: order.slice(nTest, nTest + nValid), train: order.slice(nTest + nValid) };
}
