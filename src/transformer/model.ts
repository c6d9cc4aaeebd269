// The Transformer (Vaswani et al. 2017) for sequence to sequence, pre-LN: an encoder stack of self-attention
// and feed-forward blocks; a decoder stack of masked self-attention, cross-attention over the encoder's
// output and feed-forward blocks; every attention through the library's MultiHeadAttention core.
//
// Pre-LN (Xiong et al. 2020, "On Layer Normalization in the Transformer Architecture"): each sub-layer
// reads LN(x) and adds its output to x, x + Dropout(F(LN(x))); one more LN ends each stack. The residual
// path from the output back to the embeddings carries no normalisation, so gradients at initialisation are
// well scaled at every depth and training is stable with a short warm-up or none; post-LN (the original
// LN(x + F(x))) needs the warm-up to not diverge. Small models trained briefly, as here, are the case where
// that matters most.
import { attendHeads, MultiHeadWeights } from '../attention/layers/multi-head-attention';
import { linear } from '../attention/linear';
import { causalMask, scoreMask } from '../attention/masks';
import { describe } from '../attention/shapes';
import { softmaxMaskTerms, type SoftmaxMaskTerms } from '../attention/softmax';
import type { ForwardOutput, StepDecoder } from '../seq2seq/model';
import { freeScope, WeightStore } from '../seq2seq/weights';
import { tf } from '../tf';
import { tidyObject } from '../tidy';
import { appendKeyValues, attendOver, feedForward, FeedForwardWeights, fusedLayerNorm, fusedLogSoftmax, keyValues, KeyValues, layerNorm, layerNormRows } from './blocks';
import { TransformerConfig, validateTransformerConfig } from './config';
import { sinusoidalEncoding } from './positional';

export interface TransformerForwardOutput extends ForwardOutput {
  /** Per decoder layer, the cross-attention weights of every head [b, h, T, S] (when asked: `heads`). */
  crossAttention?: tf.Tensor4D[];
  /** Per decoder layer, the masked self-attention weights of every head [b, h, T, T] (when asked: `heads`). */
  selfAttention?: tf.Tensor4D[];
}

/**
 * Tensors a decode holds once for many states: each state points at them and counts itself in `refs`;
 * the last state disposed frees them. A step's new state shares them with the old one (no clones).
 */
export interface SharedTensors<T> {
  tensors: T;
  refs: number;
}

/** What a decode keeps per source row (select() gathers it anew when hypotheses are reordered). */
export interface TransformerSourceTensors {
  /** bool [b, S] */
  sourceMask: tf.Tensor2D;
  /** Cached: per decoder layer, the source's keys/values [b, h, S, d/h]. */
  cross: KeyValues[];
  /**
   * Cached: the cross-attention mask of sourceMask as maskedSoftmax applies it, built once per source:
   * `bias` = −10⁹ (1 − m) added to the scores, `keep` = m multiplying the weights; float [b, 1, 1, S] each
   * (attendHeads' per-head shape [b, h, Tq, S], broadcast over heads and the one query position).
   * None when no source has padding: a mask that masks nothing is the plain softmax.
   */
  crossMask?: SoftmaxMaskTerms;
  /** Uncached: the encoder's output [b, S, d]. */
  memory?: tf.Tensor3D;
}

/**
 * The decoder's weights arranged for one-position steps, made once per decode (so a decode sees the weights
 * of the moment it started): each layer norm's γ and β folded into the projection that reads the norm,
 * LN(x) W + b = n(x) (diag(γ) W) + (β W + b) with n(x) = (x − μ)/√(σ² + ε); the attention's 1/√(d/h) folded
 * into the query kernels and biases, (q/√k)ᵀ k = qᵀ k/√k; the self-attention's query, key and value kernels
 * side by side (one matMul for all three); the embedding scaled by √d.
 */
export interface TransformerStepWeights {
  /** E √d [V, d] */
  embedding: tf.Tensor2D;
  layers: {
    /** [d, 3d] and [3d]: query (times 1/√(d/h)), key, value of the self-attention after its norm */
    qkvKernel: tf.Tensor2D;
    qkvBias: tf.Tensor1D;
    /** [d, d] and [d]: the cross-attention's query after its norm, times 1/√(d/h) */
    crossQueryKernel: tf.Tensor2D;
    crossQueryBias: tf.Tensor1D;
    /** [d, ff] and [ff]: the feed-forward network's first layer after its norm */
    ffnKernel: tf.Tensor2D;
    ffnBias: tf.Tensor1D;
  }[];
  /** [d, V] and [V]: the output layer after the final norm */
  outputKernel: tf.Tensor2D;
  outputBias: tf.Tensor1D;
}

