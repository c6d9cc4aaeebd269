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

/**
 * A split that keeps every group whole: items sharing a group (one source package, one family of
 * near-duplicates) all land in the same part, so near-duplicates never straddle train and test.
 * The distinct groups are sorted, shuffled with the seed, and taken in that order: a group goes to test
 * if it still fits in test's share (rounded to items), else to valid if it fits there, else to train.
 * The shares are therefore at most the asked fractions; a group bigger than a share always trains.
 */
export function splitGroups<T>(items: readonly T[], groupOf: (item: T) => string, opts: SplitOptions): Splits<T> {
  const valid = opts.valid ?? 0.1;
  const test = opts.test ?? 0.1;
  if (!(valid >= 0 && test >= 0 && valid + test < 1)) {
    throw new Error(`splitGroups: valid (${valid}) and test (${test}) must be >= 0 and leave something to train on`);
  }
  const members = new Map<string, T[]>();
  for (const item of items) {
    const g = groupOf(item);
    const list = members.get(g);
    if (list) list.push(item);
    else members.set(g, [item]);
  }
  const nTest = Math.round(items.length * test);
  const nValid = Math.round(items.length * valid);
  const part = new Map<string, keyof Splits<T>>();
  let inTest = 0;
  let inValid = 0;
  for (const g of shuffled([...members.keys()].sort(), opts.seed)) {
    const size = members.get(g)!.length;
    if (inTest + size <= nTest) {
      part.set(g, 'test');
      inTest += size;
    } else if (inValid + size <= nValid) {
      part.set(g, 'valid');
      inValid += size;
    } else {
      part.set(g, 'train');
    }
  }
  const out: Splits<T> = { train: [], valid: [], test: [] };
  for (const item of items) out[part.get(groupOf(item))!].push(item);
  return out;
}
