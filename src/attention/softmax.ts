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
 * @param mask   bool, broadcastable to scores; true = attend. Omitted: plain softmax.
 * @returns weights, same shape as scores; each unmasked row sums to 1.
 */
export function maskedSoftmax(scores: tf.Tensor, mask?: tf.Tensor): tf.Tensor {
  if (!mask) return tf.softmax(scores);
  return tf.tidy(() => {
    const m = mask.cast('float32');
    return tf.mul(tf.softmax(tf.add(scores, tf.mul(tf.sub(1, m), -1e9))), m);
  });
}
