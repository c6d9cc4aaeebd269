// The Transformer's parts as functions of explicit weights: layer norm, the position-wise feed-forward
// network, and the attention sub-layers, which run through the MultiHeadAttention layer's own functional
// core (projectHeads, attendHeads): one implementation of attention in the library.
import { attendHeads, MultiHeadWeights, projectHeads } from '../attention/layers/multi-head-attention';
import { linear } from '../attention/linear';
import { tf } from '../tf';
import { type Binding, type NodeBackend, nodeBackend, type OpAttr } from '../train/fast/native';

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

/** Constants fusedLayerNorm passes to TensorFlow for n positions: ones and zeros [n], an empty [0]; make them once for many calls. */
export interface LayerNormRows {
  ones: tf.Tensor1D;
  zeros: tf.Tensor1D;
  empty: tf.Tensor1D;
}

export function layerNormRows(n: number): LayerNormRows {
  return { ones: tf.ones([n]) as tf.Tensor1D, zeros: tf.zeros([n]) as tf.Tensor1D, empty: tf.tensor1d([]) };
}

/**
 * One TensorFlow op run directly on tfjs-node (for inference: it is not recorded for gradients): inputs are
 * tfjs tensors, the first output comes back as one and the others are deleted unwrapped (no tfjs tensor is
 * made only to be disposed). `attrs` gets the binding for its type constants.
 */
function runKernel(backend: NodeBackend, name: string, attrs: (b: Binding) => OpAttr[], inputs: tf.Tensor[], numOutputs = 1): tf.Tensor {
  const b = backend.binding;
  let outputs: ReturnType<Binding['executeOp']>;
  try {
    outputs = b.executeOp(name, attrs(b), backend.getInputTensorIds(inputs), numOutputs);
  } catch (e) {
    throw new Error(`TensorFlow op ${name} failed on inputs ${inputs.map((t) => JSON.stringify(t.shape)).join(', ')}: ${(e as Error).message.split('\n')[0]}`);
  }
  const [first, ...rest] = outputs;
  for (const m of rest) b.deleteTensor(m.id);
  return backend.createOutputTensor(first);
}

/**
 * layerNorm for inference, in one TensorFlow kernel on tfjs-node instead of nine: FusedBatchNormV3 in
 * training mode normalises each channel over all other axes, so with the positions as the channels (x as
 * NCHW [1, n, 1, d]) it returns every position's (x − μ)/√(σ² + ε), μ and σ² over its d features (the
 * biased variance, as layerNorm). Then γ ⊙ · + β; with γ and β null, the normalisation alone (for a γ and β
 * folded into the next projection). x [..., d] (n positions); given as [1, n, 1, d] it needs no reshape
 * either way. No gradient (the decoder's cached steps use it); on a backend without the op it is layerNorm
 * itself. The test holds it to layerNorm within 1e-6. `rows`: layerNormRows(n), to share across calls.
 */
export function fusedLayerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor | null, beta: tf.Tensor | null, eps = 1e-5, rows?: LayerNormRows): T {
  const backend = nodeBackend();
  const d = x.shape[x.rank - 1];
  const n = x.size / d;
  const affine = (y: tf.Tensor) => (gamma && beta ? tf.add(tf.mul(y, gamma), beta) : y) as T;
  if (!backend) {
    return tf.tidy(() => {
      const [ones, zeros] = [gamma ?? tf.ones([d]), beta ?? tf.zeros([d])];
      return tf.reshape(layerNorm(tf.reshape(x, [1, n, d]) as tf.Tensor3D, ones, zeros, eps), x.shape) as T;
    });
  }
  if (rows && rows.ones.shape[0] !== n) throw new Error(`fusedLayerNorm: rows are for ${rows.ones.shape[0]} positions, x ${JSON.stringify(x.shape)} has ${n}`);
  const attrs = (B: Binding): OpAttr[] => [
    { name: 'T', type: B.TF_ATTR_TYPE, value: B.TF_FLOAT },
    { name: 'U', type: B.TF_ATTR_TYPE, value: B.TF_FLOAT },
    { name: 'epsilon', type: B.TF_ATTR_FLOAT, value: eps },
    { name: 'exponential_avg_factor', type: B.TF_ATTR_FLOAT, value: 1 },
    { name: 'data_format', type: B.TF_ATTR_STRING, value: 'NCHW' },
    { name: 'is_training', type: B.TF_ATTR_BOOL, value: true },
  ];
  const nchw = x.rank === 4 && x.shape[0] === 1 && x.shape[2] === 1; // already [1, n, 1, d]
  return tf.tidy(() => {
    const r = rows ?? layerNormRows(n);
    const normed = runKernel(backend, 'FusedBatchNormV3', attrs, [nchw ? x : tf.reshape(x, [1, n, 1, d]), r.ones, r.zeros, r.empty, r.empty], 6); // [1, n, 1, d]; the 5 batch statistics are dropped
    return affine(nchw ? normed : tf.reshape(normed, x.shape));
  });
}

/**
 * log softmax over the last axis for inference, in one TensorFlow kernel (LogSoftmax) on tfjs-node instead
 * of tf.logSoftmax's seven (max, subtract, cast, exp, sum, log, subtract): log p_i = x_i − max − log Σ_j e^{x_j − max}.
 * No gradient (decoding steps use it); on another backend it is tf.logSoftmax. The test holds it to tf.logSoftmax within 1e-6.
 * logits float32 [..., V] -> [..., V]
 */
export function fusedLogSoftmax<T extends tf.Tensor>(logits: T): T {
  const backend = nodeBackend();
  if (!backend || logits.dtype !== 'float32' || logits.rank < 1) return tf.logSoftmax(logits) as T;
  return runKernel(backend, 'LogSoftmax', (B) => [{ name: 'T', type: B.TF_ATTR_TYPE, value: B.TF_FLOAT }], [logits]) as T;
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