/**
 * A decoding state for b hypotheses; dispose it with the StepDecoder (it owns its self-attention cache and
 * a count on the shared tensors). Cached decoding keeps each decoder layer's self-attention keys/values of
 * the prefix and the cross-attention keys/values of the source (computed once); uncached decoding keeps
 * the encoder's output and re-runs the whole prefix at every step.
 */
export interface TransformerDecodeState {
  /** Tokens fed so far per hypothesis, <s> first. */
  tokens: number[][];
  source: SharedTensors<TransformerSourceTensors>;
  /** Cached: the weights for one-position steps. */
  stepWeights?: SharedTensors<TransformerStepWeights>;
  /** Cached: per decoder layer, the prefix's self-attention keys/values [b, h, t, d/h] (none before the first step). */
  self?: KeyValues[];
  /** Set by dispose: a second dispose does nothing. */
  disposed?: boolean;
}

/** One decoder layer's result: the new positions' vectors, the self-attention keys/values including them, the cross-attention weights. */
interface DecoderLayerOut {
  x: tf.Tensor3D;
  self: KeyValues;
  selfScores: tf.Tensor4D;
  crossScores: tf.Tensor4D;
}

export class Transformer {
  readonly config: TransformerConfig;
  readonly weights: WeightStore;
  private dropoutCalls = 0;

  /** @param opts.scope prefix of the tfjs variable names (default: the first free of `transformer`, `transformer_1`, …). */
  constructor(config: TransformerConfig, opts: { scope?: string } = {}) {
    this.config = validateTransformerConfig({ ...config });
    this.weights = new WeightStore(config.seed, opts.scope ?? freeScope('transformer'));
    this.createWeights();
  }

  private get d(): number {
    return this.config.dModel;
  }
  private get positional(): 'sinusoidal' | 'learned' {
    return this.config.positional ?? 'sinusoidal';
  }
  private get maxLength(): number {
    return this.config.maxLength ?? 256;
  }

  /**
   * Every weight, in a fixed order, named so the trainer's model parts apply: encoder/* (encoder),
   * encoder/embedding and decoder/embedding (embeddings), attention/* (the decoder's cross-attention and
   * its norm), decoder/cell/* (the decoder's self-attention, feed-forward and norms), output/*.
   */
  private createWeights(): void {
    const { d, config: c } = this;
    const w = this.weights;
    const attention = (p: string) => {
      for (const part of ['query', 'key', 'value', 'attention_output']) {
        w.get(`${p}/${part}/kernel`, [d, d]); // query/key/value: [d, h·d/h], the heads side by side; output: [h·d/h, d]
        w.get(`${p}/${part}/bias`, [d], 'zeros');
      }
    };
    const norm = (p: string) => {
      w.get(`${p}/gamma`, [d], 'ones');
      w.get(`${p}/beta`, [d], 'zeros');
    };
    const ffn = (p: string) => {
      w.get(`${p}/dense1/kernel`, [d, c.ffDim]);
      w.get(`${p}/dense1/bias`, [c.ffDim], 'zeros');
      w.get(`${p}/dense2/kernel`, [c.ffDim, d]);
      w.get(`${p}/dense2/bias`, [d], 'zeros');
    };
    w.get('encoder/embedding', [c.sourceVocabSize, d], 'embedding');
    if (this.positional === 'learned') w.get('encoder/position', [this.maxLength, d], 'embedding');
    for (let i = 0; i < c.encoderLayers; i++) {
      norm(`encoder/layer${i}/self_attention_norm`);
      attention(`encoder/layer${i}/self_attention`);
      norm(`encoder/layer${i}/ffn_norm`);
      ffn(`encoder/layer${i}/ffn`);
    }
    norm('encoder/norm');
    w.get('decoder/embedding', [c.targetVocabSize, d], 'embedding');
    if (this.positional === 'learned') w.get('decoder/cell/position', [this.maxLength, d], 'embedding');
    for (let i = 0; i < c.decoderLayers; i++) {
      norm(`decoder/cell/layer${i}/self_attention_norm`);
      attention(`decoder/cell/layer${i}/self_attention`);
      norm(`attention/layer${i}/cross_attention_norm`);
      attention(`attention/layer${i}/cross_attention`);
      norm(`decoder/cell/layer${i}/ffn_norm`);
      ffn(`decoder/cell/layer${i}/ffn`);
    }
    norm('decoder/cell/norm');
    if (!c.tieOutput) w.get('output/kernel', [d, c.targetVocabSize]);
    w.get('output/bias', [c.targetVocabSize], 'zeros');
  }

