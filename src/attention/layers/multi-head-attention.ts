// Keras' `MultiHeadAttention`: h heads of scaled dot-product attention over learned projections.
import { tf } from '../../tf';
import { linear } from '../linear';
import { scoreMask } from '../masks';
import { attentionPool } from '../pooling';
import { scaledDotScore } from '../scores';
import { describe } from '../shapes';
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
 * For each head h (weights as Keras stores them, so they can be copied across):
 *   Q_h = X_q W_q[:, h, :] + b_q[h]      [b, Tq, keyDim]
 *   K_h = X_k W_k[:, h, :] + b_k[h]      [b, Tv, keyDim]
 *   V_h = X_v W_v[:, h, :] + b_v[h]      [b, Tv, valueDim]
 *   A_h = masked_softmax(Q_h K_hᵀ / √keyDim)           [b, Tq, Tv]
 *   O   = Σ_h (A_h V_h) W_o[h] + b_o                    [b, Tq, outputShape]
 * Mask = query mask [b, Tq, 1] ∧ value/key masks [b, 1, Tv] ∧ causal ∧ attentionMask; a fully
 * masked row attends to nothing (zero weights), as in Keras.
 * Inputs [query, value, key?]; returns O, and [O, A [b, h, Tq, Tv]] when returnAttentionScores.
 * The heads run through the functional core (scaledDotScore, scoreMask, attentionPool) as one batch of b·h.
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

  /** x [b, T, d] -> the heads as one batch [b·h, T, size], through kernel [d, h, size] and bias [h, size]. */
  private project(x: tf.Tensor3D, kernel: tf.LayerVariable, bias: tf.LayerVariable | undefined, size: number): tf.Tensor3D {
    const [b, t, d] = x.shape;
    const h = this.numHeads;
    let y: tf.Tensor = linear(x, tf.reshape(kernel.read(), [d, h * size])); // [b, T, h*size]
    if (bias) y = tf.add(y, tf.reshape(bias.read(), [h * size]));
    return tf.reshape(tf.transpose(tf.reshape(y, [b, t, h, size]), [0, 2, 1, 3]), [b * h, t, size]); // [b·h, T, size]
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
      const h = this.numHeads;
      const q = this.project(query, this.w.qk!, this.w.qb, this.keyDim); // [b·h, Tq, kd]
      const k = this.project(key, this.w.kk!, this.w.kb, this.keyDim); // [b·h, Tv, kd]
      const v = this.project(value, this.w.vk!, this.w.vb, this.valueDim); // [b·h, Tv, vd]
      const scores = scaledDotScore(q, k); // Q Kᵀ / √keyDim: [b·h, Tq, Tv]
      const mask = scoreMask({ queryMask, valueMask, keyMask, attentionMask, causal: kwargs.useCausalMask ?? this.useCausalMask }, tq, tv); // [b or 1, Tq, Tv]
      const headMask = mask && tf.reshape(tf.broadcastTo(mask.expandDims(1), [b, h, tq, tv]), [b * h, tq, tv]); // the same for every head
      const { context, weights } = attentionPool(scores, v, headMask, { dropout: kwargs.training ? this.dropout : 0 }); // [b·h, Tq, vd], [b·h, Tq, Tv]

      const merged = tf.reshape(tf.transpose(tf.reshape(context, [b, h, tq, this.valueDim]), [0, 2, 1, 3]), [b, tq, h * this.valueDim]) as tf.Tensor3D; // [b, Tq, h·vd]
      const ok = this.w.ok!.read();
      let output: tf.Tensor = linear(merged, tf.reshape(ok, [h * this.valueDim, ok.shape[2] as number])); // [b, Tq, out]
      if (this.w.ob) output = tf.add(output, this.w.ob.read());
      return (kwargs.returnAttentionScores ?? this.returnAttentionScores) ? [output, tf.reshape(weights, [b, h, tq, tv])] : output;
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
