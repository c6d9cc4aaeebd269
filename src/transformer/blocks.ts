// The Transformer's parts as functions of explicit weights: layer norm, the position-wise feed-forward
// network, and the attention sub-layers, which run through the MultiHeadAttention layer's own functional
// core (projectHeads, attendHeads): one implementation of attention in the library.
import { attendHeads, MultiHeadWeights, projectHeads } from '../attention/layers/multi-head-attention';
import { linear } from '../attention/linear';
import { tf } from '../tf';

/** Layer norm over the last axis: γ ⊙ (x − μ) / √(σ² + ε) + β, μ and σ² per position. x [b, T, d] -> [b, T, d]. */
export function layerNorm(x: tf.Tensor3D, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor3D {
  return tf.tidy(() => {
    // What tf.moments computes (mean, then the mean of squared deviations), without its casts and reshapes,
    // and x − μ computed once: the same kernels on the same values, fewer ops per call (it runs at every decode step).
    const mean = tf.mean(x, -1, true); // [b, T, 1]
    const centered = tf.sub(x, mean); // [b, T, d]
    const variance = tf.mean(tf.square(centered), -1, true); // [b, T, 1]
    return tf.add(tf.mul(tf.div(centered, tf.sqrt(tf.add(variance, eps))), gamma), beta) as tf.Tensor3D; // [b, T, d]
  });
}

export interface FeedForwardWeights {
  kernel1: tf.Tensor2D; // [d, ff]
  bias1: tf.Tensor1D; // [ff]
  kernel2: tf.Tensor2D; // [ff, d]
  bias2: tf.Tensor1D; // [d]
}

/** FFN(x) = max(0, x W₁ + b₁) W₂ + b₂, the same at every position. x [b, T, d] -> [b, T, d]. */
export function feedForward(x: tf.Tensor3D, w: FeedForwardWeights): tf.Tensor3D {
  return tf.tidy(() => {
    const hidden = tf.relu(tf.add(linear(x, w.kernel1), w.bias1)) as tf.Tensor3D; // [b, T, ff]
    return tf.add(linear(hidden, w.kernel2), w.bias2) as tf.Tensor3D; // [b, T, d]
  });
}

/** Keys and values of one attention sub-layer, split into heads: [b, h, T, d/h] each. */
export interface KeyValues {
  keys: tf.Tensor4D;
  values: tf.Tensor4D;
}

/** K = X W_k + b_k and V = X W_v + b_v, split into heads. x [b, T, d] -> keys, values [b, h, T, d/h]. */
export function keyValues(x: tf.Tensor3D, w: MultiHeadWeights): KeyValues {
  return { keys: projectHeads(x, w.keyKernel, w.keyBias), values: projectHeads(x, w.valueKernel, w.valueBias) };
}

/**
 * Attention of the query positions x over keys/values given as heads (cached, or just computed):
 * Q = x W_q + b_q, then attendHeads. x [b, Tq, d]; kv [b, h, Tv, d/h]; mask broadcastable to [b, Tq, Tv].
 * @returns output [b, Tq, d] and weights [b, h, Tq, Tv]
 */
export function attendOver(x: tf.Tensor3D, kv: KeyValues, w: MultiHeadWeights, mask?: tf.Tensor): { output: tf.Tensor3D; scores: tf.Tensor4D } {
  return tf.tidy(() => {
    const q = projectHeads(x, w.queryKernel, w.queryBias); // [b, h, Tq, d/h]
    return attendHeads(q, kv.keys, kv.values, w.outputKernel, w.outputBias, mask) as unknown as tf.TensorContainer; // [b, Tq, d], [b, h, Tq, Tv]
  }) as unknown as { output: tf.Tensor3D; scores: tf.Tensor4D };
}

/** The prefix's cached keys/values followed by the new positions': [b, h, t, k] ++ [b, h, n, k] -> [b, h, t + n, k]. */
export function appendKeyValues(past: KeyValues | undefined, next: KeyValues): KeyValues {
  if (!past) return next;
  return { keys: tf.concat([past.keys, next.keys], 2), values: tf.concat([past.values, next.values], 2) };
}