  get trainableVariables(): tf.Variable[] {
    return this.weights.entries().map(([, v]) => v);
  }

  countParams(): number {
    return this.trainableVariables.reduce((n, v) => n + v.size, 0);
  }

  /** The attention sub-layer `p`'s weights in MultiHeadAttention's (Keras') shapes: kernels [d, h, d/h], output [h, d/h, d]. */
  private attentionWeights(p: string): MultiHeadWeights {
    const { d } = this;
    const h = this.config.numHeads;
    const r = (n: string) => this.weights.read(`${p}/${n}`);
    return {
      queryKernel: tf.reshape(r('query/kernel'), [d, h, d / h]),
      queryBias: tf.reshape(r('query/bias'), [h, d / h]),
      keyKernel: tf.reshape(r('key/kernel'), [d, h, d / h]),
      keyBias: tf.reshape(r('key/bias'), [h, d / h]),
      valueKernel: tf.reshape(r('value/kernel'), [d, h, d / h]),
      valueBias: tf.reshape(r('value/bias'), [h, d / h]),
      outputKernel: tf.reshape(r('attention_output/kernel'), [h, d / h, d]),
      outputBias: r('attention_output/bias'),
    };
  }

  private norm(p: string, x: tf.Tensor3D): tf.Tensor3D {
    return layerNorm(x, this.weights.read(`${p}/gamma`), this.weights.read(`${p}/beta`));
  }

  private ffnWeights(p: string): FeedForwardWeights {
    const r = (n: string) => this.weights.read(`${p}/${n}`);
    return { kernel1: r('dense1/kernel') as tf.Tensor2D, bias1: r('dense1/bias') as tf.Tensor1D, kernel2: r('dense2/kernel') as tf.Tensor2D, bias2: r('dense2/bias') as tf.Tensor1D };
  }

  /** Dropout while training, seeded from the config's seed and a call counter (the same run gives the same masks). */
  private dropout(x: tf.Tensor3D, training: boolean): tf.Tensor3D {
    const rate = this.config.dropout ?? 0.1;
    if (!training || rate === 0) return x;
    return tf.dropout(x, rate, undefined, (this.config.seed * 7919 + this.dropoutCalls++) % 2147483647) as tf.Tensor3D;
  }

  /** √d · E[ids] + P[offset … offset + T − 1], then dropout. ids int32 [b, T] -> [b, T, d]. */
  private embed(ids: tf.Tensor2D, side: 'encoder' | 'decoder', offset: number, training: boolean): tf.Tensor3D {
    const [, t] = ids.shape;
    if (this.positional === 'learned' && offset + t > this.maxLength) {
      throw new Error(`Transformer: ${side} position ${offset + t - 1} is beyond the learned positions (maxLength ${this.maxLength}); raise config.maxLength or use sinusoidal positions`);
    }
    const e = tf.mul(tf.gather(this.weights.read(`${side}/embedding`), ids), Math.sqrt(this.d)) as tf.Tensor3D; // [b, T, d]
    const p = this.positional === 'learned'
      ? tf.slice(this.weights.read(side === 'encoder' ? 'encoder/position' : 'decoder/cell/position'), [offset, 0], [t, this.d]) // [T, d]
      : sinusoidalEncoding(t, this.d, offset); // [T, d]
    return this.dropout(tf.add(e, p) as tf.Tensor3D, training); // [b, T, d]
  }

  private checkInputs(where: string, source: tf.Tensor, sourceMask: tf.Tensor, targetIn?: tf.Tensor): void {
    if (source.rank !== 2) throw new Error(`Transformer.${where}: source must have shape [batch, S], received ${describe(source.shape)}`);
    if (sourceMask.rank !== 2 || sourceMask.shape[0] !== source.shape[0] || sourceMask.shape[1] !== source.shape[1]) {
      throw new Error(`Transformer.${where}: sourceMask must have the source's shape ${describe(source.shape)}, received ${describe(sourceMask.shape)}`);
    }
    if (targetIn && (targetIn.rank !== 2 || targetIn.shape[0] !== source.shape[0])) {
      throw new Error(`Transformer.${where}: targetIn must have shape [${source.shape[0]}, T] (the source's batch), received ${describe(targetIn.shape)}`);
    }
  }

