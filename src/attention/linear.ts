// x W over the last axis of a batch of sequences, as one matMul (tf.einsum has no gradient in tfjs).
import { tf } from '../tf';

/**
 * @param x [batch, T, d]; w [d, u]
 * @returns [batch, T, u]
 */
export function linear(x: tf.Tensor3D, w: tf.Tensor2D): tf.Tensor3D {
  const [b, t, d] = x.shape;
  if (w.shape[0] !== d) {
    throw new Error(`linear: x [${x.shape.join(', ')}] and W [${w.shape.join(', ')}] disagree: last axis of x is ${d}, first axis of W is ${w.shape[0]}`);
  }
  return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(x, [b * t, d]), w), [b, t, w.shape[1]]));
}
