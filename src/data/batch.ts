// Padded batches for teacher-forced seq2seq training, with masks; seeded order per epoch.
import { tf } from '../tf';
import { rng, shuffled } from './random';
import { BOS_ID, EOS_ID, PAD_ID } from './vocab';

/** One training pair as token ids (no <s>/</s>: batching adds them). */
export interface Example {
  source: number[];
  target: number[];
  /** Copy models (./copy): the source and target in extended target-vocabulary ids, and the words past V. */
  sourceExt?: number[];
  targetExt?: number[];
  oovs?: string[];
}

export interface Batch {
  /** int32 [batch, S]: source ids, right-padded with <pad>=0 */
  source: tf.Tensor2D;
  /** bool [batch, S]: true on real tokens */
  sourceMask: tf.Tensor2D;
  /** int32 [batch, T]: decoder input, <s> y_1 … y_n, padded */
  targetIn: tf.Tensor2D;
  /** int32 [batch, T]: what the decoder must predict, y_1 … y_n </s>, padded */
  targetOut: tf.Tensor2D;
  /** bool [batch, T]: true where targetOut is a real token (</s> included) */
  targetMask: tf.Tensor2D;
  /** positions of these examples in the list they came from */
  indices: number[];
  /** Examples with copy ids (./copy) only: int32 [batch, S], the source in extended target-vocabulary ids, padded */
  sourceExt?: tf.Tensor2D;
  /** Examples with copy ids only: int32 [batch, T], targetOut in extended ids (y_1 … y_n </s>), padded */
  targetExt?: tf.Tensor2D;
  /** Examples with copy ids only: oovs[i][k] is the word of extended id V + k in row i */
  oovs?: string[][];
}

/** Right-pads every sequence with `pad` to `length` (default: the longest). */
export function padSequences(seqs: readonly number[][], length?: number, pad = PAD_ID): number[][] {
  const n = length ?? Math.max(0, ...seqs.map((s) => s.length));
  return seqs.map((s, i) => {
    if (s.length > n) throw new Error(`padSequences: sequence ${i} has ${s.length} tokens, more than the length ${n}`);
    return [...s, ...Array<number>(n - s.length).fill(pad)];
  });
}

/** Tensors for a list of examples. The caller owns them: `disposeBatch(b)` when done. */
export function makeBatch(examples: readonly Example[], indices: number[] = examples.map((_, i) => i)): Batch {
  if (examples.length === 0) throw new Error('makeBatch: no examples');
  examples.forEach((e, i) => {
    if (e.source.length === 0) throw new Error(`makeBatch: example ${indices[i]} has an empty source`);
  });
  const src = padSequences(examples.map((e) => e.source));
  const tin = padSequences(examples.map((e) => [BOS_ID, ...e.target]));
  const tout = padSequences(examples.map((e) => [...e.target, EOS_ID]));
  const mask = (rows: number[][], lengths: number[]) => tf.tensor2d(rows.map((r, i) => r.map((_, j) => (j < lengths[i] ? 1 : 0))), undefined, 'bool');
  const copy = copyRows(examples, indices);
  return {
    source: tf.tensor2d(src, undefined, 'int32'),
    sourceMask: mask(src, examples.map((e) => e.source.length)),
    targetIn: tf.tensor2d(tin, undefined, 'int32'),
    targetOut: tf.tensor2d(tout, undefined, 'int32'),
    targetMask: mask(tout, examples.map((e) => e.target.length + 1)),
    indices,
    ...(copy && {
      sourceExt: tf.tensor2d(padSequences(copy.map((c) => c.sourceExt)), undefined, 'int32'),
      targetExt: tf.tensor2d(padSequences(copy.map((c) => [...c.targetExt, EOS_ID])), undefined, 'int32'),
      oovs: copy.map((c) => c.oovs),
    }),
  };
}

/** The examples' copy ids, checked against their ids, or undefined when they have none (all or none must). */
function copyRows(examples: readonly Example[], indices: number[]): Required<Pick<Example, 'sourceExt' | 'targetExt' | 'oovs'>>[] | undefined {
  const has = examples.map((e) => e.sourceExt !== undefined);
  if (!has.some(Boolean)) return undefined;
  return examples.map((e, i) => {
    if (!e.sourceExt || !e.targetExt || !e.oovs) throw new Error(`makeBatch: example ${indices[i]} has no copy ids (sourceExt, targetExt, oovs) while others in the batch have them; build all with copyExamples`);
    if (e.sourceExt.length !== e.source.length || e.targetExt.length !== e.target.length) {
      throw new Error(`makeBatch: example ${indices[i]}: sourceExt/targetExt have ${e.sourceExt.length}/${e.targetExt.length} ids for ${e.source.length}/${e.target.length} tokens`);
    }
    return { sourceExt: e.sourceExt, targetExt: e.targetExt, oovs: e.oovs };
  });
}

export function disposeBatch(b: Batch): void {
  tf.dispose([b.source, b.sourceMask, b.targetIn, b.targetOut, b.targetMask, ...(b.sourceExt ? [b.sourceExt] : []), ...(b.targetExt ? [b.targetExt] : [])]);
}

export interface BatchOptions {
  batchSize: number;
  seed: number;
  /** Epoch number: each epoch gets its own order from (seed, epoch). */
  epoch?: number;
  /** Group examples of similar source length to waste less padding (default true). */
  bucket?: boolean;
  shuffle?: boolean;
}

/**
 * The batches of one epoch, as lists of example indices. With bucketing, examples are shuffled,
 * sorted by length inside windows of 20 batches, cut into batches, and the batches shuffled again.
 */
export function batchIndices(examples: readonly Example[], opts: BatchOptions): number[][] {
  if (!(Number.isInteger(opts.batchSize) && opts.batchSize > 0)) throw new Error(`batchIndices: batchSize must be a positive integer, received ${opts.batchSize}`);
  const r = rng((opts.seed ^ Math.imul((opts.epoch ?? 0) + 1, 0x9e3779b1)) >>> 0);
  let order = examples.map((_, i) => i);
  if (opts.shuffle ?? true) order = shuffled(order, r);
  if (opts.bucket ?? true) {
    const window = opts.batchSize * 20;
    const sorted: number[] = [];
    for (let s = 0; s < order.length; s += window) {
      sorted.push(...order.slice(s, s + window).sort((a, b) => examples[a].source.length - examples[b].source.length || a - b));
    }
    order = sorted;
  }
  const out: number[][] = [];
  for (let s = 0; s < order.length; s += opts.batchSize) out.push(order.slice(s, s + opts.batchSize));
  return (opts.shuffle ?? true) && (opts.bucket ?? true) ? shuffled(out, r) : out;
}

/** Yields the epoch's batches as tensors; each is disposed when the loop moves to the next one. */
export function* batches(examples: readonly Example[], opts: BatchOptions): Generator<Batch> {
  for (const idx of batchIndices(examples, opts)) {
    const b = makeBatch(idx.map((i) => examples[i]), idx);
    try {
      yield b;
    } finally {
      disposeBatch(b);
    }
  }
}
