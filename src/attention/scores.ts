// Score functions e(q, k): how well each query matches each key. All batched:
//   query [batch, Tq, dq], keys [batch, Tv, dk]  ->  scores [batch, Tq, Tv]
// (the dot-product scores also over heads: [batch, heads, Tq, d], [batch, heads, Tv, d] -> [batch, heads, Tq, Tv]).
// Attention weights are the (masked) softmax of the scores over the keys axis.
import { tf } from '../tf';
import { linear } from './linear';
import { checkRank, checkRankIn, checkSameSize, describe } from './shapes';

/**
 * Dot-product score (Luong "dot"): e_ij = q_iᵀ k_j. Needs dq = dk.
 * Rank 4 (multi-head attention): query [batch, heads, Tq, d], keys [batch, heads, Tv, d], one matMul for all heads.
 * @returns [batch, Tq, Tv] ([batch, heads, Tq, Tv])
 */
export function dotScore<T extends tf.Tensor3D | tf.Tensor4D>(query: T, keys: T): T {
  checkRankIn('dotScore', 'query', query, [3, 4]);
  checkRankIn('dotScore', 'keys', keys, [3, 4]);
  if (query.rank !== keys.rank || query.shape.slice(0, -2).some((n, i) => keys.shape[i] !== n)) {
    throw new Error(`dotScore: query ${describe(query.shape)} and keys ${describe(keys.shape)} must have the same leading (batch${query.rank === 4 ? ', heads' : ''}) axes`);
  }
  checkSameSize('dotScore', 'query', query, -1, 'keys', keys, -1);
  return tf.matMul(query, keys, false, true) as T; // [..., Tq, d] x [..., Tv, d]ᵀ -> [..., Tq, Tv]
}

/**
 * Scaled dot-product score (Vaswani et al.): e_ij = q_iᵀ k_j / √d, or times `scale` when given.
 * Dividing by √d keeps the scores' variance near 1 as d grows, so the softmax does not saturate.
 * `scale` may be a learned scalar tensor (Keras' Attention with use_scale); `scale` 1 (queries already
 * scaled, e.g. by a query kernel that holds the 1/√d) multiplies by nothing. Rank 3 or 4, as dotScore.
 * @returns [batch, Tq, Tv] ([batch, heads, Tq, Tv])
 */
export function scaledDotScore<T extends tf.Tensor3D | tf.Tensor4D>(query: T, keys: T, scale?: number | tf.Scalar): T {
  const d = query.shape[query.rank - 1];
  if (scale === 1) return dotScore(query, keys);
  return tf.tidy(() => tf.mul(dotScore(query, keys), scale ?? 1 / Math.sqrt(d)) as T);
}

/**
 * General (bilinear) score (Luong "general"): e_ij = q_iᵀ W k_j, with W [dq, dk] learned.
 * @returns [batch, Tq, Tv]
 */
export function generalScore(query: tf.Tensor3D, keys: tf.Tensor3D, w: tf.Tensor2D): tf.Tensor3D {
  checkRank('generalScore', 'query', query, 3);
  checkRank('generalScore', 'keys', keys, 3);
  checkRank('generalScore', 'W', w, 2);
  checkSameSize('generalScore', 'query', query, -1, 'W', w, 0);
  checkSameSize('generalScore', 'keys', keys, -1, 'W', w, 1);
  return tf.tidy(() => {
    const kw = linear(keys, tf.transpose(w)); // W k_j for every key: [b, Tv, dq]
    return dotScore(query, kw); // q_iᵀ (W k_j): [b, Tq, Tv]
  });
}

/**
 * Projects keys once per sequence for the additive score: K' = K W_k (+ b). A decoder calls this
 * once per batch and reuses the result at every step, instead of recomputing W_k k_j per step.
 * @param keys [batch, Tv, dk]; w [dk, units]; bias [units]
 * @returns [batch, Tv, units]
 */
export function projectKeys(keys: tf.Tensor3D, w: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor3D {
  checkRank('projectKeys', 'keys', keys, 3);
  checkSameSize('projectKeys', 'keys', keys, -1, 'W_k', w, 0);
  return tf.tidy(() => {
    const p = linear(keys, w); // [b, Tv, units]
    return bias ? tf.add(p, bias) : p;
  });
}

/**
 * Additive score (Bahdanau): e_ij = vᵀ tanh(W_q q_i + W_k k_j + b).
 *
 * Takes the projections, not the raw vectors: `queryProj` = W_q q_i [batch, Tq, units] and
 * `keyProj` = W_k k_j [batch, Tv, units] (from `projectKeys`, computed once per sequence).
 * Keras' AdditiveAttention is this with identity projections and v = its `scale` weight.
 * @param v [units]; bias [units] (optional, added inside the tanh)
 * @returns [batch, Tq, Tv]
 */
export function additiveScore(
  queryProj: tf.Tensor3D,
  keyProj: tf.Tensor3D,
  v?: tf.Tensor1D,
  bias?: tf.Tensor1D,
): tf.Tensor3D {
  checkRank('additiveScore', 'queryProj', queryProj, 3);
  checkRank('additiveScore', 'keyProj', keyProj, 3);
  checkSameSize('additiveScore', 'queryProj', queryProj, -1, 'keyProj', keyProj, -1);
  if (v) checkSameSize('additiveScore', 'v', v, 0, 'keyProj', keyProj, -1);
  return tf.tidy(() => {
    let h = tf.add(queryProj.expandDims(2), keyProj.expandDims(1)); // [b, Tq, 1, u] + [b, 1, Tv, u] -> [b, Tq, Tv, u]
    if (bias) h = tf.add(h, bias);
    const t = tf.tanh(h);
    return (v ? tf.sum(tf.mul(t, v), -1) : tf.sum(t, -1)) as tf.Tensor3D; // vᵀ tanh(...): [b, Tq, Tv]
  });
}