  private encodeRaw(source: tf.Tensor2D, sourceMask: tf.Tensor2D, training: boolean): tf.Tensor3D {
    const s = source.shape[1];
    let x = this.embed(source, 'encoder', 0, training); // [b, S, d]
    const mask = scoreMask({ valueMask: sourceMask }, s, s); // no position attends to padding: [b, S, S]
    for (let i = 0; i < this.config.encoderLayers; i++) {
      const p = `encoder/layer${i}`;
      const w = this.attentionWeights(`${p}/self_attention`);
      const h = this.norm(`${p}/self_attention_norm`, x); // [b, S, d]
      x = tf.add(x, this.dropout(attendOver(h, keyValues(h, w), w, mask).output, training)); // x + Dropout(SelfAttention(LN(x))): [b, S, d]
      x = tf.add(x, this.dropout(feedForward(this.norm(`${p}/ffn_norm`, x), this.ffnWeights(`${p}/ffn`)), training)); // x + Dropout(FFN(LN(x))): [b, S, d]
    }
    return this.norm('encoder/norm', x); // [b, S, d]
  }

  /** The encoder: source int32 [b, S], sourceMask bool [b, S] -> memory [b, S, d] (padding positions are never attended to). */
  encode(source: tf.Tensor2D, sourceMask: tf.Tensor2D): tf.Tensor3D {
    this.checkInputs('encode', source, sourceMask);
    return tf.tidy(() => this.encodeRaw(source, sourceMask, false));
  }

  /** Each decoder layer's cross-attention keys/values of the encoder's output: per layer [b, h, S, d/h] (computed once per source). */
  private crossKeyValues(memory: tf.Tensor3D): KeyValues[] {
    return Array.from({ length: this.config.decoderLayers }, (_, i) => keyValues(memory, this.attentionWeights(`attention/layer${i}/cross_attention`)));
  }

  /** sourceMask bool [b, S] as maskedSoftmax applies it to cross-attention scores: bias −10⁹ (1 − m) and keep m, float [b, 1, 1, S]. */
  private crossMaskOf(sourceMask: tf.Tensor2D): SoftmaxMaskTerms {
    const [b, S] = sourceMask.shape;
    return tf.tidy(() => softmaxMaskTerms(tf.reshape(tf.cast(sourceMask, 'bool'), [b, 1, 1, S]))); // [b, 1, 1, S] each
  }

  /**
   * Decoder layer i on n new positions x [b, n, d] that follow a prefix of t positions whose self-attention
   * keys/values are `past` ([b, h, t, d/h], or none): masked self-attention (position t+j sees positions
   * ≤ t+j), cross-attention over the source's keys/values, feed-forward; each pre-LN with a residual add.
   */
  private decoderLayer(i: number, x: tf.Tensor3D, past: KeyValues | undefined, cross: KeyValues, crossMask: tf.Tensor, training: boolean): DecoderLayerOut {
    const [, n] = x.shape;
    const t = past ? past.keys.shape[2] : 0;
    const selfW = this.attentionWeights(`decoder/cell/layer${i}/self_attention`);
    const h = this.norm(`decoder/cell/layer${i}/self_attention_norm`, x); // [b, n, d]
    const self = appendKeyValues(past, keyValues(h, selfW)); // [b, h, t + n, d/h]
    const causal = n > 1 ? causalMask(n, t + n, t).expandDims(0) : undefined; // [1, n, t + n]; one new position sees all
    const self_ = attendOver(h, self, selfW, causal); // [b, n, d], [b, h, n, t + n]
    x = tf.add(x, this.dropout(self_.output, training)); // [b, n, d]
    const cross_ = attendOver(this.norm(`attention/layer${i}/cross_attention_norm`, x), cross, this.attentionWeights(`attention/layer${i}/cross_attention`), crossMask); // [b, n, d], [b, h, n, S]
    x = tf.add(x, this.dropout(cross_.output, training)); // [b, n, d]
    x = tf.add(x, this.dropout(feedForward(this.norm(`decoder/cell/layer${i}/ffn_norm`, x), this.ffnWeights(`decoder/cell/layer${i}/ffn`)), training)); // [b, n, d]
    return { x, self, selfScores: self_.scores, crossScores: cross_.scores };
  }

