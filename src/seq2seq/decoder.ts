// Decoder steps: the baseline (no attention), Bahdanau (additive) and Luong (dot/general), and the attention
// decoders' copy mechanism (pointer-generator) with optional coverage.
import { additiveScore, attentionPool, dotScore, projectKeys, scoreMask } from '../attention';
import { UNK_ID } from '../data/vocab';
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
  /** Copy models: the source in extended target-vocabulary ids (../data/copy), int32 [b, S] */
  sourceExt?: tf.Tensor2D;
  /** Copy models: the extended vocabulary's size X = V + the most out-of-vocabulary source words of a row */
  extSize?: number;
}

/** The smallest probability log P is taken of: extended ids no source word of the row has get log 1e-30 ≈ −69, not −∞. */
export const COPY_FLOOR = 1e-30;

export interface DecoderState {
  cell: CellState;
  /** Luong's attentional hidden state h̃_{t-1} [b, u], fed back with the next input. */
  feed?: tf.Tensor2D;
  /** Coverage models: cov_t = Σ_{t'<t} α_t' [b, S] (zeros at t = 1). */
  coverage?: tf.Tensor2D;
}

export interface StepOutput {
  logits: tf.Tensor2D; // [b, V]
  state: DecoderState;
  /** α_t [b, S], absent for the baseline */
  weights?: tf.Tensor2D;
  /** Copy models: log P(w) of the mixture over the extended vocabulary [b, X] (see copyOutput) */
  logProbs?: tf.Tensor2D;
  /** Copy models: p_gen [b, 1], the probability of generating from the vocabulary rather than copying */
  pGen?: tf.Tensor2D;
  /** Coverage models: Σ_j min(α_tj, cov_tj) [b], this step's coverage loss per row */
  coverageLoss?: tf.Tensor1D;
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
    if (cfg.copy) {
      w.get('attention/copy/context_kernel', [this.D, 1]); // w_c
      w.get('attention/copy/state_kernel', [u, 1]); // w_s
      w.get('attention/copy/input_kernel', [E, 1]); // w_y
      w.get('attention/copy/bias', [1], 'zeros'); // b_gen
    }
    if (cfg.coverage) w.get('attention/coverage_kernel', [1, cfg.attentionUnits ?? u]); // w_cov
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

  /** Embeddings of target ids; a copy model reads an extended id (≥ V, a copied source word) as <unk>. */
  embed(tokens: tf.Tensor): tf.Tensor {
    const V = this.cfg.targetVocabSize;
    const ids = this.cfg.copy ? tf.where(tf.less(tokens, V), tokens, tf.fill(tokens.shape, UNK_ID, 'int32')) : tokens; // [b, …]
    return tf.gather(this.w.read('decoder/embedding'), ids);
  }

  /**
   * Per-batch precomputation: key projections once, not at every step. A copy model needs the source in extended
   * ids, `sourceExt` int32 [b, S] (a Batch's sourceExt, or ../data/copy's copyIds).
   */
  memory(enc: Encoded, sourceExt?: tf.Tensor2D): Memory {
    const values = enc.outputs;
    const mask = scoreMask({ valueMask: enc.mask }, 1, enc.mask.shape[1]) as tf.Tensor3D; // [b, 1, S]: one query per step
    const copy = this.copyMemory(enc, sourceExt);
    if (this.cfg.kind === 'bahdanau') return { values, mask, keys: projectKeys(values, this.w.read('attention/key_kernel') as tf.Variable<tf.Rank.R2>), ...copy };
    if (this.cfg.kind === 'luong' && (this.cfg.luongScore ?? 'general') === 'general') {
      return { values, mask, keys: projectKeys(values, this.w.read('attention/general_kernel') as tf.Variable<tf.Rank.R2>), ...copy }; // q·(W h_j)
    }
    return { values, mask, keys: values, ...copy };
  }

