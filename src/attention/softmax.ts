// Masked softmax: the step that turns scores into attention weights.
import { tf } from '../tf';

/**
 * Softmax over the last axis, ignoring masked-out entries:
 *
 *   α_ij = m_ij exp(e_ij) / Σ_k m_ik exp(e_ik)
 *
 * computed as m ⊙ softmax(e − 10⁹ (1 − m)): masked entries fall 10⁹ below the rest, so exp() gives them
 * exactly zero weight and zero gradient, and tf.softmax subtracts the row maximum, so nothing overflows.
 * A row with no allowed entry returns all zeros (never NaN), where Keras would return a uniform row.
 *
 * @param scores [..., Tv]
 * @param mask   bool, broadcastable to scores; true = attend (or its `softmaxMaskTerms`, made once for a mask
 *               used at many steps). Omitted: plain softmax.
 * @returns weights, same shape as scores; each unmasked row sums to 1.
 */
export function maskedSoftmax(scores: tf.Tensor, mask?: tf.Tensor | SoftmaxMaskTerms): tf.Tensor {
  if (!mask) return tf.softmax(scores);
  return tf.tidy(() => {
    const { bias, keep } = mask instanceof tf.Tensor ? softmaxMaskTerms(mask) : mask;
    return tf.mul(tf.softmax(tf.add(scores, bias)), keep);
  });
}

/** The two terms `maskedSoftmax` applies: `bias` = −10⁹ (1 − m), added to the scores, and `keep` = m, float. */
export type SoftmaxMaskTerms = { bias: tf.Tensor; keep: tf.Tensor };

/** A mask's `SoftmaxMaskTerms`, computed once for a mask that many softmaxes use (a decoder's source mask). */
export function softmaxMaskTerms(mask: tf.Tensor): SoftmaxMaskTerms {
  return tf.tidy(() => {
    const keep = mask.cast('float32');
    return { bias: tf.mul(tf.sub(1, keep), -1e9), keep };
  });
}
