// Keras' `MultiHeadAttention`: h heads of scaled dot-product attention over learned projections.
import { tf } from '../../tf';
import { linear } from '../linear';
import { scoreMask } from '../masks';
import { attentionPool } from '../pooling';
import { scaledDotScore } from '../scores';
import { describe } from '../shapes';
import type { SoftmaxMaskTerms } from '../softmax';
import { AttentionCallArgs, checkMask, queryOutputMask, SERIALIZATION_PACKAGE, shapeList, splitInputs, splitMasks } from './common';

export interface MultiHeadAttentionLayerArgs {
  numHeads: number;
  /** Size of each head's query/key projection. */
  keyDim: number;
  /** Size of each head's value projection (default keyDim). */
  valueDim?: number;
  useBias?: boolean;
  /** Last axis of the output (default: the query's last axis). */
  outputShape?: number;
  dropout?: number;
  returnAttentionScores?: boolean;
  useCausalMask?: boolean;
  kernelInitializer?: 'glorotUniform' | 'zeros' | 'ones';
  name?: string;
  trainable?: boolean;
}

export interface MultiHeadCallArgs extends AttentionCallArgs {
  /** Boolean [b, Tq, Tv] (or broadcastable): true where query i may attend to key j. */
  attentionMask?: tf.Tensor;
}

/**
 * A multi-head attention layer's weights, in Keras' shapes: query/key kernels [d, h, keyDim], value kernel
 * [d, h, valueDim], biases [h, size], output kernel [h, valueDim, out] and bias [out]. The layer's own
 * (`MultiHeadAttention.headWeights()`), or any tensors or variables of these shapes (the Transformer's).
 */
export interface MultiHeadWeights {
  queryKernel: tf.Tensor;
  queryBias?: tf.Tensor;
  keyKernel: tf.Tensor;
  keyBias?: tf.Tensor;
  valueKernel: tf.Tensor;
  valueBias?: tf.Tensor;
  outputKernel: tf.Tensor;
  outputBias?: tf.Tensor;
}

/**
 * One projection split into heads: X W[:, h, :] + b[h] for every head h.
 * @param x [b, T, d]; kernel [d, h, size]; bias [h, size]
 * @returns [b, h, T, size]
 */
