// Keras' `Attention` layer (Luong-style): dot or concat scores over [query, value, key?].
import { tf } from '../../tf';
import { scoreMask } from '../masks';
import { attentionPool } from '../pooling';
import { additiveScore, dotScore, scaledDotScore } from '../scores';
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
 * The formulas are the functional core's: dotScore/scaledDotScore, additiveScore, scoreMask, attentionPool.
 */
export class Attention extends tf.layers.Layer {
  static className = 'Attention';
  protected readonly useScale: boolean;
  protected readonly scoreMode: 'dot' | 'concat';
  protected readonly dropout: number;
  protected readonly returnAttentionScores: boolean;
  protected readonly useCausalMask: boolean;
  protected scale?: tf.LayerVariable;
  protected concatScoreWeight?: tf.LayerVariable;

  constructor(args: AttentionLayerArgs = {}) {
    super(args);
    this.useScale = args.useScale ?? false;
    this.scoreMode = args.scoreMode ?? 'dot';
    this.dropout = args.dropout ?? 0;
    this.returnAttentionScores = args.returnAttentionScores ?? false;
    this.useCausalMask = args.useCausalMask ?? false;
    this.supportsMasking = false; // masks come in through the call's `mask` (see queryOutputMask)
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
    const s = this.scale?.read() as tf.Scalar | undefined;
    if (this.scoreMode === 'dot') return s ? scaledDotScore(query, key, s) : dotScore(query, key); // [b, Tq, Tv]
    // concat: the additive score with identity projections and v = 1, s(q + k) = sq + sk, times w
    const [q, k] = s ? [tf.mul(query, s) as tf.Tensor3D, tf.mul(key, s) as tf.Tensor3D] : [query, key];
    return tf.mul(additiveScore(q, k), this.concatScoreWeight!.read()) as tf.Tensor3D; // [b, Tq, Tv]
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
      const mask = scoreMask({ valueMask, causal: kwargs.useCausalMask ?? this.useCausalMask }, tq, tv); // the query mask masks outputs, not scores
      const { context, weights } = attentionPool(scores, value, mask, { dropout: kwargs.training ? this.dropout : 0 }); // [b, Tq, dv], [b, Tq, Tv]
      const output = queryMask ? tf.mul(context, queryMask.cast('float32').expandDims(2)) : context; // zero masked queries
      return (kwargs.returnAttentionScores ?? this.returnAttentionScores) ? [output, weights] : output;
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const [q, v] = shapeList(inputShape);
    const out: tf.Shape = [q[0], q[1], v[2]];
    return this.returnAttentionScores ? [out, [q[0], q[1], v[1]]] : out;
  }

  /** Keras' rule from the input masks and the configured outputs (as computeOutputShape): the output keeps the query mask. */
  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    return queryOutputMask(mask, this.returnAttentionScores);
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