  /** The decoder on n positions after a prefix (embedded ids [b, n] at offset t): logits [b, n, V], the new self caches and the cross-attention weights. */
  private decode(ids: tf.Tensor2D, offset: number, past: KeyValues[] | undefined, cross: KeyValues[], sourceMask: tf.Tensor2D, training: boolean): { logits: tf.Tensor3D; self: KeyValues[]; selfScores: tf.Tensor4D[]; crossScores: tf.Tensor4D[] } {
    const [, n] = ids.shape;
    const crossMask = scoreMask({ valueMask: sourceMask }, n, sourceMask.shape[1]) as tf.Tensor; // [b, n, S]
    let x = this.embed(ids, 'decoder', offset, training); // [b, n, d]
    const self: KeyValues[] = [];
    const crossScores: tf.Tensor4D[] = [];
    const selfScores: tf.Tensor4D[] = [];
    for (let i = 0; i < this.config.decoderLayers; i++) {
      const out = this.decoderLayer(i, x, past?.[i], cross[i], crossMask, training);
      x = out.x; // [b, n, d]
      self.push(out.self);
      crossScores.push(out.crossScores); // [b, h, n, S]
      selfScores.push(out.selfScores); // [b, h, n, t + n]
    }
    const y = this.norm('decoder/cell/norm', x); // [b, n, d]
    const logits = tf.add(linear(y, this.outputKernel()), this.weights.read('output/bias')) as tf.Tensor3D; // [b, n, V]
    return { logits, self, selfScores, crossScores };
  }

  /** The output layer's kernel [d, V]: its own weight, or with config tieOutput the target embedding transposed, Eᵀ. */
  private outputKernel(): tf.Tensor2D {
    return (this.config.tieOutput ? tf.transpose(this.weights.read('decoder/embedding')) : this.weights.read('output/kernel')) as tf.Tensor2D;
  }

  /** The decoder's weights for cached steps (TransformerStepWeights), from their values now. */
  private stepWeights(): TransformerStepWeights {
    const r = (n: string) => this.weights.read(n);
    // LN(x) W + b = n(x) (diag(γ) W) + (β W + b), for the norm p read by the projection (kernel [d, u], bias [u])
    const fold = (p: string, kernel: tf.Tensor, bias: tf.Tensor): [tf.Tensor2D, tf.Tensor1D] => [
      tf.mul(tf.expandDims(r(`${p}/gamma`), 1), kernel) as tf.Tensor2D,
      tf.add(tf.reshape(tf.matMul(tf.expandDims(r(`${p}/beta`), 0), kernel as tf.Tensor2D), [-1]), bias) as tf.Tensor1D,
    ];
    const scale = 1 / Math.sqrt(this.d / this.config.numHeads); // attendHeads' 1/√keyDim, applied to the queries here
    const query = (p: string, n: string) => tf.mul(r(`${p}/query/${n}`), scale);
    return tidyObject(() => ({
      embedding: tf.mul(r('decoder/embedding'), Math.sqrt(this.d)) as tf.Tensor2D,
      layers: Array.from({ length: this.config.decoderLayers }, (_, i) => {
        const sp = `decoder/cell/layer${i}/self_attention`;
        const part = (n: string) => [query(sp, n), r(`${sp}/key/${n}`), r(`${sp}/value/${n}`)];
        const [qkvKernel, qkvBias] = fold(`${sp}_norm`, tf.concat(part('kernel'), 1), tf.concat(part('bias'), 0)); // [d, 3d], [3d]
        const cp = `attention/layer${i}/cross_attention`;
        const [crossQueryKernel, crossQueryBias] = fold(`${cp}_norm`, query(cp, 'kernel'), query(cp, 'bias'));
        const fp = `decoder/cell/layer${i}/ffn`;
        const [ffnKernel, ffnBias] = fold(`decoder/cell/layer${i}/ffn_norm`, r(`${fp}/dense1/kernel`), r(`${fp}/dense1/bias`));
        return { qkvKernel, qkvBias, crossQueryKernel, crossQueryBias, ffnKernel, ffnBias };
      }),
      ...(([outputKernel, outputBias]) => ({ outputKernel, outputBias }))(fold('decoder/cell/norm', this.outputKernel(), r('output/bias'))),
    }));
  }

