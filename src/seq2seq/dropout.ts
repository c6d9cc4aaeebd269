// Dropout for the recurrent encoder–decoders (Srivastava et al. 2014, "inverted" form): while training, each
// source embedding, target embedding and output-layer input unit is zeroed with probability p and the rest are
// scaled by 1/(1 − p), so nothing changes at decoding time.
//
// The masks are a function of the model's seed and the batch's token ids, drawn here once: the readable forward
// pass (Seq2Seq.forward) and the fast training step (src/train/fast) use the same masks, so their gradients can be
// compared, and a resumed run draws the masks the uninterrupted run drew.
import { rng } from '../data/random';
import { encoderWidth, Seq2SeqConfig } from './config';

/** Keep-masks with values 0 or 1/(1 − p), row-major: source [b, S, E], target [b, T, E], output [b, T, O]. */
export interface DropoutMasks {
  rate: number;
  source: Float32Array;
  target: Float32Array;
  output: Float32Array;
  /** O: the width of the output layer's input ([s_t; c_t] for Bahdanau, h̃_t for Luong, s_t for the baseline) */
  outputWidth: number;
}

/** The width of the rows the output layer reads. */
export function outputWidth(cfg: Seq2SeqConfig): number {
  return cfg.kind === 'bahdanau' ? cfg.units + encoderWidth(cfg) : cfg.units;
}

/** FNV-1a over the seed and the ids: the same batch gives the same masks, another batch others. */
function batchSeed(seed: number, ...ids: ArrayLike<number>[]): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const xs of ids) {
    h = Math.imul(h ^ xs.length, 0x01000193);
    for (let i = 0; i < xs.length; i++) h = Math.imul(h ^ (xs[i] >>> 0), 0x01000193);
  }
  return h >>> 0;
}

/**
 * The dropout masks of one training batch (source ids [b, S], target-in ids [b, T], row-major), or undefined when
 * the config's dropout is 0.
 */
export function dropoutMasks(cfg: Seq2SeqConfig, src: ArrayLike<number>, tgtIn: ArrayLike<number>, b: number, S: number, T: number): DropoutMasks | undefined {
  const rate = cfg.dropout ?? 0;
  if (rate === 0) return undefined;
  if (src.length !== b * S || tgtIn.length !== b * T) throw new Error(`dropoutMasks: ids of length ${src.length} and ${tgtIn.length} do not fill [${b}, ${S}] and [${b}, ${T}]`);
  const r = rng(batchSeed(cfg.seed, src, tgtIn));
  const keep = 1 / (1 - rate);
  const draw = (size: number) => {
    const m = new Float32Array(size);
    for (let i = 0; i < size; i++) m[i] = r() < rate ? 0 : keep;
    return m;
  };
  const O = outputWidth(cfg);
  return { rate, source: draw(b * S * cfg.embeddingDim), target: draw(b * T * cfg.embeddingDim), output: draw(b * T * O), outputWidth: O };
}