export function projectHeads(x: tf.Tensor3D, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor4D {
  const where = 'projectHeads';
  if (x.rank !== 3) throw new Error(`${where}: x must have shape [batch, T, d], received ${describe(x.shape)}`);
  if (kernel.rank !== 3 || kernel.shape[0] !== x.shape[2]) throw new Error(`${where}: kernel must have shape [${x.shape[2]}, heads, size] for x ${describe(x.shape)}, received ${describe(kernel.shape)}`);
  const [b, t, d] = x.shape;
  const [, h, size] = kernel.shape;
  if (bias && (bias.rank !== 2 || bias.shape[0] !== h || bias.shape[1] !== size)) throw new Error(`${where}: bias must have shape [${h}, ${size}], received ${describe(bias.shape)}`);
  return tf.tidy(() => {
    let y: tf.Tensor = linear(x, tf.reshape(kernel, [d, h * size])); // [b, T, h·size]
    if (bias) y = tf.add(y, tf.reshape(bias, [h * size]));
    return tf.transpose(tf.reshape(y, [b, t, h, size]), [0, 2, 1, 3]) as tf.Tensor4D; // [b, h, T, size]
  });
}

/**
 * Scaled dot-product attention of projected heads, merged by the output projection:
 *   A_h = masked_softmax(Q_h K_hᵀ / √keyDim),  O = Σ_h (A_h V_h) W_o[h] + b_o.
 * The heads stay an axis of their own ([b, h, T, size]): the scores, the softmax and the weighted values
 * are one batched op each for all heads (scaledDotScore and attentionPool over rank 4), and a mask given
 * once for all heads broadcasts over them. The keys and values may be cached projections (a decoder's
 * prefix, an encoder's memory): a query block of one new position attends over all of them without
 * recomputing them.
 * @param q [b, h, Tq, kd]; k [b, h, Tv, kd]; v [b, h, Tv, vd]; outputKernel [h, vd, out] (or the same
 *   numbers as [h·vd, out], the heads' rows one after another); outputBias [out];
 *   mask bool broadcastable to [b, Tq, Tv] (the same for every head), or to [b, h, Tq, Tv], true = attend;
 *   or a mask's softmaxMaskTerms of those shapes (made once for a mask that many calls use);
 *   opts.scale: what the scores are multiplied by (default 1/√keyDim; 1 for queries already scaled).
 * @returns output [b, Tq, out] and the weights (scores after softmax) [b, h, Tq, Tv]
 */
export function attendHeads(
  q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, outputKernel: tf.Tensor, outputBias?: tf.Tensor, mask?: tf.Tensor | SoftmaxMaskTerms, opts: { dropout?: number; scale?: number } = {},
): { output: tf.Tensor3D; scores: tf.Tensor4D } {
  const where = 'attendHeads';
  for (const [n, t] of [['q', q], ['k', k], ['v', v]] as const) if (t.rank !== 4) throw new Error(`${where}: ${n} must have shape [batch, heads, T, size], received ${describe(t.shape)}`);
  const [b, h, tq, kd] = q.shape;
  const [tv, vd] = [k.shape[2], v.shape[3]];
  if (k.shape[0] !== b || k.shape[1] !== h || k.shape[3] !== kd) throw new Error(`${where}: k ${describe(k.shape)} must be [${b}, ${h}, Tv, ${kd}] for q ${describe(q.shape)}`);
  if (v.shape[0] !== b || v.shape[1] !== h || v.shape[2] !== tv) throw new Error(`${where}: v ${describe(v.shape)} must be [${b}, ${h}, ${tv}, vd] for k ${describe(k.shape)}`);
  const stacked = outputKernel.rank === 2 && outputKernel.shape[0] === h * vd;
  if (!stacked && (outputKernel.rank !== 3 || outputKernel.shape[0] !== h || outputKernel.shape[1] !== vd)) {
    throw new Error(`${where}: outputKernel must have shape [${h}, ${vd}, out] (or [${h * vd}, out]), received ${describe(outputKernel.shape)}`);
  }
  const out = outputKernel.shape[outputKernel.rank - 1] as number;
  const maskTensors = mask === undefined ? [] : mask instanceof tf.Tensor ? [mask] : [mask.bias, mask.keep];
  for (const m of maskTensors) {
    const full = m.rank === 4 ? [b, h, tq, tv] : [b, tq, tv];
    if ((m.rank !== 3 && m.rank !== 4) || full.some((n, i) => m.shape[i] !== n && m.shape[i] !== 1)) {
      throw new Error(`${where}: mask must have shape [batch, Tq, Tv] = [${b}, ${tq}, ${tv}] or [batch, heads, Tq, Tv] = [${b}, ${h}, ${tq}, ${tv}] (or broadcast to it), received ${describe(m.shape)}`);
    }
  }
  return tf.tidy(() => {
    const scores = scaledDotScore(q, k, opts.scale); // Q Kᵀ / √keyDim for every head: [b, h, Tq, Tv]
    const perHead = (m: tf.Tensor) => (m.rank === 3 ? tf.expandDims(m, 1) : m); // [b, 1, Tq, Tv]: the same for every head
    const headMask = mask === undefined ? undefined : mask instanceof tf.Tensor ? perHead(mask) : { bias: perHead(mask.bias), keep: perHead(mask.keep) };
    const { context, weights } = attentionPool(scores, v, headMask, { dropout: opts.dropout ?? 0 }); // [b, h, Tq, vd], [b, h, Tq, Tv]
    // the heads side by side per position, then W_o: [b, Tq, h·vd] [h·vd, out]. For one query position (a decoding
    // step) the heads of [b, h, 1, vd] are already side by side in memory: a reshape to [b, h·vd] and one matMul.
    const kernel = (stacked ? outputKernel : tf.reshape(outputKernel, [h * vd, out])) as tf.Tensor2D;
    let output: tf.Tensor = tq === 1
      ? tf.matMul(tf.reshape(context, [b, h * vd]), kernel) // [b, out]
      : linear(tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [b, tq, h * vd]) as tf.Tensor3D, kernel); // [b, Tq, out]
    if (outputBias) output = tf.add(output, outputBias);
    return { output: (tq === 1 ? tf.reshape(output, [b, 1, out]) : output) as tf.Tensor3D, scores: weights };
  }) as unknown as { output: tf.Tensor3D; scores: tf.Tensor4D };
}

/**
 * Multi-head attention as a function of explicit weights: what the `MultiHeadAttention` layer computes
 * (its `call` is this), = attendHeads(projectHeads(query, W_q), projectHeads(key, W_k), projectHeads(value, W_v)).
 * @param query [b, Tq, dq]; value [b, Tv, dv]; key [b, Tv, dk] (default value); mask broadcastable to [b, Tq, Tv]
 * @returns output [b, Tq, out] and weights [b, h, Tq, Tv]
 */
