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
 */
export function attentionPool(scores: tf.Tensor3D, values: tf.Tensor3D, mask?: tf.Tensor): AttentionResult {
  checkRank('attentionPool', 'scores', scores, 3);
  checkRank('attentionPool', 'values', values, 3);
  checkSameSize('attentionPool', 'scores', scores, 2, 'values', values, 1);
  return tf.tidy(() => {
    const weights = maskedSoftmax(scores, mask) as tf.Tensor3D; // [b, Tq, Tv]
    const context = tf.matMul(weights, values) as tf.Tensor3D; // [b, Tq, Tv] x [b, Tv, dv] -> [b, Tq, dv]
    return { context, weights };
  });
}
