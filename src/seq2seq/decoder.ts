// Decoder steps: the baseline (no attention), Bahdanau (additive) and Luong (dot/general).
import { additiveScore, attentionPool, dotScore, projectKeys, scoreMask } from '../attention';
import { tf } from '../tf';
import { Cell, CellState, PreparedCell } from './cells';
import { encoderWidth, Seq2SeqConfig } from './config';
import type { Encoded } from './encoder';
import type { WeightStore } from './weights';

/** What the decoder needs from the encoder, computed once per batch. */
export interface Memory {
  values: tf.Tensor3D; // [b, S, D]
  /** Bahdanau: W_k h_j [b, S, A]; Luong general: h_j W_aᵀ [b, S, u]; Luong dot: the values */
  keys: tf.Tensor3D;
  mask: tf.Tensor3D; // bool [b, 1, S]
}

export interface DecoderState {
  cell: CellState;
  /** Luong's attentional hidden state h̃_{t-1} [b, u], fed back with the next input. */
  feed?: tf.Tensor2D;
}

export interface StepOutput {
  logits: tf.Tensor2D; // [b, V]
  state: DecoderState;
  /** α_t [b, S], absent for the baseline */
  weights?: tf.Tensor2D;
}

export class Decoder {
  private readonly cell: Cell;
  private readonly D: number;

  constructor(private readonly cfg: Seq2SeqConfig, private readonly w: WeightStore) {
    const { units: u, embeddingDim: E, targetVocabSize: V } = cfg;
    this.D = encoderWidth(cfg);
    w.get('decoder/embedding', [V, E], 'embedding');
    const inputDim = cfg.kind === 'bahdanau' ? E + this.D : cfg.kind === 'luong' ? E + u : E;
    this.cell = new Cell(cfg.cell, 'decoder/cell', inputDim, u, w);
    if (cfg.kind === 'bahdanau') {
      const A = cfg.attentionUnits ?? u;
      w.get('attention/query_kernel', [u, A]);
      w.get('attention/key_kernel', [this.D, A]);
      w.get('attention/v', [A, 1]);
    }
    if (cfg.kind === 'luong') {
      if ((cfg.luongScore ?? 'general') === 'dot' && this.D !== u) {
        throw new Error(`seq2seq config: Luong dot scores need encoder width ${this.D} = units ${u}; use luongScore 'general' with a bidirectional encoder`);
      }
      if ((cfg.luongScore ?? 'general') === 'general') w.get('attention/general_kernel', [this.D, u]);
      w.get('luong/combine_kernel', [this.D + u, u]);
      w.get('luong/combine_bias', [u], 'zeros');
    }
    const outIn = cfg.kind === 'bahdanau' ? u + this.D : u;
    w.get('output/kernel', [outIn, V]);
    w.get('output/bias', [V], 'zeros');
  }

  /**
   * The decoder cell's weights for the steps of one sequence (GRU: recurrent kernel split once); pass
   * the result to every `step` of that sequence. Its tensors belong to the caller's tidy scope.
   */
  prepare(): PreparedCell {
    return this.cell.prepare();
  }

  get units(): number {
    return this.cfg.units;
  }

  embed(tokens: tf.Tensor): tf.Tensor {
    return tf.gather(this.w.read('decoder/embedding'), tokens);
  }

  /** Per-batch precomputation: key projections once, not at every step. */
  memory(enc: Encoded): Memory {
    const values = enc.outputs;
    const mask = scoreMask({ valueMask: enc.mask }, 1, enc.mask.shape[1]) as tf.Tensor3D; // [b, 1, S]: one query per step
    if (this.cfg.kind === 'bahdanau') return { values, mask, keys: projectKeys(values, this.w.read('attention/key_kernel') as tf.Variable<tf.Rank.R2>) };
    if (this.cfg.kind === 'luong' && (this.cfg.luongScore ?? 'general') === 'general') {
      return { values, mask, keys: projectKeys(values, this.w.read('attention/general_kernel') as tf.Variable<tf.Rank.R2>) }; // q·(W h_j)
    }
    return { values, mask, keys: values };
  }

