// Keras' `Attention` layer (Luong-style): dot or concat scores over [query, value, key?].
import { tf } from '../../tf';
import { causalMask } from '../masks';
import { maskedSoftmax } from '../softmax';
import { describe } from '../shapes';
import { AttentionCallArgs, checkMask, queryOutputMask, SERIALIZATION_PACKAGE, shapeList, splitInputs, splitMasks } from './common';

export interface AttentionLayerArgs {
  /** Learn a scalar that multiplies the scores (dot) or the tanh's argument (concat). Keras `use_scale`. */
  useScale?: boolean;
  /** 'dot': e = qᵀk; 'concat': e = w Σ tanh(q + k). Keras `score_mode`. */
  scoreMode?: 'dot' | 'concat';
  /** Fraction of attention weights dropped while training. */
  dropout?: number;
  /** Also return the attention weights [batch, Tq, Tv] (as a second output). */
  returnAttentionScores?: boolean;
  /** Mask future keys (j > i). */
  useCausalMask?: boolean;
  name?: string;
  trainable?: boolean;
}

/**
 * Dot-product attention layer with Keras' call convention:
 *   layer.apply([query [b, Tq, d], value [b, Tv, dv], key? [b, Tv, d]], { mask: [queryMask, valueMask] })
 * returns [b, Tq, dv] (and the weights [b, Tq, Tv] when returnAttentionScores).
 *
 *   scores  e_ij = s · q_iᵀ k_j                 (dot; s = learned scalar when useScale, else 1)
 *           e_ij = w · Σ tanh(s · (q_i + k_j))   (concat)
 *   weights α = masked_softmax(e)   (value mask [b, 1, Tv], causal mask)
 *   output  o_i = Σ_j α_ij v_j, zeroed where the query mask is false.
 */
export class Attention extends tf.layers.Layer {
  static className = 'Attention';
  protected readonly useScale: boolean;
  protected readonly scoreMode: 'dot' | 'concat';
  protected readonly dropout: number;
  protected readonly returnAttentionScores: boolean;
  protected readonly useCausalMask: boolean;
  protected scale?: tf.LayerVariable;
  /** Whether the last call returned [output, weights]; computeMask (which sees no kwargs) follows it. */
  protected returnedScores = false;
  protected concatScoreWeight?: tf.LayerVariable;

  constructor(args: AttentionLayerArgs = {}) {
    super(args);
    this.returnedScores = args.returnAttentionScores ?? false;
    this.useScale = args.useScale ?? false;
    this.scoreMode = args.scoreMode ?? 'dot';
    this.dropout = args.dropout ?? 0;
    this.returnAttentionScores = args.returnAttentionScores ?? false;
    this.useCausalMask = args.useCausalMask ?? false;
    this.supportsMasking = true;
    if (this.scoreMode !== 'dot' && this.scoreMode !== 'concat') {
      throw new Error(`${this.getClassName()}: scoreMode must be 'dot' or 'concat', received '${this.scoreMode}'`);
    }
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new Error(`${this.getClassName()}: dropout must be in [0, 1), received ${this.dropout}`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    this.validateShapes(shapeList(inputShape));
    if (this.useScale) this.scale = this.addWeight('scale', [], 'float32', tf.initializers.ones());
    if (this.scoreMode === 'concat') this.concatScoreWeight = this.addWeight('concat_score_weight', [], 'float32', tf.initializers.ones());
    this.built = true;
  }

  protected validateShapes(shapes: tf.Shape[]): void {
    const name = this.getClassName();
    if (shapes.length < 2 || shapes.length > 3) throw new Error(`${name}: inputs must be [query, value] or [query, value, key]; received ${shapes.length}`);
    const [q, v, k = v] = shapes;
    for (const [arg, s] of [['query', q], ['value', v], ['key', k]] as const) {
      if (s.length !== 3) throw new Error(`${name}: ${arg} must have shape [batch, T, dim], received ${describe(s)}`);
    }
    if (q[2] != null && k[2] != null && q[2] !== k[2]) {
      throw new Error(`${name}: query ${describe(q)} and key ${describe(k)} must have the same last axis (expected key [batch, Tv, ${q[2]}])`);
    }
  }

  /** e = scores [b, Tq, Tv] from query [b, Tq, d] and key [b, Tv, d]. */
  protected calculateScores(query: tf.Tensor3D, key: tf.Tensor3D): tf.Tensor3D {
    if (this.scoreMode === 'dot') {
      const e = tf.matMul(query, key, false, true); // [b, Tq, Tv]
      return (this.scale ? tf.mul(e, this.scale.read()) : e) as tf.Tensor3D;
    }
    let sum = tf.add(query.expandDims(2), key.expandDims(1)); // [b, Tq, 1, d] + [b, 1, Tv, d] -> [b, Tq, Tv, d]
    if (this.scale) sum = tf.mul(sum, this.scale.read());
    return tf.mul(tf.sum(tf.tanh(sum), -1), this.concatScoreWeight!.read()) as tf.Tensor3D; // [b, Tq, Tv]
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: AttentionCallArgs = {}): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const name = this.getClassName();
      const { query, value, key } = splitInputs(name, inputs);
      this.validateShapes([query.shape, value.shape, key.shape]);
      const { queryMask, valueMask } = splitMasks(kwargs.mask);
      const [b, tq] = query.shape;
      const tv = value.shape[1];
      checkMask(name, 'query mask', queryMask, b, tq);
      checkMask(name, 'value mask', valueMask, b, tv);

      const scores = this.calculateScores(query, key); // [b, Tq, Tv]
      let mask: tf.Tensor | undefined = valueMask ? valueMask.cast('bool').expandDims(1) : undefined; // [b, 1, Tv]
      if (kwargs.useCausalMask ?? this.useCausalMask) {
        const causal = causalMask(tq, tv).expandDims(0); // [1, Tq, Tv]
        mask = mask ? tf.logicalAnd(mask, causal) : causal;
      }
      const weights = maskedSoftmax(scores, mask) as tf.Tensor3D; // [b, Tq, Tv]
      const dropped = kwargs.training && this.dropout > 0 ? tf.dropout(weights, this.dropout) : weights;
      let output = tf.matMul(dropped, value); // [b, Tq, Tv] x [b, Tv, dv] -> [b, Tq, dv]
      if (queryMask) output = tf.mul(output, queryMask.cast('float32').expandDims(2)); // zero masked queries
      this.returnedScores = kwargs.returnAttentionScores ?? this.returnAttentionScores;
      return this.returnedScores ? [output, weights] : output;
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const [q, v] = shapeList(inputShape);
    const out: tf.Shape = [q[0], q[1], v[2]];
    return this.returnAttentionScores ? [out, [q[0], q[1], v[1]]] : out;
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    return queryOutputMask(mask, this.returnedScores);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      useScale: this.useScale,
      scoreMode: this.scoreMode,
      dropout: this.dropout,
      returnAttentionScores: this.returnAttentionScores,
      useCausalMask: this.useCausalMask,
    };
  }
}
tf.serialization.registerClass(Attention, SERIALIZATION_PACKAGE);