export function multiHeadAttention(
  w: MultiHeadWeights, query: tf.Tensor3D, value: tf.Tensor3D, key: tf.Tensor3D = value, opts: { mask?: tf.Tensor; dropout?: number } = {},
): { output: tf.Tensor3D; scores: tf.Tensor4D } {
  return tf.tidy(() => {
    const q = projectHeads(query, w.queryKernel, w.queryBias); // [b, h, Tq, kd]
    const k = projectHeads(key, w.keyKernel, w.keyBias); // [b, h, Tv, kd]
    const v = projectHeads(value, w.valueKernel, w.valueBias); // [b, h, Tv, vd]
    return attendHeads(q, k, v, w.outputKernel, w.outputBias, opts.mask, { dropout: opts.dropout }) as unknown as tf.TensorContainer;
  }) as unknown as { output: tf.Tensor3D; scores: tf.Tensor4D };
}

/**
 * For each head h (weights as Keras stores them, so they can be copied across):
 *   Q_h = X_q W_q[:, h, :] + b_q[h]      [b, Tq, keyDim]
 *   K_h = X_k W_k[:, h, :] + b_k[h]      [b, Tv, keyDim]
 *   V_h = X_v W_v[:, h, :] + b_v[h]      [b, Tv, valueDim]
 *   A_h = masked_softmax(Q_h K_hᵀ / √keyDim)           [b, Tq, Tv]
 *   O   = Σ_h (A_h V_h) W_o[h] + b_o                    [b, Tq, outputShape]
 * Mask = query mask [b, Tq, 1] ∧ value/key masks [b, 1, Tv] ∧ causal ∧ attentionMask; a fully
 * masked row attends to nothing (zero weights), as in Keras.
 * Inputs [query, value, key?]; returns O, and [O, A [b, h, Tq, Tv]] when returnAttentionScores.
 * The heads run through the functional core (`multiHeadAttention`: projectHeads, then attendHeads, on
 * scaledDotScore and attentionPool) as one batch of b·h; `headWeights()` gives the weights to call it directly.
 */
export class MultiHeadAttention extends tf.layers.Layer {
  /** Not 'MultiHeadAttention': tfjs-layers registers its own class under that name (tfjs' NLP models). */
  static className = 'AwMultiHeadAttention';
  private readonly numHeads: number;
  private readonly keyDim: number;
  private readonly valueDim: number;
  private readonly useBias: boolean;
  private readonly outputDim?: number;
  private readonly dropout: number;
  private readonly returnAttentionScores: boolean;
  private readonly useCausalMask: boolean;
  private readonly kernelInitializer: 'glorotUniform' | 'zeros' | 'ones';
  private w: Record<'qk' | 'qb' | 'kk' | 'kb' | 'vk' | 'vb' | 'ok' | 'ob', tf.LayerVariable | undefined> = {
    qk: undefined, qb: undefined, kk: undefined, kb: undefined, vk: undefined, vb: undefined, ok: undefined, ob: undefined,
  };

