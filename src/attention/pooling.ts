// Attention pooling: weights from scores, then the weighted average of the values.
import { tf } from '../tf';
import { checkRank, checkSameSize } from './shapes';
import { maskedSoftmax } from './softmax';

export interface AttentionResult {
  /** c_i = Σ_j α_ij v_j: [batch, Tq, dv] */
  context: tf.Tensor3D;
  /** α_ij: [batch, Tq, Tv], each unmasked row sums to 1 */
  weights: tf.Tensor3D;
}

/**
 * α = masked_softmax(scores), c = α V.
 * @param scores [batch, Tq, Tv]; values [batch, Tv, dv]; mask bool broadcastable to scores.
 * @param opts.dropout fraction of the weights dropped (tf.dropout) before they average the values, as
 *   the layers do while training; the returned `weights` are α before dropout. Default 0.
 */
export function attentionPool(scores: tf.Tensor3D, values: tf.Tensor3D, mask?: tf.Tensor, opts: { dropout?: number } = {}): AttentionResult {
  checkRank('attentionPool', 'scores', scores, 3);
  checkRank('attentionPool', 'values', values, 3);
  checkSameSize('attentionPool', 'scores', scores, 2, 'values', values, 1);
  const dropout = opts.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`attentionPool: dropout must be in [0, 1), received ${dropout}`);
  return tf.tidy(() => {
    const weights = maskedSoftmax(scores, mask) as tf.Tensor3D; // [b, Tq, Tv]
    const used = dropout > 0 ? tf.dropout(weights, dropout) : weights;
    const context = tf.matMul(used, values) as tf.Tensor3D; // [b, Tq, Tv] x [b, Tv, dv] -> [b, Tq, dv]
    return { context, weights };
  });
}