  /** A copy model's source ids, checked, and the extended vocabulary's size X = max(V, max_ij sourceExt_ij + 1). */
  private copyMemory(enc: Encoded, sourceExt?: tf.Tensor2D): Pick<Memory, 'sourceExt' | 'extSize'> {
    if (!this.cfg.copy) return {};
    const [b, S] = enc.mask.shape;
    if (!sourceExt) throw new Error('seq2seq: a copy model (config copy: true) needs the source in extended ids, sourceExt [b, S] (a Batch from examples made by copyExamples has it)');
    if (sourceExt.shape[0] !== b || sourceExt.shape[1] !== S || sourceExt.dtype !== 'int32') throw new Error(`seq2seq: sourceExt must be int32 [${b}, ${S}] like the source, not ${sourceExt.dtype} [${sourceExt.shape}]`);
    const ids = sourceExt.dataSync();
    let max = -1;
    for (const id of ids) {
      if (id < 0) throw new Error(`seq2seq: sourceExt has the negative id ${id}`);
      max = Math.max(max, id);
    }
    return { sourceExt: sourceExt.clone(), extSize: Math.max(this.cfg.targetVocabSize, max + 1) };
  }

  initialState(enc: Encoded): DecoderState {
    const [b, S] = enc.mask.shape;
    return {
      cell: enc.state,
      feed: this.cfg.kind === 'luong' ? tf.zeros([b, this.cfg.units]) : undefined,
      coverage: this.cfg.coverage ? tf.zeros([b, S]) : undefined, // cov_1 = 0
    };
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

  /**
   * Bahdanau: attend with the previous state s_{t-1}, feed the context c_t into the cell, logits from [s_t; c_t].
   * With coverage the keys gain w_cov cov_tj: e_tj = vᵀ tanh(W_q s_{t−1} + W_k h_j + w_cov cov_tj), cov_{t+1} = cov_t + α_t.
   */
  bahdanauStep(p: PreparedCell, y: tf.Tensor2D, state: DecoderState, mem: Memory, drop?: tf.Tensor2D): StepOutput {
    const q = tf.matMul(state.cell[0], this.w.read('attention/query_kernel')).expandDims(1) as tf.Tensor3D; // W_q s_{t-1}: [b, 1, A]
    const keys = state.coverage ? (tf.add(mem.keys, tf.mul(state.coverage.expandDims(2), this.w.read('attention/coverage_kernel'))) as tf.Tensor3D) : mem.keys; // W_k h_j (+ cov_tj w_cov): [b, S, A]
    const scores = additiveScore(q, keys, tf.reshape(this.w.read('attention/v'), [-1]) as tf.Tensor1D); // [b, 1, S]
    const { context, weights } = attentionPool(scores, mem.values, mem.mask); // [b, 1, D], [b, 1, S]
    const c = tf.squeeze(context, [1]) as tf.Tensor2D; // [b, D]
    const alpha = tf.squeeze(weights, [1]) as tf.Tensor2D; // α_t: [b, S]
    const cell = this.cell.step(p, tf.concat([y, c], 1) as tf.Tensor2D, state.cell); // s_t = cell([y; c], s_{t-1}): [b, u]
    const logits = this.output(tf.concat([cell[0], c], 1) as tf.Tensor2D, drop); // [b, V]
    const out: StepOutput = { logits, state: { cell }, weights: alpha };
    if (state.coverage) {
      out.coverageLoss = tf.sum(tf.minimum(alpha, state.coverage), 1) as tf.Tensor1D; // Σ_j min(α_tj, cov_tj): [b]
      out.state.coverage = tf.add(state.coverage, alpha) as tf.Tensor2D; // cov_{t+1}: [b, S]
    }
    return this.cfg.copy ? { ...out, ...this.copyOutput(logits, c, cell[0], y, alpha, mem) } : out;
  }

  /** Luong: input feeding [y; h̃_{t-1}] into the cell, attend with the new state s_t, h̃_t = tanh(W_c [c_t; s_t] + b_c). */
  luongStep(p: PreparedCell, y: tf.Tensor2D, state: DecoderState, mem: Memory, drop?: tf.Tensor2D): StepOutput {
    const cell = this.cell.step(p, tf.concat([y, state.feed!], 1) as tf.Tensor2D, state.cell); // s_t: [b, u]
    const scores = dotScore(cell[0].expandDims(1) as tf.Tensor3D, mem.keys); // [b, 1, S]
    const { context, weights } = attentionPool(scores, mem.values, mem.mask); // [b, 1, D], [b, 1, S]
    const c = tf.squeeze(context, [1]) as tf.Tensor2D; // [b, D]
    const feed = tf.tanh(tf.add(tf.matMul(tf.concat([c, cell[0]], 1), this.w.read('luong/combine_kernel')), this.w.read('luong/combine_bias'))) as tf.Tensor2D; // h̃_t: [b, u]
    const alpha = tf.squeeze(weights, [1]) as tf.Tensor2D; // α_t: [b, S]
    const logits = this.output(feed, drop); // [b, V]
    const out: StepOutput = { logits, state: { cell, feed }, weights: alpha };
    return this.cfg.copy ? { ...out, ...this.copyOutput(logits, c, cell[0], y, alpha, mem) } : out;
  }

  /**
   * The pointer-generator's output (See, Liu & Manning 2017), from the step's vocabulary logits z_t, context c_t,
   * state s_t, input embedding y_{t−1} and attention α_t:
   *   p_gen = σ(w_cᵀ c_t + w_sᵀ s_t + w_yᵀ y_{t−1} + b_gen)
   *   P(w) = p_gen P_vocab(w) + (1 − p_gen) Σ_{j: x_j = w} α_tj,   P_vocab = softmax(z_t), 0 on the extended ids ≥ V
   * over the extended vocabulary of X ids (../data/copy); returns log max(P, COPY_FLOOR). P sums to 1 over the X ids.
   */
  copyOutput(logits: tf.Tensor2D, c: tf.Tensor2D, s: tf.Tensor2D, y: tf.Tensor2D, alpha: tf.Tensor2D, mem: Memory): { logProbs: tf.Tensor2D; pGen: tf.Tensor2D } {
    if (!mem.sourceExt || mem.extSize === undefined) throw new Error('seq2seq: a copy model\'s decoder memory has no sourceExt (build it with memory(enc, sourceExt))');
    const [b, S] = alpha.shape;
    const V = this.cfg.targetVocabSize;
    const X = mem.extSize;
    const gate = tf.addN([tf.matMul(c, this.w.read('attention/copy/context_kernel')), tf.matMul(s, this.w.read('attention/copy/state_kernel')), tf.matMul(y, this.w.read('attention/copy/input_kernel'))]); // w_cᵀc + w_sᵀs + w_yᵀy: [b, 1]
    const pGen = tf.sigmoid(tf.add(gate, this.w.read('attention/copy/bias'))) as tf.Tensor2D; // p_gen: [b, 1]
    const vocab = tf.pad(tf.softmax(logits), [[0, 0], [0, X - V]]); // P_vocab on the extended ids: [b, X]
    const flat = tf.add(mem.sourceExt, tf.range(0, b * X, X, 'int32').expandDims(1)); // i·X + ext(x_ij): [b, S]
    const copied = tf.reshape(tf.unsortedSegmentSum(tf.reshape(alpha, [b * S]), tf.reshape(flat, [b * S]), b * X), [b, X]); // Σ_{j: x_j = w} α_tj: [b, X]
    const P = tf.add(tf.mul(pGen, vocab), tf.mul(tf.sub(1, pGen), copied)); // [b, X]
    return { logProbs: tf.log(tf.maximum(P, COPY_FLOOR)) as tf.Tensor2D, pGen }; // log P: [b, X]
  }
}