  constructor(args: MultiHeadAttentionLayerArgs) {
    super(args);
    const name = 'MultiHeadAttention';
    for (const key of ['numHeads', 'keyDim'] as const) {
      if (!Number.isInteger(args?.[key]) || args[key] < 1) throw new Error(`${name}: ${key} must be a positive integer, received ${args?.[key]}`);
    }
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim;
    this.valueDim = args.valueDim ?? args.keyDim;
    this.useBias = args.useBias ?? true;
    this.outputDim = args.outputShape;
    this.dropout = args.dropout ?? 0;
    this.returnAttentionScores = args.returnAttentionScores ?? false;
    this.useCausalMask = args.useCausalMask ?? false;
    this.kernelInitializer = args.kernelInitializer ?? 'glorotUniform';
    this.supportsMasking = false; // masks come in through the call's `mask` (see queryOutputMask)
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new Error(`${name}: dropout must be in [0, 1), received ${this.dropout}`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shapes = shapeList(inputShape);
    const [q, v, k = v] = shapes;
    for (const [arg, s] of [['query', q], ['value', v], ['key', k]] as const) {
      if (!s || s.length !== 3 || s[2] == null) throw new Error(`MultiHeadAttention: ${arg} must have shape [batch, T, dim] with dim known, received ${s ? describe(s) : 'nothing'}`);
    }
    const [h, kd, vd] = [this.numHeads, this.keyDim, this.valueDim];
    const out = this.outputDim ?? (q[2] as number);
    const init = this.kernelInitializer === 'glorotUniform' ? tf.initializers.glorotUniform({}) : this.kernelInitializer === 'ones' ? tf.initializers.ones() : tf.initializers.zeros();
    const zeros = tf.initializers.zeros();
    // Names and shapes follow Keras: query/kernel [dq, h, keyDim], ..., attention_output/kernel [h, valueDim, out].
    this.w.qk = this.addWeight('query/kernel', [q[2] as number, h, kd], 'float32', init);
    if (this.useBias) this.w.qb = this.addWeight('query/bias', [h, kd], 'float32', zeros);
    this.w.kk = this.addWeight('key/kernel', [k[2] as number, h, kd], 'float32', init);
    if (this.useBias) this.w.kb = this.addWeight('key/bias', [h, kd], 'float32', zeros);
    this.w.vk = this.addWeight('value/kernel', [v[2] as number, h, vd], 'float32', init);
    if (this.useBias) this.w.vb = this.addWeight('value/bias', [h, vd], 'float32', zeros);
    this.w.ok = this.addWeight('attention_output/kernel', [h, vd, out], 'float32', init);
    if (this.useBias) this.w.ob = this.addWeight('attention_output/bias', [out], 'float32', zeros);
    this.built = true;
  }

  /** The layer's weights as tensors, for the functional form `multiHeadAttention(layer.headWeights(), ...)`. */
  headWeights(): MultiHeadWeights {
    if (!this.built) throw new Error('MultiHeadAttention: headWeights() needs a built layer (call it once, or build it)');
    const r = (v: tf.LayerVariable | undefined) => v?.read();
    return { queryKernel: r(this.w.qk)!, queryBias: r(this.w.qb), keyKernel: r(this.w.kk)!, keyBias: r(this.w.kb), valueKernel: r(this.w.vk)!, valueBias: r(this.w.vb), outputKernel: r(this.w.ok)!, outputBias: r(this.w.ob) };
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MultiHeadCallArgs = {}): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const name = 'MultiHeadAttention';
      const { query, value, key } = splitInputs(name, inputs);
      const [b, tq] = query.shape;
      const tv = value.shape[1];
      const { queryMask, valueMask, keyMask } = splitMasks(kwargs.mask);
      checkMask(name, 'query mask', queryMask, b, tq);
      checkMask(name, 'value mask', valueMask, b, tv);
      checkMask(name, 'key mask', keyMask, b, tv);
      for (const [arg, t, w] of [['query', query, this.w.qk], ['key', key, this.w.kk], ['value', value, this.w.vk]] as const) {
        if (t.shape[2] !== w!.shape[0]) throw new Error(`${name}: ${arg} must have last axis ${w!.shape[0]} (the layer was built for it), received ${describe(t.shape)}`);
      }

      const { attentionMask } = kwargs;
      if (attentionMask && (attentionMask.rank !== 3 || [b, tq, tv].some((n, i) => attentionMask.shape[i] !== n && attentionMask.shape[i] !== 1))) {
        throw new Error(`${name}: attentionMask must have shape [batch, Tq, Tv] = [${b}, ${tq}, ${tv}], received ${describe(attentionMask.shape)}`);
      }
      const mask = scoreMask({ queryMask, valueMask, keyMask, attentionMask, causal: kwargs.useCausalMask ?? this.useCausalMask }, tq, tv); // [b or 1, Tq, Tv]
      const { output, scores } = multiHeadAttention(this.headWeights(), query, value, key, { mask, dropout: kwargs.training ? this.dropout : 0 }); // [b, Tq, out], [b, h, Tq, Tv]
      return (kwargs.returnAttentionScores ?? this.returnAttentionScores) ? [output, scores] : output;
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const [q, v] = shapeList(inputShape);
    const out: tf.Shape = [q[0], q[1], this.outputDim ?? q[2]];
    return this.returnAttentionScores ? [out, [q[0], this.numHeads, q[1], v[1]]] : out;
  }

  /** Keras' rule from the input masks and the configured outputs (as computeOutputShape): the output keeps the query mask. */
  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    return queryOutputMask(mask, this.returnAttentionScores);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      useBias: this.useBias,
      outputShape: this.outputDim ?? null,
      dropout: this.dropout,
      returnAttentionScores: this.returnAttentionScores,
      useCausalMask: this.useCausalMask,
      kernelInitializer: this.kernelInitializer,
    };
  }
}
tf.serialization.registerClass(MultiHeadAttention, SERIALIZATION_PACKAGE);
