// Attention pooling: weights from scores, then the weighted average of the values.
import { tf } from '../tf';
import { checkRankIn, checkSameSize, describe } from './shapes';
import { maskedSoftmax, type SoftmaxMaskTerms } from './softmax';

export interface AttentionResult<T extends tf.Tensor = tf.Tensor3D> {
  /** c_i = Σ_j α_ij v_j: [batch, Tq, dv] ([batch, heads, Tq, dv]) */
  context: T;
  /** α_ij: [batch, Tq, Tv] ([batch, heads, Tq, Tv]), each unmasked row sums to 1 */
  weights: T;
}

/**
 * α = masked_softmax(scores), c = α V.
 * @param scores [batch, Tq, Tv]; values [batch, Tv, dv]; or, over heads, [batch, heads, Tq, Tv] and
 *   [batch, heads, Tv, dv]; mask bool broadcastable to scores, or its softmaxMaskTerms (see maskedSoftmax).
 * @param opts.dropout fraction of the weights dropped (tf.dropout) before they average the values, as
 *   the layers do while training; the returned `weights` are α before dropout. Default 0.
 */
export function attentionPool<T extends tf.Tensor3D | tf.Tensor4D>(scores: T, values: T, mask?: tf.Tensor | SoftmaxMaskTerms, opts: { dropout?: number } = {}): AttentionResult<T> {
  checkRankIn('attentionPool', 'scores', scores, [3, 4]);
  checkRankIn('attentionPool', 'values', values, [3, 4]);
  if (scores.rank !== values.rank) throw new Error(`attentionPool: scores ${describe(scores.shape)} and values ${describe(values.shape)} must have the same rank`);
  checkSameSize('attentionPool', 'scores', scores, -1, 'values', values, -2);
  const dropout = opts.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`attentionPool: dropout must be in [0, 1), received ${dropout}`);
  return tf.tidy(() => {
    const weights = maskedSoftmax(scores, mask) as T; // [b, Tq, Tv]
    const used = dropout > 0 ? tf.dropout(weights, dropout) : weights;
    const context = tf.matMul(used, values) as T; // [b, Tq, Tv] x [b, Tv, dv] -> [b, Tq, dv]
    return { context, weights };
  });
}