  /**
   * One cached decoding step at position t: the decoder on one new position per hypothesis, the same
   * arithmetic as decode() on [b, 1] ids (and so as the uncached reference, which the tests hold it to),
   * with the per-step work cut to what depends on the new position. Attention is the library's core
   * (attendHeads) on the new position's query heads over the cached keys/values. Around it: the positions'
   * vectors are [1, b, 1, d] (the ids come as [1, b, 1], so the embedding lookup gives that shape; no
   * reshapes for norms, projections or residuals: attendHeads' [b, 1, d] adds to them by broadcasting); the
   * weights are TransformerStepWeights (norms' γ, β and the 1/√(d/h) folded into the next projections,
   * query/key/value in one matMul); the heads of one position are split by a reshape and an unstack; the
   * output kernels are read as stored, attendHeads' [h·d/h, d]; the new position sees the whole prefix (no
   * causal mask); the cross-attention mask is the one built at init (none without padding); layer norm is
   * fusedLayerNorm (one TensorFlow kernel, held to layerNorm by a test).
   * ids int32 [1, b, 1] -> logits [b, V], the self caches including this position, the last layer's
   * cross-attention weights averaged over heads [b, S].
   */
  private cachedStep(ids: tf.Tensor3D, t: number, s: TransformerDecodeState): { logits: tf.Tensor2D; self: KeyValues[]; attention: tf.Tensor2D } {
    const { d } = this;
    const h = this.config.numHeads;
    const b = ids.shape[1];
    const w = s.stepWeights!.tensors;
    const { cross, crossMask } = s.source.tensors;
    const r = (n: string) => this.weights.read(n);
    // The b positions' vectors are laid out [1, b, 1, d]: fusedLayerNorm reads that with no reshape, matMul
    // broadcasts a [d, u] kernel over it, and residual adds need none either.
    const rows = layerNormRows(b); // shared by every norm of this step
    const norm = (x: tf.Tensor4D) => fusedLayerNorm(x, null, null, 1e-5, rows); // (x − μ)/√(σ² + ε), γ and β folded into the next kernel: [1, b, 1, d]
    const dense = (x: tf.Tensor4D, kernel: tf.Tensor, bias: tf.Tensor) => tf.add(tf.matMul(x, kernel), bias) as tf.Tensor4D; // x W + b: [1, b, 1, d] -> [1, b, 1, u]
    // attendHeads on the new position's query heads q [b, h, 1, d/h] (already times 1/√(d/h): scale 1) over kv [b, h, T, d/h]
    // -> x + attention [1, b, 1, d] (the [b, 1, d] output broadcast onto x) and the weights [b, h, 1, T]
    const attend = (x: tf.Tensor4D, q: tf.Tensor4D, kv: KeyValues, p: string, mask?: SoftmaxMaskTerms) => {
      const { output, scores } = attendHeads(q, kv.keys, kv.values, r(`${p}/attention_output/kernel`), r(`${p}/attention_output/bias`), mask, { scale: 1 });
      return { x: tf.add(x, output) as tf.Tensor4D, weights: scores };
    };
    if (this.positional === 'learned' && t + 1 > this.maxLength) {
      throw new Error(`Transformer: decoder position ${t} is beyond the learned positions (maxLength ${this.maxLength}); raise config.maxLength or use sinusoidal positions`);
    }
    const pos = this.positional === 'learned' ? tf.slice(r('decoder/cell/position'), [t, 0], [1, d]) : sinusoidalEncoding(1, d, t); // [1, d]
    let x = tf.add(tf.gather(w.embedding, ids), pos) as tf.Tensor4D; // √d E[id] + P[t]: [1, b, 1, d]
    const self: KeyValues[] = [];
    let weights: tf.Tensor4D | undefined;
    for (let i = 0; i < this.config.decoderLayers; i++) {
      const l = w.layers[i];
      const qkv = tf.reshape(dense(norm(x), l.qkvKernel, l.qkvBias), [b, 3, h, 1, d / h]); // [1, b, 1, 3d] -> query, key, value heads side by side
      const [q, k, v] = tf.unstack(qkv, 1) as tf.Tensor4D[]; // 3 × [b, h, 1, d/h]
      const kv = appendKeyValues(s.self?.[i], { keys: k, values: v }); // [b, h, t + 1, d/h]
      self.push(kv);
      x = attend(x, q, kv, `decoder/cell/layer${i}/self_attention`).x; // the new position sees the whole prefix
      const cq = tf.reshape(dense(norm(x), l.crossQueryKernel, l.crossQueryBias), [b, h, 1, d / h]) as tf.Tensor4D; // [b, h, 1, d/h]
      const c = attend(x, cq, cross[i], `attention/layer${i}/cross_attention`, crossMask); // [1, b, 1, d], [b, h, 1, S]
      x = c.x;
      weights = c.weights;
      const fp = `decoder/cell/layer${i}/ffn`;
      const hidden = tf.relu(dense(norm(x), l.ffnKernel, l.ffnBias)) as tf.Tensor4D; // [1, b, 1, ff]
      x = tf.add(x, dense(hidden, r(`${fp}/dense2/kernel`), r(`${fp}/dense2/bias`))) as tf.Tensor4D; // [1, b, 1, d]
    }
    const logits = tf.reshape(dense(norm(x), w.outputKernel, w.outputBias), [b, -1]) as tf.Tensor2D; // [b, V]
    return { logits, self, attention: tf.mean(weights!, [1, 2]) as tf.Tensor2D }; // [b, V], [b, S]
  }