  initialState(enc: Encoded): DecoderState {
    const b = enc.outputs.shape[0];
    return { cell: enc.state, feed: this.cfg.kind === 'luong' ? tf.zeros([b, this.cfg.units]) : undefined };
  }

  /**
   * One step from the previous token's embedding y [b, E]: the step of this decoder's kind. `drop` [b, O]: a
   * dropout keep-mask on the output layer's input while training (./dropout).
   */
  step(p: PreparedCell, y: tf.Tensor2D, state: DecoderState, mem: Memory, drop?: tf.Tensor2D): StepOutput {
    if (this.cfg.kind === 'baseline') return this.baselineStep(p, y, state, drop);
    if (this.cfg.kind === 'bahdanau') return this.bahdanauStep(p, y, state, mem, drop);
    return this.luongStep(p, y, state, mem, drop);
  }

  /** logits = (x ⊙ drop) W_o + b_o: [b, ·] -> [b, V] */
  private output(x: tf.Tensor2D, drop?: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(drop ? tf.mul(x, drop) : x, this.w.read('output/kernel')), this.w.read('output/bias')) as tf.Tensor2D;
  }

  /** The baseline (no attention): s_t = cell(y_{t-1}, s_{t-1}), logits from s_t. */
  baselineStep(p: PreparedCell, y: tf.Tensor2D, state: DecoderState, drop?: tf.Tensor2D): StepOutput {
    const cell = this.cell.step(p, y, state.cell); // [b, u]
    return { logits: this.output(cell[0], drop), state: { cell } }; // [b, V]
  }

  /** Bahdanau: attend with the previous state s_{t-1}, feed the context c_t into the cell, logits from [s_t; c_t]. */
  bahdanauStep(p: PreparedCell, y: tf.Tensor2D, state: DecoderState, mem: Memory, drop?: tf.Tensor2D): StepOutput {
    const q = tf.matMul(state.cell[0], this.w.read('attention/query_kernel')).expandDims(1) as tf.Tensor3D; // W_q s_{t-1}: [b, 1, A]
    const scores = additiveScore(q, mem.keys, tf.reshape(this.w.read('attention/v'), [-1]) as tf.Tensor1D); // [b, 1, S]
    const { context, weights } = attentionPool(scores, mem.values, mem.mask); // [b, 1, D], [b, 1, S]
    const c = tf.squeeze(context, [1]) as tf.Tensor2D; // [b, D]
    const cell = this.cell.step(p, tf.concat([y, c], 1) as tf.Tensor2D, state.cell); // s_t = cell([y; c], s_{t-1}): [b, u]
    return { logits: this.output(tf.concat([cell[0], c], 1) as tf.Tensor2D, drop), state: { cell }, weights: tf.squeeze(weights, [1]) as tf.Tensor2D };
  }

  /** Luong: input feeding [y; h̃_{t-1}] into the cell, attend with the new state s_t, h̃_t = tanh(W_c [c_t; s_t] + b_c). */
  luongStep(p: PreparedCell, y: tf.Tensor2D, state: DecoderState, mem: Memory, drop?: tf.Tensor2D): StepOutput {
    const cell = this.cell.step(p, tf.concat([y, state.feed!], 1) as tf.Tensor2D, state.cell); // s_t: [b, u]
    const scores = dotScore(cell[0].expandDims(1) as tf.Tensor3D, mem.keys); // [b, 1, S]
    const { context, weights } = attentionPool(scores, mem.values, mem.mask); // [b, 1, D], [b, 1, S]
    const c = tf.squeeze(context, [1]) as tf.Tensor2D; // [b, D]
    const feed = tf.tanh(tf.add(tf.matMul(tf.concat([c, cell[0]], 1), this.w.read('luong/combine_kernel')), this.w.read('luong/combine_bias'))) as tf.Tensor2D; // h̃_t: [b, u]
    return { logits: this.output(feed, drop), state: { cell, feed }, weights: tf.squeeze(weights, [1]) as tf.Tensor2D };
  }
}
