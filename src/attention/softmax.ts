// Masked softmax: the step that turns scores into attention weights.
import { tf } from '../tf';

/**
 * Softmax over the last axis, ignoring masked-out entries:
 *
 *   α_ij = m_ij exp(e_ij − c_i) / Σ_k m_ik exp(e_ik − c_i),   c_i = max_{k: m_ik} e_ik
 *
 * Subtracting the row maximum c_i keeps exp from overflowing. A row with no allowed entry returns
 * all zeros (never NaN). Masked entries get exactly zero weight and zero gradient.
 *
 * @param scores [..., Tv]
 * @param mask   bool, broadcastable to scores; true = attend. Omitted: plain softmax.
 * @returns weights, same shape as scores; each unmasked row sums to 1.
 */
export function maskedSoftmax(scores: tf.Tensor, mask?: tf.Tensor): tf.Tensor {
  if (!mask) return tf.softmax(scores);
  return tf.tidy(() => {
    const m = tf.broadcastTo(mask.cast('bool'), scores.shape);
    const anyAllowed = tf.any(m, -1, true); // [..., 1]; false for an empty row
    const rowMax = tf.max(tf.where(m, scores, tf.fill(scores.shape, -Infinity)), -1, true); // [..., 1]
    const shift = tf.where(anyAllowed, rowMax, tf.zerosLike(rowMax)); // softmax is shift-invariant
    // e − c ≤ 0 where allowed; 0 (not e − c, which can overflow exp) where masked: out of the gradient too
    const z = tf.where(m, tf.sub(scores, shift), tf.zerosLike(scores));
    const e = tf.mul(tf.exp(z), m.cast('float32'));
    const total = tf.sum(e, -1, true);
    return tf.div(e, tf.where(anyAllowed, total, tf.onesLike(total)));
  });
}