  /**
   * Teacher forcing, all target positions at once (the causal mask keeps each from seeing later ones).
   * source int32 [b, S], sourceMask bool [b, S], targetIn int32 [b, T] (<s> y_1 … y_{T-1}) -> logits [b, T, V];
   * `attention`: the last decoder layer's cross-attention averaged over heads [b, T, S]; `heads`: every
   * layer's per-head weights; `training`: dropout on.
   */
  forward(source: tf.Tensor2D, sourceMask: tf.Tensor2D, targetIn: tf.Tensor2D, opts: { attention?: boolean; heads?: boolean; training?: boolean } = {}): TransformerForwardOutput {
    this.checkInputs('forward', source, sourceMask, targetIn);
    const training = opts.training ?? false;
    return tidyObject(() => {
      const memory = this.encodeRaw(source, sourceMask, training); // [b, S, d]
      const { logits, crossScores, selfScores } = this.decode(targetIn, 0, undefined, this.crossKeyValues(memory), sourceMask, training); // [b, T, V]
      const result: TransformerForwardOutput = { logits };
      if (opts.attention) result.attention = tf.mean(crossScores[crossScores.length - 1], 1) as tf.Tensor3D; // [b, T, S]
      if (opts.heads) {
        result.crossAttention = crossScores; // layers × [b, h, T, S]
        result.selfAttention = selfScores; // layers × [b, h, T, T]
      }
      return result;
    });
  }

