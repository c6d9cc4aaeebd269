// Keras' `MultiHeadAttention`: h heads of scaled dot-product attention over learned projections.
import { tf } from '../../tf';
import { causalMask } from '../masks';
import { describe } from '../shapes';
import { maskedSoftmax } from '../softmax';
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
  /** Whether the last call returned [output, weights]; computeMask (which sees no kwargs) follows it. */
  private returnedScores: boolean;
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
    this.returnedScores = this.returnAttentionScores;
    this.useCausalMask = args.useCausalMask ?? false;
    this.kernelInitializer = args.kernelInitializer ?? 'glorotUniform';
    this.supportsMasking = true;
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

  /** x [b, T, d] -> heads [b, h, T, size] through kernel [d, h, size] and bias [h, size]. */
  private project(x: tf.Tensor3D, kernel: tf.LayerVariable, bias: tf.LayerVariable | undefined, size: number): tf.Tensor4D {
    const [b, t, d] = x.shape;
    const h = this.numHeads;
    let y = tf.matMul(tf.reshape(x, [b * t, d]), tf.reshape(kernel.read(), [d, h * size])); // [b*T, h*size]
    if (bias) y = tf.add(y, tf.reshape(bias.read(), [h * size]));
    return tf.transpose(tf.reshape(y, [b, t, h, size]), [0, 2, 1, 3]); // [b, h, T, size]
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

      const q = this.project(query, this.w.qk!, this.w.qb, this.keyDim); // [b, h, Tq, kd]
      const k = this.project(key, this.w.kk!, this.w.kb, this.keyDim); // [b, h, Tv, kd]
      const v = this.project(value, this.w.vk!, this.w.vb, this.valueDim); // [b, h, Tv, vd]
      const scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(this.keyDim)), k, false, true); // [b, h, Tq, Tv]

      let mask: tf.Tensor | undefined;
      const and = (m: tf.Tensor) => (mask = mask ? tf.logicalAnd(mask, m) : m);
      if (queryMask) and(queryMask.cast('bool').reshape([b, tq, 1]));
      if (valueMask) and(valueMask.cast('bool').reshape([b, 1, tv]));
      if (keyMask) and(keyMask.cast('bool').reshape([b, 1, tv]));
      if (kwargs.useCausalMask ?? this.useCausalMask) and(causalMask(tq, tv).expandDims(0));
      if (kwargs.attentionMask) {
        if (kwargs.attentionMask.rank !== 3) throw new Error(`${name}: attentionMask must have shape [batch, Tq, Tv] = [${b}, ${tq}, ${tv}], received ${describe(kwargs.attentionMask.shape)}`);
        and(kwargs.attentionMask.cast('bool'));
      }
      const weights = maskedSoftmax(scores, mask?.expandDims(1)) as tf.Tensor4D; // [b, h, Tq, Tv]
      const dropped = kwargs.training && this.dropout > 0 ? tf.dropout(weights, this.dropout) : weights;

      const context = tf.matMul(dropped, v); // [b, h, Tq, vd]
      const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [b * tq, this.numHeads * this.valueDim]); // [b*Tq, h*vd]
      const ok = this.w.ok!.read();
      const outDim = ok.shape[2] as number;
      let output: tf.Tensor = tf.matMul(merged, tf.reshape(ok, [this.numHeads * this.valueDim, outDim])); // [b*Tq, out]
      if (this.w.ob) output = tf.add(output, this.w.ob.read());
      output = tf.reshape(output, [b, tq, outDim]); // [b, Tq, out]
      this.returnedScores = kwargs.returnAttentionScores ?? this.returnAttentionScores;
      return this.returnedScores ? [output, weights] : output;
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const [q, v] = shapeList(inputShape);
    const out: tf.Shape = [q[0], q[1], this.outputDim ?? q[2]];
    return this.returnAttentionScores ? [out, [q[0], this.numHeads, q[1], v[1]]] : out;
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    return queryOutputMask(mask, this.returnedScores);
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
