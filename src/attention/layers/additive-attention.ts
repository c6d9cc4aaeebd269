// Keras' `AdditiveAttention` layer (Bahdanau-style scores over already-projected inputs).
import { tf } from '../../tf';
import { additiveScore } from '../scores';
import { SERIALIZATION_PACKAGE, shapeList } from './common';
import { Attention, AttentionLayerArgs } from './attention';

export type AdditiveAttentionLayerArgs = Omit<AttentionLayerArgs, 'scoreMode'>;

/**
 * Additive attention, Keras' convention: e_ij = Σ_d s_d tanh(q_id + k_jd), with s [dim] learned
 * when useScale (default true, Glorot-uniform initialised). This is Bahdanau's vᵀ tanh(W_q q + W_k k)
 * with the projections W_q, W_k left to the caller (Dense layers before it), and v = s.
 * Inputs, masks and outputs as in `Attention`.
 */
export class AdditiveAttention extends Attention {
  static override className = 'AdditiveAttention';

  constructor(args: AdditiveAttentionLayerArgs = {}) {
    super({ ...args, useScale: args.useScale ?? true, scoreMode: 'concat' });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shapes = shapeList(inputShape);
    this.validateShapes(shapes);
    const dim = shapes[0][2];
    if (dim == null) throw new Error('AdditiveAttention: the last axis of query must be known to build the layer');
    if (this.useScale) this.scale = this.addWeight('scale', [dim], 'float32', tf.initializers.glorotUniform({}));
    this.built = true;
  }

  protected override calculateScores(query: tf.Tensor3D, key: tf.Tensor3D): tf.Tensor3D {
    return additiveScore(query, key, this.scale?.read() as tf.Tensor1D | undefined); // [b, Tq, Tv]
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { scoreMode: _omitted, ...config } = super.getConfig();
    return config;
  }
}
tf.serialization.registerClass(AdditiveAttention, SERIALIZATION_PACKAGE);