  /**
   * A step decoder over these sources (batch b) for greedyDecode, sampleDecode and beamSearch. With the
   * key/value cache (default), a step feeds one token and attends over the cached keys/values of the
   * prefix: its cost grows linearly with the prefix. `cache: false` re-runs the decoder on the whole prefix
   * at every step (quadratic per step), the reference the cache is checked against.
   * Each step's `attention` is the last decoder layer's cross-attention averaged over heads [b, S].
   */
  stepDecoder(source: tf.Tensor2D, sourceMask: tf.Tensor2D, opts: { cache?: boolean } = {}): StepDecoder<TransformerDecodeState> {
    this.checkInputs('stepDecoder', source, sourceMask);
    const cached = opts.cache ?? true;
    const b = source.shape[0];
    const kvs = (l: KeyValues[] | undefined): tf.Tensor[] => (l ?? []).flatMap((kv) => [kv.keys, kv.values]);
    const sourceTensors = (x: TransformerSourceTensors): tf.Tensor[] => [x.sourceMask, ...kvs(x.cross), ...(x.memory ? [x.memory] : []), ...(x.crossMask ? [x.crossMask.bias, x.crossMask.keep] : [])];
    const weightTensors = (x: TransformerStepWeights): tf.Tensor[] => [x.embedding, x.outputKernel, x.outputBias, ...x.layers.flatMap((l) => Object.values(l) as tf.Tensor[])];
    const mapKv = (l: KeyValues[], f: (t: tf.Tensor) => tf.Tensor): KeyValues[] => l.map((kv) => ({ keys: f(kv.keys) as tf.Tensor4D, values: f(kv.values) as tf.Tensor4D }));
    const share = <T>(x: SharedTensors<T>): SharedTensors<T> => (x.refs++, x);
    const release = <T>(x: SharedTensors<T> | undefined, tensors: (t: T) => tf.Tensor[]) => {
      if (x && --x.refs === 0) tf.dispose(tensors(x.tensors));
    };
    return {
      init: (n) => {
        if (n !== b) throw new Error(`stepDecoder.init: the decoder was built for ${b} sources, asked for ${n}`);
        return tidyObject(() => {
          const memory = this.encodeRaw(source, sourceMask, false); // [b, S, d]
          const tokens = Array.from({ length: b }, () => [] as number[]);
          if (!cached) return { tokens, source: { tensors: { sourceMask: sourceMask.clone(), cross: [], memory }, refs: 1 } };
          const padded = tf.all(tf.cast(sourceMask, 'bool')).dataSync()[0] === 0; // some source has padding: its mask is needed
          const tensors: TransformerSourceTensors = { sourceMask: sourceMask.clone(), cross: this.crossKeyValues(memory), ...(padded ? { crossMask: this.crossMaskOf(sourceMask) } : {}) }; // per layer [b, h, S, d/h]; [b, 1, 1, S]
          return { tokens, source: { tensors, refs: 1 }, stepWeights: { tensors: this.stepWeights(), refs: 1 } };
        });
      },
      step: (prev, s) => {
        if (s.disposed) throw new Error('stepDecoder.step: the state was disposed');
        if (prev.rank !== 1 || prev.shape[0] !== s.tokens.length) throw new Error(`stepDecoder.step: prevTokens must have shape [${s.tokens.length}], received ${describe(prev.shape)}`);
        const prevIds = Array.from(prev.dataSync());
        const tokens = s.tokens.map((r, i) => [...r, prevIds[i]]);
        const t = s.tokens[0]?.length ?? 0; // positions before this one
        const out = tidyObject(() => {
          if (cached) {
            const ids = tf.tensor3d(prevIds, [1, prevIds.length, 1], 'int32'); // [1, b, 1]
            const step = this.cachedStep(ids, t, s); // logits [b, V], attention [b, S]
            return { logProbs: fusedLogSoftmax(step.logits), attention: step.attention, self: step.self as KeyValues[] | undefined }; // [b, V], [b, S]
          }
          const { memory, sourceMask: mask } = s.source.tensors;
          const ids = tf.tensor2d(tokens, [tokens.length, t + 1], 'int32'); // [b, t + 1]
          const full = this.decode(ids, 0, undefined, this.crossKeyValues(memory!), mask, false); // logits [b, t + 1, V]
          const logits = tf.reshape(tf.slice(full.logits, [0, t, 0], [-1, 1, -1]), [tokens.length, -1]) as tf.Tensor2D; // [b, V]
          const lastCross = full.crossScores[full.crossScores.length - 1]; // [b, h, t + 1, S]
          const attention = tf.mean(tf.slice(lastCross, [0, 0, t, 0], [-1, -1, 1, -1]), [1, 2]) as tf.Tensor2D; // [b, S]
          return { logProbs: fusedLogSoftmax(logits), attention, self: undefined as KeyValues[] | undefined };
        });
        // the new state shares the source's tensors and the step weights with the old one (counted, not cloned)
        const state: TransformerDecodeState = { tokens, source: share(s.source), ...(s.stepWeights ? { stepWeights: share(s.stepWeights) } : {}), ...(out.self ? { self: out.self } : {}) };
        return { logProbs: out.logProbs, attention: out.attention, state };
      },
      select: (s, indices) => {
        if (s.disposed) throw new Error('stepDecoder.select: the state was disposed');
        return tidyObject(() => {
          const idx = tf.tensor1d(indices, 'int32');
          const g = <T extends tf.Tensor>(x: T) => tf.gather(x, idx) as T;
          const src = s.source.tensors;
          const source: TransformerSourceTensors = {
            sourceMask: g(src.sourceMask),
            cross: mapKv(src.cross, g),
            ...(src.memory ? { memory: g(src.memory) } : {}),
            ...(src.crossMask ? { crossMask: { bias: g(src.crossMask.bias), keep: g(src.crossMask.keep) } } : {}),
          };
          return {
            tokens: indices.map((i) => [...s.tokens[i]]),
            source: { tensors: source, refs: 1 },
            ...(s.stepWeights ? { stepWeights: share(s.stepWeights) } : {}),
            ...(s.self ? { self: mapKv(s.self, g) } : {}),
          };
        });
      },
      dispose: (s) => {
        if (s.disposed) return;
        s.disposed = true;
        tf.dispose(kvs(s.self));
        release(s.source, sourceTensors);
        release(s.stepWeights, weightTensors);
      },
    };
  }

  dispose(): void {
    this.weights.dispose();
  }
}
