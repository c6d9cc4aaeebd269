// Masked token-level loss and accuracy: padding positions count for nothing.
import { tf } from '../tf';

/**
 * Mean cross-entropy over real target tokens:
 *   L = − Σ_{b,t} m_bt log softmax(z_bt)[y_bt] / Σ_{b,t} m_bt
 * With label smoothing ε (Szegedy et al. 2016; Vaswani et al. use ε = 0.1), the target is
 * (1 − ε) one-hot(y) + ε / V uniform over the whole vocabulary (as Keras' and PyTorch's label_smoothing):
 *   L_ε = Σ m_bt [ (1 − ε)(− log p(y_bt)) + ε (− (1/V) Σ_v log p(v)) ] / Σ m_bt
 * Padding positions count for nothing either way; ε = 0 is the plain loss, computed exactly as without it.
 * @param logits [b, T, V]; targets int32 [b, T]; mask bool/float [b, T]; opts.labelSmoothing ε in [0, 1)
 */
export function maskedCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D, opts: { labelSmoothing?: number } = {}): tf.Scalar {
  if (logits.shape[0] !== targets.shape[0] || logits.shape[1] !== targets.shape[1]) {
    throw new Error(`maskedCrossEntropy: logits [${logits.shape}] and targets [${targets.shape}] must agree on [batch, T]`);
  }
  const eps = opts.labelSmoothing ?? 0;
  if (!(typeof eps === 'number' && eps >= 0 && eps < 1)) throw new Error(`maskedCrossEntropy: labelSmoothing must be in [0, 1), not ${JSON.stringify(opts.labelSmoothing)}`);
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits); // [b, T, V]
    const picked = tf.sum(tf.mul(logp, tf.oneHot(targets.cast('int32'), logits.shape[2])), -1); // log p(y_bt): [b, T]
    const perToken = eps === 0 ? picked : tf.add(tf.mul(picked, 1 - eps), tf.mul(tf.mean(logp, -1), eps)); // −(per-token loss): [b, T]
    const m = mask.cast('float32');
    return tf.div(tf.neg(tf.sum(tf.mul(perToken, m))), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
  });
}

/** Fraction of real target tokens whose argmax prediction is right. */
export function tokenAccuracy(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const m = mask.cast('float32');
    const right = tf.equal(tf.argMax(logits, -1), targets.cast('int32')).cast('float32');
    return tf.div(tf.sum(tf.mul(right, m)), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
  });
}

/** Scales gradients so their global L2 norm is at most `maxNorm`; returns the norm before clipping too. */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: tf.Scalar } {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    const clipped: Record<string, tf.Tensor> = {};
    for (const [k, g] of Object.entries(grads)) clipped[k] = tf.mul(g, scale);
    return { grads: clipped, norm } as unknown as tf.TensorContainer;
  }) as unknown as { grads: Record<string, tf.Tensor>; norm: tf.Scalar };
}
