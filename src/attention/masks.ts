// Attention masks. Convention (Keras'): a boolean tensor, `true` where attention is ALLOWED.
// A score mask has the scores' shape [batch, Tq, Tv] or broadcasts to it ([batch, 1, Tv], [Tq, Tv]).
import { tf } from '../tf';

/**
 * Padding (value) mask from sequence lengths: `mask[b, t] = t < lengths[b]`.
 * @returns bool [batch, maxLen]
 */
export function paddingMask(lengths: number[], maxLen: number): tf.Tensor2D {
  for (const n of lengths) {
    if (!Number.isInteger(n) || n < 0 || n > maxLen) {
      throw new Error(`paddingMask: every length must be an integer in [0, ${maxLen}], got ${n}`);
    }
  }
  return tf.tidy(() => tf.less(tf.range(0, maxLen, 1, 'int32').expandDims(0), tf.tensor1d(lengths, 'int32').expandDims(1)) as tf.Tensor2D);
}

/**
 * Causal mask: query position i may attend to key positions j <= i (+ `offset`, for a query block
 * that starts later than the keys).
 * @returns bool [Tq, Tv]
 */
export function causalMask(tq: number, tv: number, offset = 0): tf.Tensor2D {
  return tf.tidy(() => {
    const i = tf.range(0, tq, 1, 'int32').expandDims(1); // [Tq, 1]
    const j = tf.range(0, tv, 1, 'int32').expandDims(0); // [1, Tv]
    return tf.lessEqual(j, tf.add(i, offset)) as tf.Tensor2D;
  });
}

/**
 * The score mask [batch, Tq, Tv] from the masks Keras layers take: a value padding mask [batch, Tv]
 * (and a key mask [batch, Tv], when keys have their own), a query mask [batch, Tq], an optional
 * causal constraint, and an explicit attention mask broadcastable to [batch, Tq, Tv]. Missing parts
 * allow everything; returns undefined when nothing masks. The one place masks are combined: the
 * attention layers and the decoders all build their score masks here.
 */
export function scoreMask(
  opts: { valueMask?: tf.Tensor; keyMask?: tf.Tensor; queryMask?: tf.Tensor; attentionMask?: tf.Tensor; causal?: boolean },
  tq: number,
  tv: number,
): tf.Tensor | undefined {
  const { valueMask, keyMask, queryMask, attentionMask, causal } = opts;
  if (!valueMask && !keyMask && !queryMask && !attentionMask && !causal) return undefined;
  return tf.tidy(() => {
    let m: tf.Tensor = tf.ones([1, tq, tv], 'bool');
    if (valueMask) m = tf.logicalAnd(m, valueMask.cast('bool').expandDims(1)); // [b, 1, Tv]
    if (keyMask) m = tf.logicalAnd(m, keyMask.cast('bool').expandDims(1)); // [b, 1, Tv]
    if (queryMask) m = tf.logicalAnd(m, queryMask.cast('bool').expandDims(2)); // [b, Tq, 1]
    if (causal) m = tf.logicalAnd(m, causalMask(tq, tv).expandDims(0)); // [1, Tq, Tv]
    if (attentionMask) m = tf.logicalAnd(m, attentionMask.cast('bool'));
    return m;
  });
}
